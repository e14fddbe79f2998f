/**
 * The latest events from the event log, newest first, each with the runs its triggers started and
 * their status now (or that it started none). A type filter and the page live in the address.
 */
import { Link } from 'react-router-dom';
import { useAddressList } from '../api/address-list';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { FilterForm, useFilterDraft } from '../components/filter-form';
import { JsonView } from '../components/json-view';
import { Pager, newestFirst } from '../components/pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { formatTime, shortId } from '../format';
import './console-pages.css';

const PAGE_SIZE = 50;
const FIELDS = ['type'] as const;

export function EventsPage() {
  const { client } = useSession();
  const { filters, cursor: before, apply, goTo } = useAddressList(FIELDS, 'before');
  const type = filters.type;
  const page = useLoad(
    () =>
      client.recentEvents({
        limit: PAGE_SIZE,
        ...(type === undefined ? {} : { type }),
        ...(before === undefined || !/^\d+$/.test(before) ? {} : { before: Number(before) }),
      }),
    [client, type, before],
  );
  const form = useFilterDraft(filters, apply);

  return (
    <section className="page">
      <h1>Events</h1>
      <FilterForm label="Filter events" form={form}>
        <label className="field">
          <span>Type</span>
          <input name="type" placeholder="any" value={form.draft.type ?? ''} onChange={(e) => form.set('type', e.target.value)} />
        </label>
      </FilterForm>
      {page.error !== undefined && page.value === undefined ? (
        <ErrorState error={page.error} title="The events could not be loaded" onRetry={page.reload} />
      ) : page.value === undefined ? (
        <Loading what="events" />
      ) : page.value.events.length === 0 ? (
        <EmptyState title={type === undefined ? 'No events yet' : `No events of type “${type}”`}>
          Emit one with <code>POST /api/events</code> or <code>client.emit()</code>; workflows with an <code>on</code> trigger start a run for each.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Events">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Type</th>
                  <th>Source / id</th>
                  <th>Time</th>
                  <th>Data</th>
                  <th>Runs started</th>
                </tr>
              </thead>
              <tbody>
                {page.value.events.map((event) => (
                  <tr key={event.seq} data-event-seq={event.seq} data-event-type={event.type}>
                    <td className="num mono">{event.seq}</td>
                    <td className="mono">{event.type}</td>
                    <td className="small">
                      {event.source}
                      <div className="muted mono" title={event.id}>
                        {shortId(event.id)}
                      </div>
                      {event.subject === undefined ? null : <div className="muted">subject {event.subject}</div>}
                    </td>
                    <td title={`happened ${event.time}, received ${event.receivedAt}`}>{formatTime(event.time)}</td>
                    <td>
                      <details>
                        <summary className="small muted">data</summary>
                        <JsonView value={event.data} label={`Data of event ${event.seq}`} />
                      </details>
                    </td>
                    <td className="event-runs">
                      {event.runs.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul className="plain-list">
                          {event.runs.map((run) => (
                            <li key={run.runId} data-run-id={run.runId}>
                              <Link to={`/runs/${encodeURIComponent(run.runId)}`} className="mono" title={run.runId}>
                                {run.workflow}
                              </Link>{' '}
                              <StatusBadge status={run.status} />
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager {...newestFirst(before, page.value.nextBefore, goTo)}>
            {page.value.events.length} event{page.value.events.length === 1 ? '' : 's'} on this page
          </Pager>
        </>
      )}
    </section>
  );
}
