/**
 * The latest events from the event log, newest first, each with the runs its triggers started and
 * their status now (or that it started none). A type filter and the page live in the address.
 */
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { JsonView } from '../components/json-view';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { formatTime, shortId } from '../format';
import './console-pages.css';

const PAGE_SIZE = 50;

export function EventsPage() {
  const { client } = useSession();
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? undefined;
  const before = params.get('before') ?? undefined;
  const page = useLoad(
    () =>
      client.recentEvents({
        limit: PAGE_SIZE,
        ...(type === undefined ? {} : { type }),
        ...(before === undefined || !/^\d+$/.test(before) ? {} : { before: Number(before) }),
      }),
    [client, type, before],
  );
  const [draft, setDraft] = useState(type ?? '');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setParams(draft.trim() === '' ? {} : { type: draft.trim() });
  };
  const goTo = (nextBefore: number | undefined): void => {
    const query = new URLSearchParams(params);
    if (nextBefore === undefined) query.delete('before');
    else query.set('before', String(nextBefore));
    setParams(query);
  };

  return (
    <section className="page">
      <h1>Events</h1>
      <form className="filters" onSubmit={submit} role="search" aria-label="Filter events">
        <label className="field">
          <span>Type</span>
          <input name="type" placeholder="any" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
          <button type="button" className="button" onClick={() => (setDraft(''), setParams({}))}>
            Clear
          </button>
        </div>
      </form>
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
          <div className="pager">
            {before === undefined ? null : (
              <button type="button" className="button" onClick={() => goTo(undefined)}>
                ← Newest
              </button>
            )}
            <span className="pager-count">
              {page.value.events.length} event{page.value.events.length === 1 ? '' : 's'} on this page
            </span>
            {page.value.nextBefore === undefined ? null : (
              <button type="button" className="button" onClick={() => goTo(page.value!.nextBefore)}>
                Older →
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
