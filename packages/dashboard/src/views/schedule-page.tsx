/**
 * One schedule: its settings, next and last tick in its own time zone and the viewer's, and its
 * history — the runs its ticks and runs now started, newest first, with their status now. An admin
 * runs it now from here.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { JsonView } from '../components/json-view';
import { RunNowDialog } from '../components/run-now-dialog';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { ZonedTime } from '../components/zoned-time';
import './console-pages.css';

export function SchedulePage() {
  const { client } = useSession();
  const admin = useCan('admin');
  const id = useParams().id ?? '';
  const schedule = useLoad(() => client.schedule.get(id), [client, id]);
  const history = useLoad(() => client.schedule.runs(id, { limit: 100 }), [client, id]);
  const [running, setRunning] = useState(false);
  const s = schedule.value;

  return (
    <section className="page">
      <div className="crumbs">
        <Link to="/schedules">Schedules</Link> / {id}
      </div>
      <h1>{id}</h1>
      {schedule.error !== undefined && s === undefined ? (
        <ErrorState error={schedule.error} title="The schedule could not be loaded" onRetry={schedule.reload} />
      ) : s === undefined ? (
        <Loading what="the schedule" />
      ) : (
        <>
          <dl className="facts facts-grid card">
            <dt>Workflow</dt>
            <dd>
              <Link to={`/workflows/${encodeURIComponent(s.workflow)}`}>{s.workflow}</Link>
            </dd>
            <dt>Cron</dt>
            <dd className="mono">{s.cron}</dd>
            <dt>Time zone</dt>
            <dd>{s.timezone}</dd>
            <dt>Next tick</dt>
            <dd className="next-tick">{s.paused ? <span className="tag tag-warn">paused</span> : <ZonedTime iso={s.nextAt} timeZone={s.timezone} />}</dd>
            <dt>Last tick</dt>
            <dd>
              <ZonedTime iso={s.lastTickAt} timeZone={s.timezone} />
            </dd>
            <dt>Overlap</dt>
            <dd>{s.overlap}</dd>
            <dt>Catch-up</dt>
            <dd>
              {s.catchup}
              {s.catchup === 'all' ? ` (at most ${s.catchupLimit})` : ''}
            </dd>
            <dt>Source</dt>
            <dd>{s.source === 'code' ? 'declared in workflow code' : 'made through the API'}</dd>
            <dt>Input</dt>
            <dd>
              <JsonView value={s.input} label="Schedule input" />
            </dd>
          </dl>
          {admin && !s.paused ? (
            <div className="row-actions">
              <button type="button" className="button button-primary" onClick={() => setRunning(true)}>
                Run now
              </button>
            </div>
          ) : null}
          {running ? (
            <RunNowDialog
              schedule={s}
              onClose={() => setRunning(false)}
              onStarted={() => {
                schedule.reload();
                history.reload();
              }}
            />
          ) : null}
        </>
      )}
      <h2>History</h2>
      {history.error !== undefined && history.value === undefined ? (
        <ErrorState error={history.error} title="The history could not be loaded" onRetry={history.reload} />
      ) : history.value === undefined ? (
        <Loading what="the history" />
      ) : history.value.length === 0 ? (
        <EmptyState title="No runs yet">Each tick, and each run now, starts a run listed here.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" aria-label="Schedule history">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {history.value.map((run) => (
                <tr key={run.runId} data-run-id={run.runId}>
                  <td>
                    <Link to={`/runs/${encodeURIComponent(run.runId)}`} className="mono">
                      {run.runId}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>
                    <ZonedTime iso={run.at} timeZone={s?.timezone ?? 'UTC'} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
