/**
 * The approval inbox: every run waiting for a person's signal, oldest wait first, with what it waits
 * for, since when, until when, how far it got and who handles it. An operator claims and releases
 * runs and answers them with a form generated from each signal's schema (Approve / Reject when the
 * schema has a boolean `approved`), after a confirmation. It follows the live stream.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiClient } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { useChanges, useDebounced } from '../api/use-changes';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { JsonView } from '../components/json-view';
import { SchemaForm, type FormAction } from '../components/schema-form';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatDuration, formatTime, readable, shortId, toJsonText } from '../format';
import { asSchema, kindOf } from '../schema-values';

type InboxEntry = Awaited<ReturnType<ApiClient['inbox']['list']>>['entries'][number];

const PAGE_SIZE = 50;

export function InboxPage() {
  const { client } = useSession();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useLoad(() => client.inbox.list({ limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) }), [client, cursor]);
  const refresh = useDebounced(() => page.reload(), 300);
  useChanges({}, (change) => change.kind === 'run' && refresh(), page.reload);
  const entries = page.value?.entries;

  return (
    <section className="page">
      <div className="page-head">
        <h1>Inbox</h1>
        <span className="live-dot" title="Updates live">
          live
        </span>
      </div>
      <p className="hint">Runs waiting for a person’s signal, the longest-waiting first.</p>
      {page.error !== undefined && entries === undefined ? (
        <ErrorState error={page.error} title="The inbox could not be loaded" onRetry={page.reload} />
      ) : entries === undefined ? (
        <Loading what="the inbox" />
      ) : entries.length === 0 ? (
        <EmptyState title={cursor === undefined ? 'Nothing is waiting for a person' : 'No more waiting runs'}>
          A run that calls <code>ctx.waitForSignal('approval')</code> shows up here, with a form for its answer.
        </EmptyState>
      ) : (
        <>
          {page.error === undefined ? null : <ErrorState error={page.error} title="The inbox could not be refreshed" onRetry={page.reload} />}
          <div className="inbox">
            {entries.map((entry) => (
              <InboxCard key={entry.runId} entry={entry} onDone={page.reload} />
            ))}
          </div>
        </>
      )}
      <div className="pager">
        {cursors.length === 0 ? null : (
          <button type="button" className="button" onClick={() => setCursors([])}>
            ← First page
          </button>
        )}
        {page.value?.nextCursor === undefined ? null : (
          <button type="button" className="button" onClick={() => setCursors((c) => [...c, page.value!.nextCursor!])}>
            Next page →
          </button>
        )}
      </div>
    </section>
  );
}

type Pending = { kind: 'assign' } | { kind: 'release' } | { kind: 'signal'; name: string; data: unknown; label: string; tone?: FormAction['tone'] };

function InboxCard({ entry, onDone }: { entry: InboxEntry; onDone(): void }) {
  const { client, identity } = useSession();
  const canAct = useCan('operator');
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [assignee, setAssignee] = useState(identity.name);
  const [error, setError] = useState<unknown>(undefined);
  const close = (): void => setPending(undefined);
  const waited = Date.now() - Date.parse(entry.since);

  const claimForMe = async (): Promise<void> => {
    setError(undefined);
    try {
      await client.inbox.claim(entry.runId);
      onDone();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <article className="card inbox-entry" data-run-id={entry.runId} aria-label={`${entry.workflow} ${entry.runId}`}>
      <header className="inbox-head">
        <h2>
          {entry.workflow} <span className="muted small">v{entry.version}</span>
        </h2>
        <Link to={`/runs/${encodeURIComponent(entry.runId)}`} className="mono" title={entry.runId}>
          {shortId(entry.runId)}
        </Link>
        {entry.tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
          </span>
        ))}
      </header>
      <dl className="facts facts-grid">
        <dt>Waits for</dt>
        <dd>
          {entry.signals.map((signal) => (
            <code key={signal.name} className="tag">
              {signal.name}
            </code>
          ))}
        </dd>
        <dt>Since</dt>
        <dd title={entry.since}>
          {formatTime(entry.since)} <span className="muted small">({formatDuration(waited)} ago)</span>
        </dd>
        <dt>Deadline</dt>
        <dd title={entry.deadline}>
          {entry.deadline === undefined ? (
            <span className="muted">none</span>
          ) : (
            <span className={Date.parse(entry.deadline) - Date.now() < 3_600_000 ? 'tag tag-warn' : undefined}>{formatTime(entry.deadline)}</span>
          )}
        </dd>
        <dt>Assignee</dt>
        <dd className="inbox-assignee">{entry.claim === undefined ? <span className="muted">unclaimed</span> : <strong>{entry.claim.assignee}</strong>}</dd>
      </dl>
      {entry.progress === undefined ? null : <Progress value={entry.progress} />}

      {canAct ? (
        <>
          <div className="actions" role="toolbar" aria-label="Claim">
            {entry.claim?.assignee === identity.name ? null : (
              <button type="button" className="button" onClick={() => void claimForMe()}>
                Claim
              </button>
            )}
            <button type="button" className="button" onClick={() => setPending({ kind: 'assign' })}>
              Assign to…
            </button>
            {entry.claim === undefined ? null : (
              <button type="button" className="button" onClick={() => setPending({ kind: 'release' })}>
                Release
              </button>
            )}
          </div>
          {error === undefined ? null : <ErrorState error={error} title="The claim failed" />}
          {entry.signals.map((signal) => (
            <SignalForm
              key={signal.name}
              name={signal.name}
              schema={signal.schema}
              onSubmit={(data, action) =>
                setPending({ kind: 'signal', name: signal.name, data, label: action.label, ...(action.tone === undefined ? {} : { tone: action.tone }) })
              }
            />
          ))}
        </>
      ) : null}

      {pending?.kind === 'assign' ? (
        <ConfirmDialog
          title="Assign this run"
          confirmLabel="Assign"
          onClose={close}
          onConfirm={async () => {
            await client.inbox.claim(entry.runId, assignee.trim() === '' ? undefined : assignee.trim());
            onDone();
          }}
        >
          <label className="field">
            <span>Assignee (who handles it)</span>
            <input name="assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)} />
          </label>
        </ConfirmDialog>
      ) : null}
      {pending?.kind === 'release' ? (
        <ConfirmDialog
          title="Release this run?"
          confirmLabel="Release"
          onClose={close}
          onConfirm={async () => {
            await client.inbox.release(entry.runId);
            onDone();
          }}
        >
          <p>{entry.claim?.assignee ?? 'Nobody'} no longer handles it; it stays in the inbox, unclaimed.</p>
        </ConfirmDialog>
      ) : null}
      {pending?.kind === 'signal' ? (
        <ConfirmDialog
          title={`${pending.label}: send “${pending.name}”?`}
          confirmLabel={pending.label}
          danger={pending.tone === 'danger'}
          onClose={close}
          onConfirm={async () => {
            await client.signal(entry.runId, pending.name, pending.data);
            onDone();
          }}
        >
          <p>
            Run <code>{entry.runId}</code> continues with this answer; it cannot be taken back.
          </p>
          <JsonView value={pending.data} label="Signal data" />
        </ConfirmDialog>
      ) : null}
    </article>
  );
}

/** A run's progress: a flat object as labelled values (`stage`, `detail`…), anything else as JSON. */
function Progress({ value }: { value: unknown }) {
  const shown = readable(value);
  if (shown !== null && typeof shown === 'object' && !Array.isArray(shown)) {
    const fields = Object.entries(shown as Record<string, unknown>);
    return (
      <dl className="facts inbox-progress" aria-label="Progress">
        {fields.map(([key, v]) => (
          <div key={key} className="inbox-progress-item">
            <dt>{key}</dt>
            <dd>{typeof v === 'string' ? v : v !== null && typeof v === 'object' ? <JsonView value={v} /> : toJsonText(v)}</dd>
          </div>
        ))}
      </dl>
    );
  }
  return (
    <div className="inbox-progress" aria-label="Progress">
      <span className="muted small">Progress</span> {typeof shown === 'string' ? shown : toJsonText(value)}
    </div>
  );
}

/** One signal's answer: Approve / Reject when its schema has a boolean `approved`, else a Send of the whole form. */
function SignalForm({ name, schema, onSubmit }: { name: string; schema: unknown; onSubmit(data: unknown, action: FormAction): void }) {
  const approved = asSchema(schema)?.properties?.approved;
  const shortcuts = kindOf(asSchema(schema)) === 'object' && approved !== undefined && kindOf(approved) === 'boolean';
  const actions: FormAction[] = shortcuts
    ? [
        { label: 'Approve', tone: 'primary', set: { approved: true } },
        { label: 'Reject', tone: 'danger', set: { approved: false } },
      ]
    : [{ label: `Send ${name}`, tone: 'primary' }];
  return (
    <section className="inbox-signal" aria-label={`Signal ${name}`}>
      <h3>
        Answer <code>{name}</code>
        {schema === undefined ? <span className="muted small"> (no schema declared: any JSON)</span> : null}
      </h3>
      <SchemaForm schema={schema} label={`Signal ${name}`} actions={actions} hidden={shortcuts ? ['approved'] : []} onSubmit={onSubmit} />
    </section>
  );
}
