/**
 * The runs: filtered by workflow, status, creation time and tag, searched by id or input, newest
 * first, a page at a time. The address holds the filters (a filtered list can be shared). Rows
 * follow the live stream: a status change updates its row in place, a new run appears on the
 * first page. An operator can pick runs and cancel or retry them together.
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiChange, ApiRun } from '@baton/server/client';
import { useAddressList, type AddressFilters } from '../api/address-list';
import { useCan, useSession } from '../api/session';
import { useChanges, useDebounced } from '../api/use-changes';
import { useLoad } from '../api/use-load';
import { BulkActions } from '../components/bulk-actions';
import { FilterForm, useFilterDraft } from '../components/filter-form';
import { Pager } from '../components/pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { formatDuration, formatTime, localTime, plural, runDuration, shortId, timeZoneOf } from '../format';
import { CompactValue } from '../components/compact-value';
import { ProgressLine } from '../components/progress-view';

const STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
/** Statuses asked for together (the API takes several, separated by commas). */
const STATUS_GROUPS: readonly (readonly [string, string])[] = [
  ['queued,running,waiting', 'not ended (queued, running, waiting)'],
  ['failed,cancelled', 'failed or cancelled'],
];
const STATUS_CHOICES: ReadonlySet<string> = new Set([...STATUSES, ...STATUS_GROUPS.map(([value]) => value)]);
const PAGE_SIZE = 50;
const FILTER_FIELDS = ['workflow', 'status', 'tag', 'search', 'after', 'before'] as const;
type Filters = AddressFilters<(typeof FILTER_FIELDS)[number]>;

export function RunsPage() {
  const { client } = useSession();
  const { filters, cursor, apply, goTo } = useAddressList(FILTER_FIELDS, 'cursor');
  const key = JSON.stringify([filters, cursor]);

  const fetchPage = () => {
    const after = localTime(filters.after);
    const before = localTime(filters.before);
    return client.list({
      limit: PAGE_SIZE,
      ...(filters.workflow === undefined ? {} : { workflow: filters.workflow }),
      ...(filters.status === undefined ? {} : { status: filters.status }),
      ...(filters.tag === undefined ? {} : { tag: filters.tag }),
      ...(filters.search === undefined ? {} : { search: filters.search }),
      ...(after === undefined ? {} : { createdAfter: after }),
      ...(before === undefined ? {} : { createdBefore: before }),
      ...(cursor === undefined ? {} : { cursor }),
    });
  };

  const page = useLoad(fetchPage, [client, key]);
  const [rows, setRows] = useState<ApiRun[] | undefined>(undefined);
  const canAct = useCan('operator');
  // Picked runs, by id: another page or other filters start with none.
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setPicked(new Set()), [key]);
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setRows(page.value?.runs), [page.value]);

  // Live: patch the status at once, then reload what changed (the first page whole, so new runs appear).
  const changed = useRef(new Set<string>());
  const refresh = useDebounced(() => {
    const ids = [...changed.current];
    changed.current.clear();
    if (cursor === undefined) {
      page.reload();
      return;
    }
    void Promise.all(ids.map((id) => client.get(id).catch(() => undefined))).then((found) => {
      const fresh = new Map(found.flatMap((f) => (f === undefined ? [] : [[f.run.id, f.run] as const])));
      setRows((current) => current?.map((run) => fresh.get(run.id) ?? run));
    });
  }, 300);
  const onChange = (change: ApiChange): void => {
    if (change.kind !== 'run') return;
    setRows((current) => current?.map((run) => (run.id === change.runId ? { ...run, status: change.status as ApiRun['status'], updatedAt: change.at } : run)));
    setFlashing((current) => new Set(current).add(change.runId));
    window.setTimeout(
      () =>
        setFlashing((current) => {
          const next = new Set(current);
          next.delete(change.runId);
          return next;
        }),
      1500,
    );
    changed.current.add(change.runId);
    refresh();
  };
  useChanges(filters.workflow === undefined ? {} : { workflow: filters.workflow }, onChange, () => page.reload());

  const workflowsSeen = [...new Set((rows ?? []).map((run) => run.workflow))].sort();

  return (
    <section className="page">
      <div className="page-head">
        <h1>Runs</h1>
        <span className="live-dot" title="Updates live">
          live
        </span>
      </div>
      <RunFilters key={JSON.stringify(filters)} filters={filters} workflows={workflowsSeen} onApply={apply} />
      {/* Above the list, so what an action did stays in view when no run is left to list. */}
      {canAct ? <BulkActions selected={(rows ?? []).filter((run) => picked.has(run.id))} onClear={() => setPicked(new Set())} onDone={page.reload} /> : null}
      {page.error !== undefined && rows === undefined ? (
        <ErrorState error={page.error} title="The runs could not be loaded" onRetry={page.reload} />
      ) : rows === undefined ? (
        <Loading what="runs" />
      ) : rows.length === 0 ? (
        <EmptyState title={Object.keys(filters).length === 0 ? 'No runs yet' : 'No runs match these filters'}>
          {Object.keys(filters).length === 0 ? (
            <>
              Start one with <code>baton run WORKFLOW</code> or <code>POST /api/runs</code>; it shows up here at once.
            </>
          ) : (
            <button type="button" className="button" onClick={() => apply({})}>
              Clear the filters
            </button>
          )}
        </EmptyState>
      ) : (
        <>
          {page.error === undefined ? null : <ErrorState error={page.error} title="The list could not be refreshed" onRetry={page.reload} />}
          <RunTable runs={rows} flashing={flashing} picked={canAct ? picked : undefined} onPick={setPicked} />
          <Pager
            first={cursor === undefined ? undefined : { label: '← First page', go: () => goTo(undefined) }}
            next={page.value?.nextCursor === undefined ? undefined : { label: 'Next page →', go: () => goTo(page.value!.nextCursor) }}
          >
            {plural(rows.length, 'run')} on this page
          </Pager>
        </>
      )}
    </section>
  );
}

function RunFilters({ filters, workflows, onApply }: { filters: Filters; workflows: string[]; onApply(filters: Filters): void }) {
  const form = useFilterDraft(filters, onApply);
  const { draft, set } = form;
  return (
    <FilterForm label="Filter runs" form={form}>
      <label className="field field-wide">
        <span>Search</span>
        <input
          type="search"
          name="search"
          placeholder="run id or text in the input"
          value={draft.search ?? ''}
          onChange={(e) => set('search', e.target.value)}
        />
      </label>
      <label className="field">
        <span>Workflow</span>
        <input name="workflow" list="workflow-names" placeholder="any" value={draft.workflow ?? ''} onChange={(e) => set('workflow', e.target.value)} />
        <datalist id="workflow-names">
          {workflows.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Status</span>
        <select name="status" value={draft.status ?? ''} onChange={(e) => onApply(set('status', e.target.value))}>
          <option value="">any</option>
          {STATUS_GROUPS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
          {/* Another set of statuses, from a shared address. */}
          {draft.status === undefined || STATUS_CHOICES.has(draft.status) ? null : <option value={draft.status}>{draft.status.split(',').join(' or ')}</option>}
        </select>
      </label>
      <label className="field">
        <span>Tag</span>
        <input name="tag" placeholder="any" value={draft.tag ?? ''} onChange={(e) => set('tag', e.target.value)} />
      </label>
      <label className="field">
        <span>Created after ({timeZoneOf()})</span>
        <input type="datetime-local" name="after" value={draft.after ?? ''} onChange={(e) => set('after', e.target.value)} />
      </label>
      <label className="field">
        <span>Created before ({timeZoneOf()})</span>
        <input type="datetime-local" name="before" value={draft.before ?? ''} onChange={(e) => set('before', e.target.value)} />
      </label>
    </FilterForm>
  );
}

interface RunTableProps {
  runs: ApiRun[];
  flashing: ReadonlySet<string>;
  /** The picked runs' ids, where the key may act on runs (a box on each row); undefined for none. */
  picked: ReadonlySet<string> | undefined;
  onPick(picked: ReadonlySet<string>): void;
}

function RunTable({ runs, flashing, picked, onPick }: RunTableProps) {
  const allPicked = picked !== undefined && runs.length > 0 && runs.every((run) => picked.has(run.id));
  const toggle = (id: string): void => {
    const next = new Set(picked);
    if (!next.delete(id)) next.add(id);
    onPick(next);
  };
  return (
    <div className="table-wrap">
      <table className="table runs-table">
        <thead>
          <tr>
            {picked === undefined ? null : (
              <th className="pick">
                <input
                  type="checkbox"
                  aria-label="Pick every run on this page"
                  checked={allPicked}
                  onChange={() => onPick(allPicked ? new Set() : new Set(runs.map((run) => run.id)))}
                />
              </th>
            )}
            <th>Run</th>
            <th>Workflow</th>
            <th>Status</th>
            <th>Tags</th>
            <th>Progress</th>
            <th>Input</th>
            <th>Created</th>
            <th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id} className={flashing.has(run.id) ? 'flash' : undefined}>
              {picked === undefined ? null : (
                <td className="pick">
                  <input type="checkbox" aria-label={`Pick run ${run.id}`} checked={picked.has(run.id)} onChange={() => toggle(run.id)} />
                </td>
              )}
              <td>
                <Link to={`/runs/${encodeURIComponent(run.id)}`} className="mono" title={run.id}>
                  {shortId(run.id)}
                </Link>
                {run.parentId === undefined ? null : <span className="muted small"> child</span>}
              </td>
              <td>
                {run.workflow} <span className="muted small">v{run.version}</span>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>
                {run.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                  </span>
                ))}
              </td>
              <td className="progress-cell">{run.progress === undefined ? <span className="muted">—</span> : <ProgressLine value={run.progress} />}</td>
              <td className="input-cell">
                <CompactValue value={run.input} label={`Input of ${run.id}`} />
              </td>
              <td className="created-cell" title={run.createdAt}>
                {formatTime(run.createdAt)}
              </td>
              <td className="num">{run.status === 'queued' ? '—' : formatDuration(runDuration(run))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
