/**
 * One run of the inbox as a row of the list: its workflow, run, signals, assignee, how long it has
 * waited, its deadline and its progress on one line. Opened (one at a time), it shows its progress in
 * full, the claim actions, and a form for each signal, generated from the signal's schema (Approve /
 * Reject when it has a boolean `approved`), with its approver field prefilled with the signed-in
 * key's name; every answer and claim is confirmed in a dialog first.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useCan, useSession } from '../api/session';
import { formatDuration, formatTime, shortId } from '../format';
import { asSchema, kindOf } from '../schema-values';
import { approverValues, assigneeOf, type ApiInboxEntry } from '../views/inbox-list';
import { ConfirmDialog } from './confirm-dialog';
import { JsonView } from './json-view';
import { ProgressLine, ProgressView } from './progress-view';
import { SchemaForm, type FormAction } from './schema-form';
import { ErrorState } from './states';

export interface InboxEntryRowsProps {
  entry: ApiInboxEntry;
  now: number;
  open: boolean;
  onToggle(): void;
  /** Whether it is picked for a bulk answer; undefined where the key may not answer. */
  picked: boolean | undefined;
  onPick(): void;
  /** The table's column count, for the opened row. */
  columns: number;
  onDone(): void;
}

type Pending = { kind: 'assign' } | { kind: 'release' } | { kind: 'signal'; name: string; data: unknown; label: string; tone?: FormAction['tone'] };

export function InboxEntryRows({ entry, now, open, onToggle, picked, onPick, columns, onDone }: InboxEntryRowsProps) {
  const assignee = assigneeOf(entry);
  const deadlineSoon = entry.deadline !== undefined && Date.parse(entry.deadline) - now < 3_600_000;
  return (
    <tbody className={open ? 'inbox-entry open' : 'inbox-entry'} data-run-id={entry.runId} aria-label={`${entry.workflow} ${entry.runId}`}>
      <tr className="inbox-row">
        {picked === undefined ? null : (
          <td className="pick">
            <input type="checkbox" aria-label={`Pick run ${entry.runId}`} checked={picked} onChange={onPick} />
          </td>
        )}
        <td>
          {entry.workflow} <span className="muted small">v{entry.version}</span>
          {entry.tags.map((tag) => (
            <span key={tag} className="tag">
              {tag}
            </span>
          ))}
        </td>
        <td>
          <Link to={`/runs/${encodeURIComponent(entry.runId)}`} className="mono" title={entry.runId}>
            {shortId(entry.runId, 24)}
          </Link>
        </td>
        <td>
          {entry.signals.map((signal) => (
            <code key={signal.name} className="tag">
              {signal.name}
            </code>
          ))}
        </td>
        <td className="inbox-assignee">
          {assignee === undefined ? <span className="muted">unclaimed</span> : <strong>{assignee}</strong>}
          <EscalationLines escalation={entry.escalation} />
        </td>
        <td className="inbox-age" title={formatTime(entry.since)}>
          {formatDuration(now - Date.parse(entry.since))}
        </td>
        <td className="inbox-deadline" title={entry.deadline === undefined ? undefined : formatTime(entry.deadline)}>
          {entry.deadline === undefined ? (
            <span className="muted">none</span>
          ) : (
            <span className={deadlineSoon ? 'tag tag-warn' : undefined}>{formatTime(entry.deadline)}</span>
          )}
        </td>
        <td className="progress-cell">{entry.progress === undefined ? <span className="muted">—</span> : <ProgressLine value={entry.progress} />}</td>
        <td className="inbox-open">
          <button
            type="button"
            className="button button-small"
            aria-expanded={open}
            aria-label={`${open ? 'Close' : 'Open'} ${entry.runId}`}
            onClick={onToggle}
          >
            {open ? 'Close' : 'Open'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="inbox-detail-row">
          <td colSpan={columns}>
            <InboxEntryDetail entry={entry} onDone={onDone} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

function InboxEntryDetail({ entry, onDone }: { entry: ApiInboxEntry; onDone(): void }) {
  const { client, identity } = useSession();
  const canAct = useCan('operator');
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [assignee, setAssignee] = useState(identity.name);
  const [error, setError] = useState<unknown>(undefined);
  const close = (): void => setPending(undefined);

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
    <div className="inbox-detail">
      <p className="muted small">
        Waiting since {formatTime(entry.since)}
        {entry.deadline === undefined ? '' : `; times out at ${formatTime(entry.deadline)}`}.
      </p>
      {entry.progress === undefined ? null : <ProgressView value={entry.progress} />}
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
              approver={identity.name}
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
    </div>
  );
}

/** One signal's answer: Approve / Reject when its schema has a boolean `approved`, else a Send of the whole form. */
function SignalForm({
  name,
  schema,
  approver,
  onSubmit,
}: {
  name: string;
  schema: unknown;
  approver: string;
  onSubmit(data: unknown, action: FormAction): void;
}) {
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
      <SchemaForm
        schema={schema}
        label={`Signal ${name}`}
        actions={actions}
        hidden={shortcuts ? ['approved'] : []}
        initial={approverValues(schema, approver)}
        onSubmit={onSubmit}
      />
    </section>
  );
}

/** What the task's escalation did so far ("escalated to … at …", "reminded at …") and its next stage. */
function EscalationLines({ escalation }: { escalation: ApiInboxEntry['escalation'] }) {
  if (escalation === undefined) return null;
  const said = (stage: NonNullable<ApiInboxEntry['escalation']>['stages'][number]): string => {
    const at = formatTime(stage.at);
    if (stage.action === 'reassign') return `escalated to ${stage.to ?? '?'} at ${at}`;
    if (stage.action === 'remind') return `reminded at ${at}`;
    if (stage.action === 'notify') return `notified ${(stage.channels ?? []).join(', ')} at ${at}`;
    return `decided by default at ${at}`;
  };
  return (
    <span className="inbox-escalation small muted">
      {escalation.stages.map((stage, i) => (
        <span key={i} className="inbox-escalation-stage">
          {said(stage)}
        </span>
      ))}
      {escalation.next === undefined ? null : (
        <span className="inbox-escalation-next">
          next: {escalation.next.action === 'decide' ? 'decide by default' : escalation.next.action} at {formatTime(escalation.next.at)}
        </span>
      )}
    </span>
  );
}
