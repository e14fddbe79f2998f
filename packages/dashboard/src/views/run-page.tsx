/**
 * One run (/runs/:id): its header (status, workflow, version, namespace, tags, times, progress),
 * the actions the key may take, its compensations (saga) when it undid steps, the journal as a
 * timeline and as a graph, the selected entry in full, its model calls, its replay checks, and the runs around it
 * (parent, children, the runs it continues). It follows the run's live stream: each change reloads it.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { useSession } from '../api/session';
import { useChanges, useDebounced } from '../api/use-changes';
import { useLoad } from '../api/use-load';
import { CompensationList } from '../components/compensation-list';
import { DefinitionRunGraph } from '../components/definition-run-graph';
import { ErrorView } from '../components/error-view';
import { JournalGraph } from '../components/journal-graph';
import { JsonView } from '../components/json-view';
import { ModelCallList } from '../components/model-call-list';
import { ReplayResults } from '../components/replay-results';
import { RunActions } from '../components/run-actions';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { StepDetails } from '../components/step-details';
import { StepTimeline } from '../components/step-timeline';
import { revealInWindow } from '../components/scroll-within';
import { formatCallsCost, formatDuration, formatTime, plural, runDuration } from '../format';
import { ProgressView } from '../components/progress-view';
import { childRunsOf, drawnEntries, escalationNote, KIND_LABELS, llmTotals } from '../journal';

interface RunView {
  run: ApiRun;
  journal: ApiJournalEntry[];
  children: ApiRun[];
}

export function RunPage() {
  const { id = '' } = useParams();
  const { client } = useSession();
  const loaded = useLoad(async (): Promise<RunView | undefined> => {
    const [found, children] = await Promise.all([client.get(id), client.list({ parentId: id, limit: 200 })]);
    return found === undefined ? undefined : { ...found, children: children.runs };
  }, [client, id]);

  const reload = useDebounced(() => loaded.reload(), 250);
  useChanges({ runId: id }, reload, reload);

  // A clock for what is still going on (durations, the timeline's end).
  const [now, setNow] = useState(() => Date.now());
  const running = loaded.value !== undefined && loaded.value.run.endedAt === undefined;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);

  const [selected, setSelected] = useState<number | undefined>(undefined);
  useEffect(() => setSelected(undefined), [id]);
  // Picked from a list above the journal: the journal scrolls into view to show the entry.
  const journalCard = useRef<HTMLElement>(null);
  const showEntry = (seq: number): void => {
    setSelected(seq);
    journalCard.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };
  // Picked in the timeline: the entry's details come into the window if they are out of it.
  const detail = useRef<HTMLDivElement>(null);
  const showDetail = (seq: number): void => {
    setSelected(seq);
    if (detail.current !== null) revealInWindow(detail.current);
  };

  if (loaded.value === undefined) {
    if (loaded.error !== undefined) return <ErrorState error={loaded.error} title={`Run ${id} could not be loaded`} onRetry={loaded.reload} />;
    if (loaded.loading) return <Loading what={`run ${id}`} />;
    return (
      <EmptyState title={`No run has the id “${id}”`}>
        It may belong to another namespace than your key’s. <Link to="/runs">Back to the runs</Link>
      </EmptyState>
    );
  }

  const { run, journal, children } = loaded.value;
  const entries = drawnEntries(journal);
  const failed = journal.find((entry) => entry.status === 'failed');
  // Shown: the one picked, else the failure, else the latest entry drawn in the timeline and graph
  // (a journaled value, `ctx.now()` say, is only in the full list).
  const shownSeq = selected ?? failed?.seq ?? entries[entries.length - 1]?.seq ?? journal[journal.length - 1]?.seq;
  const shown = journal.find((entry) => entry.seq === shownSeq);
  const cost = llmTotals(journal);
  const childRuns = childRunsOf(run, children);
  const ended = run.endedAt !== undefined;

  return (
    <section className="page run-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/runs">Runs</Link> <span aria-hidden="true">/</span> <span className="mono">{run.id}</span>
      </nav>
      <header className="run-head">
        <div className="run-title">
          <h1>
            {run.workflow} <span className="muted small">v{run.version}</span>
          </h1>
          <StatusBadge status={run.status} />
          {run.cancelRequested && run.status !== 'cancelled' ? <span className="tag tag-warn">cancel requested</span> : null}
          {run.compensating ? <span className="tag tag-warn">{ended ? 'compensated' : 'compensating'}</span> : null}
        </div>
        <RunActions run={run} failedStep={failed === undefined ? undefined : `#${failed.seq} ${failed.name}`} onDone={loaded.reload} />
      </header>
      {loaded.error === undefined ? null : <ErrorState error={loaded.error} title="The run could not be refreshed" onRetry={loaded.reload} />}

      <div className="card run-facts">
        <dl className="facts facts-grid">
          <dt>id</dt>
          <dd className="mono">{run.id}</dd>
          <dt>namespace</dt>
          <dd>{run.namespace}</dd>
          <dt>queue</dt>
          <dd>
            {run.queue} <span className="muted">(priority {run.priority})</span>
          </dd>
          <dt>tags</dt>
          <dd>
            {run.tags.length === 0
              ? '—'
              : run.tags.map((tag) => (
                  <Link key={tag} className="tag" to={`/runs?tag=${encodeURIComponent(tag)}`}>
                    {tag}
                  </Link>
                ))}
          </dd>
          <dt>created</dt>
          <dd title={run.createdAt}>{formatTime(run.createdAt)}</dd>
          <dt>started</dt>
          <dd title={run.startedAt}>{formatTime(run.startedAt)}</dd>
          <dt>ended</dt>
          <dd title={run.endedAt}>{formatTime(run.endedAt)}</dd>
          <dt>duration</dt>
          <dd>{run.status === 'queued' ? '—' : formatDuration(runDuration(run, now))}</dd>
          {run.progress === undefined ? null : (
            <>
              <dt>progress</dt>
              <dd className="run-progress">
                <ProgressView value={run.progress} />
              </dd>
            </>
          )}
          {cost === undefined ? null : (
            <>
              <dt>model calls</dt>
              <dd>
                {plural(cost.calls, 'call')} · {plural(cost.tokens, 'token')} · {formatCallsCost(cost.costUsd, cost.unpriced, cost.calls)}
              </dd>
            </>
          )}
          {run.parentId === undefined ? null : (
            <>
              <dt>parent</dt>
              <dd>
                <Link to={`/runs/${encodeURIComponent(run.parentId)}`}>{run.parentId}</Link>
              </dd>
            </>
          )}
          {run.continuedFrom === undefined ? null : (
            <>
              <dt>continues</dt>
              <dd>
                <Link to={`/runs/${encodeURIComponent(run.continuedFrom)}`}>{run.continuedFrom}</Link>
              </dd>
            </>
          )}
          {run.continuedTo === undefined ? null : (
            <>
              <dt>continued as</dt>
              <dd>
                <Link to={`/runs/${encodeURIComponent(run.continuedTo)}`}>{run.continuedTo}</Link>
              </dd>
            </>
          )}
        </dl>
        {run.error === undefined ? null : (
          <div className="run-error">
            <h2>Error</h2>
            <ErrorView error={run.error} />
          </div>
        )}
        <details className="payloads">
          <summary>Input{run.output === undefined ? '' : ' and output'}</summary>
          <h4>Input</h4>
          <JsonView value={run.input} label="Input" />
          {run.output === undefined ? null : (
            <>
              <h4>Output</h4>
              <JsonView value={run.output} label="Run output" />
            </>
          )}
        </details>
      </div>

      <CompensationList run={run} journal={journal} selected={shownSeq} onSelect={showEntry} />
      <DefinitionRunGraph run={run} journal={journal} onSelect={setSelected} onOpen={showEntry} />

      <section className="card">
        <h2>Timeline</h2>
        <StepTimeline run={run} entries={entries} childRuns={childRuns} now={now} selected={shownSeq} onSelect={showDetail} />
      </section>

      <section className="card journal-card" ref={journalCard}>
        <h2>Journal</h2>
        <div className="journal-split">
          <JournalGraph run={run} entries={entries} childRuns={childRuns} selected={shownSeq} onSelect={setSelected} />
          <div className="journal-detail" ref={detail}>
            {shown === undefined ? <p className="muted">Nothing journaled yet.</p> : <StepDetails run={run} entry={shown} child={childRuns.get(shown.seq)} />}
            <EntryList journal={journal} selected={shownSeq} onSelect={setSelected} />
          </div>
        </div>
      </section>

      <ModelCallList journal={journal} selected={shownSeq} onSelect={showEntry} />
      <ReplayResults runId={run.id} version={`${run.status}:${journal.length}`} onSelect={showEntry} />

      <section className="card">
        <h2>Child runs</h2>
        {children.length === 0 ? (
          <p className="muted">This run started no child runs.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Workflow</th>
                <th>Status</th>
                <th>Created</th>
                <th className="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              {children.map((child) => (
                <tr key={child.id}>
                  <td>
                    <Link className="mono" to={`/runs/${encodeURIComponent(child.id)}`}>
                      {child.id}
                    </Link>
                  </td>
                  <td>{child.workflow}</td>
                  <td>
                    <StatusBadge status={child.status} />
                  </td>
                  <td>{formatTime(child.createdAt)}</td>
                  <td className="num">{child.status === 'queued' ? '—' : formatDuration(runDuration(child, now))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}

/** Every journal entry, journaled values included, by position. */
function EntryList({ journal, selected, onSelect }: { journal: ApiJournalEntry[]; selected: number | undefined; onSelect(seq: number): void }) {
  if (journal.length === 0) return null;
  return (
    <details className="entry-list">
      <summary>All {plural(journal.length, 'journal entry', 'journal entries')}</summary>
      <table className="table table-compact">
        <tbody>
          {journal.map((entry) => (
            <tr key={entry.seq} className={selected === entry.seq ? 'selected' : undefined} onClick={() => onSelect(entry.seq)}>
              <td className="muted">#{entry.seq}</td>
              <td>{KIND_LABELS[entry.kind] ?? entry.kind}</td>
              <td>
                {entry.name}
                {escalationNote(entry) === undefined ? null : <span className="muted small"> · {escalationNote(entry)}</span>}
              </td>
              <td>
                <StatusBadge status={entry.status} />
              </td>
              <td className="num">{formatDuration(entry.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
