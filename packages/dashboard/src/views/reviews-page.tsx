/**
 * Failed runs: the review queue of runs that failed for good and that no one has dealt with yet
 * (GET /api/reviews), newest first, a page at a time, filtered by workflow; "Resolved" lists the
 * ones marked resolved. An operator retries a run from its failed step, resumes it, or marks its
 * failure resolved with a note; each leaves the queue (a retried run comes back if it fails again)
 * and the server audits it. A viewer sees the queue without the actions.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiRun } from '@baton/server/client';
import { useAddressList, type AddressFilters } from '../api/address-list';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { CompactValue } from '../components/compact-value';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorView } from '../components/error-view';
import { FilterForm, useFilterDraft } from '../components/filter-form';
import { Pager } from '../components/pager';
import { RunActions } from '../components/run-actions';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime, plural, shortId } from '../format';
import './console-pages.css';

const PAGE_SIZE = 25;
const FILTER_FIELDS = ['workflow', 'state'] as const;
type Filters = AddressFilters<(typeof FILTER_FIELDS)[number]>;
/** The longest note the API keeps (MAX_REVIEW_NOTE). */
const MAX_NOTE = 2000;

export function ReviewsPage() {
  const { client } = useSession();
  const { filters, cursor, apply, goTo } = useAddressList(FILTER_FIELDS, 'cursor');
  const state = filters.state === 'resolved' ? 'resolved' : 'open';
  const page = useLoad(
    () =>
      client.reviews.list({
        state,
        limit: PAGE_SIZE,
        ...(filters.workflow === undefined ? {} : { workflow: filters.workflow }),
        ...(cursor === undefined ? {} : { cursor }),
      }),
    [client, JSON.stringify([filters, cursor])],
  );
  const workflows = useLoad(() => client.workflows(), [client]);
  const [done, setDone] = useState<string | undefined>(undefined);
  const acted = (what: string): void => {
    setDone(what);
    page.reload();
  };
  const runs = page.value?.runs;

  return (
    <section className="page">
      <h1>Failed runs</h1>
      <p className="muted">
        Runs that failed for good, waiting for someone to deal with them: retry from the failed step, resume on the code deployed now, or mark the failure
        resolved with a note. A run that fails again comes back here.
      </p>
      <ReviewFilters key={JSON.stringify(filters)} filters={filters} workflows={(workflows.value ?? []).map((w) => w.name)} onApply={apply} />
      {done === undefined ? null : (
        <p className="hint" role="status">
          {done}
        </p>
      )}
      {page.error !== undefined && runs === undefined ? (
        <ErrorState error={page.error} title="The failed runs could not be loaded" onRetry={page.reload} />
      ) : runs === undefined ? (
        <Loading what="failed runs" />
      ) : runs.length === 0 ? (
        <EmptyState title={state === 'open' ? 'No failed run awaits review' : 'No failed run has been marked resolved'}>
          {state === 'open'
            ? 'A run that fails for good (its retries spent) shows up here until it is retried, resumed or marked resolved.'
            : 'Runs marked resolved stay listed here while they stay failed.'}
        </EmptyState>
      ) : (
        <>
          <ReviewTable runs={runs} resolved={state === 'resolved'} onDone={acted} />
          <Pager
            first={cursor === undefined ? undefined : { label: '← Newest', go: () => goTo(undefined) }}
            next={page.value?.nextCursor === undefined ? undefined : { label: 'Older →', go: () => goTo(page.value!.nextCursor) }}
          >
            {plural(runs.length, 'failed run')} on this page
          </Pager>
        </>
      )}
    </section>
  );
}

function ReviewFilters({ filters, workflows, onApply }: { filters: Filters; workflows: string[]; onApply(filters: Filters): void }) {
  const form = useFilterDraft(filters, onApply);
  const { draft, set } = form;
  return (
    <FilterForm label="Filter failed runs" form={form}>
      <label className="field">
        <span>Workflow</span>
        <input name="workflow" list="review-workflows" placeholder="any" value={draft.workflow ?? ''} onChange={(e) => set('workflow', e.target.value)} />
        <datalist id="review-workflows">
          {workflows.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Show</span>
        <select name="state" value={draft.state ?? 'open'} onChange={(e) => onApply(set('state', e.target.value === 'open' ? '' : e.target.value))}>
          <option value="open">awaiting review</option>
          <option value="resolved">marked resolved</option>
        </select>
      </label>
    </FilterForm>
  );
}

function ReviewTable({ runs, resolved, onDone }: { runs: ApiRun[]; resolved: boolean; onDone(what: string): void }) {
  const canAct = useCan('operator');
  return (
    <div className="table-wrap">
      <table className="table" aria-label={resolved ? 'Failed runs marked resolved' : 'Failed runs awaiting review'}>
        <thead>
          <tr>
            <th>Run</th>
            <th>Workflow</th>
            <th>Error</th>
            <th>Failed</th>
            <th>Input</th>
            {canAct ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-review-run={run.id}>
              <td>
                <Link to={`/runs/${encodeURIComponent(run.id)}`} className="mono" title={run.id}>
                  {shortId(run.id)}
                </Link>
              </td>
              <td>
                {run.workflow} <span className="muted small">v{run.version}</span>
              </td>
              <td>
                <ErrorView error={run.error} />
              </td>
              <td title={run.endedAt}>{formatTime(run.endedAt)}</td>
              <td>
                <CompactValue value={run.input} label="Input" />
              </td>
              {canAct ? (
                <td>
                  <div className="row-actions">
                    <RunActions run={run} failedStep={undefined} onDone={() => onDone(`Run ${run.id} was sent back to work; it leaves the queue.`)} />
                    {resolved ? null : <ResolveAction run={run} onDone={() => onDone(`Run ${run.id} was marked resolved.`)} />}
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResolveAction({ run, onDone }: { run: ApiRun; onDone(): void }) {
  const { client } = useSession();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Mark resolved
      </button>
      {open ? (
        <ConfirmDialog
          title="Mark this failure resolved?"
          confirmLabel="Mark resolved"
          onClose={() => setOpen(false)}
          onConfirm={async () => {
            await client.reviews.resolve(run.id, note.trim() === '' ? undefined : note.trim());
            onDone();
          }}
        >
          <p>
            Run {run.id} stays failed and leaves the queue; the note is kept with it and in the audit log. If the run is retried and fails again, it comes back.
          </p>
          <label className="field">
            <span>Note (what was done about it)</span>
            <textarea name="review-note" rows={3} maxLength={MAX_NOTE} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
