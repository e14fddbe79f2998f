/**
 * The cron schedules: workflow, cron and time zone, next and last tick, whether paused and where it
 * was declared. An admin pauses and resumes them, each after a confirmation; others see no buttons.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiSchedule } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';

export function SchedulesPage() {
  const { client } = useSession();
  const admin = useCan('admin');
  const schedules = useLoad(() => client.schedules(), [client]);
  const [pending, setPending] = useState<ApiSchedule | undefined>(undefined);

  return (
    <section className="page">
      <h1>Schedules</h1>
      {schedules.error !== undefined && schedules.value === undefined ? (
        <ErrorState error={schedules.error} title="The schedules could not be loaded" onRetry={schedules.reload} />
      ) : schedules.value === undefined ? (
        <Loading what="schedules" />
      ) : schedules.value.length === 0 ? (
        <EmptyState title="No schedules">
          Declare one with the workflow option <code>schedule</code>, or make one with <code>POST /api/schedules</code>.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Schedule</th>
                <th>Workflow</th>
                <th>Cron</th>
                <th>Time zone</th>
                <th>Next</th>
                <th>Last tick</th>
                <th>State</th>
                <th>Source</th>
                {admin ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {schedules.value.map((s) => (
                <tr key={s.id} data-schedule-id={s.id}>
                  <td className="mono">{s.id}</td>
                  <td>
                    <Link to={`/workflows/${encodeURIComponent(s.workflow)}`}>{s.workflow}</Link>
                  </td>
                  <td className="mono">{s.cron}</td>
                  <td>{s.timezone}</td>
                  <td title={s.nextAt}>{s.paused ? <span className="muted">—</span> : formatTime(s.nextAt)}</td>
                  <td title={s.lastTickAt}>
                    {formatTime(s.lastTickAt)}
                    {s.lastRunId === undefined ? null : (
                      <>
                        {' '}
                        <Link to={`/runs/${encodeURIComponent(s.lastRunId)}`} className="small">
                          run
                        </Link>
                      </>
                    )}
                  </td>
                  <td className="schedule-state">{s.paused ? <span className="tag tag-warn">paused</span> : <span className="tag">active</span>}</td>
                  <td>{s.source}</td>
                  {admin ? (
                    <td>
                      <button type="button" className="button button-small" onClick={() => setPending(s)}>
                        {s.paused ? 'Resume' : 'Pause'}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pending === undefined ? null : (
        <ConfirmDialog
          title={`${pending.paused ? 'Resume' : 'Pause'} schedule ${pending.id}?`}
          confirmLabel={pending.paused ? 'Resume' : 'Pause'}
          onClose={() => setPending(undefined)}
          onConfirm={async () => {
            await (pending.paused ? client.schedule.resume(pending.id) : client.schedule.pause(pending.id));
            schedules.reload();
          }}
        >
          <p>
            {pending.paused
              ? `It ticks again from its next fire time on (${pending.cron}, ${pending.timezone}).`
              : 'It starts no runs until it is resumed; runs it started go on.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
