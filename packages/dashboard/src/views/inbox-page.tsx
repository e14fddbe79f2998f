/**
 * The approval inbox: every run waiting for a person's signal, as a compact list an operator
 * filters (workflow, assignee, words) and sorts (age, deadline, workflow, assignee). A row opens
 * (one at a time) to its claim actions and its signals' forms; picked rows are approved or rejected
 * together, each run its own call. It follows the live stream.
 */
import { useEffect, useMemo, useState } from 'react';
import { useCan, useSession } from '../api/session';
import { useChanges, useDebounced } from '../api/use-changes';
import { useLoad } from '../api/use-load';
import { InboxBulkActions } from '../components/inbox-bulk-actions';
import { InboxEntryRows } from '../components/inbox-entry';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { plural } from '../format';
import { ANYONE, INBOX_SORTS, UNCLAIMED, assigneeOf, matches, sortEntries, type InboxFilter, type InboxSort } from './inbox-list';
import './inbox-page.css';

/** One page holds this many waiting runs: filters and sorts work on the page loaded. */
const PAGE_SIZE = 200;

export function InboxPage() {
  const { client, identity } = useSession();
  const canAct = useCan('operator');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useLoad(() => client.inbox.list({ limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) }), [client, cursor]);
  const refresh = useDebounced(() => page.reload(), 300);
  useChanges({}, (change) => change.kind === 'run' && refresh(), page.reload);
  const entries = page.value?.entries;

  const [filter, setFilter] = useState<InboxFilter>({ workflow: '', assignee: ANYONE, text: '' });
  const [sort, setSort] = useState<InboxSort>('oldest');
  const [openId, setOpenId] = useState<string | undefined>(undefined);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  // A clock for the ages.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => setNow(Date.now()), [entries]);

  const shown = useMemo(
    () =>
      sortEntries(
        (entries ?? []).filter((entry) => matches(entry, filter)),
        sort,
      ),
    [entries, filter, sort],
  );
  const workflows = useMemo(() => [...new Set((entries ?? []).map((e) => e.workflow))].sort(), [entries]);
  const assignees = useMemo(() => [...new Set((entries ?? []).flatMap((e) => assigneeOf(e) ?? []))].sort(), [entries]);
  // Picked runs that are still listed and shown.
  const selected = shown.filter((entry) => picked.has(entry.runId));
  const allPicked = shown.length > 0 && shown.every((entry) => picked.has(entry.runId));
  const columns = canAct ? 9 : 8;

  return (
    <section className="page">
      <div className="page-head">
        <h1>Inbox</h1>
        <span className="live-dot" title="Updates live">
          live
        </span>
      </div>
      <p className="hint">Runs waiting for a person’s signal. Open one to claim it or answer it; pick several to approve or reject them together.</p>
      <form className="filters inbox-filters" role="search" aria-label="Filter the inbox" onSubmit={(e) => e.preventDefault()}>
        <label className="field field-wide">
          <span>Search</span>
          <input
            type="search"
            name="text"
            placeholder="run id, tag, signal or progress"
            value={filter.text}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Workflow</span>
          <select name="workflow" value={filter.workflow} onChange={(e) => setFilter({ ...filter, workflow: e.target.value })}>
            <option value="">any</option>
            {workflows.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Assignee</span>
          <select name="assignee" value={filter.assignee} onChange={(e) => setFilter({ ...filter, assignee: e.target.value })}>
            <option value={ANYONE}>anyone</option>
            <option value={UNCLAIMED}>unclaimed</option>
            {assignees.includes(identity.name) ? null : <option value={identity.name}>{identity.name} (me)</option>}
            {assignees.map((name) => (
              <option key={name} value={name}>
                {name === identity.name ? `${name} (me)` : name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Sort by</span>
          <select name="sort" value={sort} onChange={(e) => setSort(e.target.value as InboxSort)}>
            {INBOX_SORTS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {canAct ? <InboxBulkActions selected={selected} onClear={() => setPicked(new Set())} onDone={page.reload} /> : null}
      {page.error !== undefined && entries === undefined ? (
        <ErrorState error={page.error} title="The inbox could not be loaded" onRetry={page.reload} />
      ) : entries === undefined ? (
        <Loading what="the inbox" />
      ) : entries.length === 0 ? (
        <EmptyState title={cursor === undefined ? 'Nothing is waiting for a person' : 'No more waiting runs'}>
          A run that calls <code>ctx.waitForSignal('approval')</code> shows up here, with a form for its answer.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title="No waiting run matches these filters">
          <button type="button" className="button" onClick={() => setFilter({ workflow: '', assignee: ANYONE, text: '' })}>
            Clear the filters
          </button>
        </EmptyState>
      ) : (
        <>
          {page.error === undefined ? null : <ErrorState error={page.error} title="The inbox could not be refreshed" onRetry={page.reload} />}
          <div className="table-wrap">
            <table className="table inbox-table" aria-label="Waiting runs">
              <thead>
                <tr>
                  {canAct ? (
                    <th className="pick">
                      <input
                        type="checkbox"
                        aria-label="Pick every run shown"
                        checked={allPicked}
                        onChange={() => setPicked(allPicked ? new Set() : new Set(shown.map((e) => e.runId)))}
                      />
                    </th>
                  ) : null}
                  <th>Workflow</th>
                  <th>Run</th>
                  <th>Waits for</th>
                  <th>Assignee</th>
                  <th>Waiting</th>
                  <th>Deadline</th>
                  <th>Progress</th>
                  <th aria-label="Open" />
                </tr>
              </thead>
              {shown.map((entry) => (
                <InboxEntryRows
                  key={entry.runId}
                  entry={entry}
                  now={now}
                  open={openId === entry.runId}
                  onToggle={() => setOpenId((current) => (current === entry.runId ? undefined : entry.runId))}
                  picked={canAct ? picked.has(entry.runId) : undefined}
                  onPick={() =>
                    setPicked((current) => {
                      const next = new Set(current);
                      if (!next.delete(entry.runId)) next.add(entry.runId);
                      return next;
                    })
                  }
                  columns={columns}
                  onDone={page.reload}
                />
              ))}
            </table>
          </div>
        </>
      )}
      <div className="pager">
        {entries === undefined ? null : (
          <span className="pager-count">
            {shown.length === entries.length ? plural(entries.length, 'waiting run') : `${shown.length} of ${plural(entries.length, 'waiting run')}`} on this
            page
          </span>
        )}
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
