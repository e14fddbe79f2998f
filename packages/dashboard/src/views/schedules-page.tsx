/**
 * The cron schedules: workflow, cron and time zone, next and last tick (in the schedule's time zone
 * and the viewer's), whether paused and where it was declared. An admin makes new ones, runs one
 * now and pauses and resumes them, each after a confirmation; others see no buttons. Each schedule
 * links to its page with its history.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiSchedule } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { RunNowDialog } from '../components/run-now-dialog';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { ZonedTime } from '../components/zoned-time';
import { ScheduleForm } from './schedule-form';
import './console-pages.css';

export function SchedulesPage() {
  const { client } = useSession();
  const admin = useCan('admin');
  const schedules = useLoad(() => client.schedules(), [client]);
  const [pending, setPending] = useState<ApiSchedule | undefined>(undefined);
  const [running, setRunning] = useState<ApiSchedule | undefined>(undefined);
  const [started, setStarted] = useState<{ schedule: string; runId: string; heldAfter?: string } | undefined>(undefined);

  return (
    <section className="page">
      <h1>Schedules</h1>
      {admin ? <ScheduleForm onCreated={schedules.reload} /> : null}
      {started === undefined ? null : (
        <p className="hint run-now-result" role="status">
          Schedule {started.schedule} started run{' '}
          <Link to={`/runs/${encodeURIComponent(started.runId)}`} className="mono">
            {started.runId}
          </Link>
          {started.heldAfter === undefined ? '' : `, which waits for ${started.heldAfter} to end`}.
        </p>
      )}
      {schedules.error !== undefined && schedules.value === undefined ? (
        <ErrorState error={schedules.error} title="The schedules could not be loaded" onRetry={schedules.reload} />
      ) : schedules.value === undefined ? (
        <Loading what="schedules" />
      ) : schedules.value.length === 0 ? (
        <EmptyState title="No schedules">
          Declare one with the workflow option <code>schedule</code>, or make one{' '}
          {admin ? (
            'above'
          ) : (
            <>
              with <code>POST /api/schedules</code>
            </>
          )}
          .
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Schedules">
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
                  <td className="mono">
                    <Link to={`/schedules/${encodeURIComponent(s.id)}`}>{s.id}</Link>
                  </td>
                  <td>
                    <Link to={`/workflows/${encodeURIComponent(s.workflow)}`}>{s.workflow}</Link>
                  </td>
                  <td className="mono">{s.cron}</td>
                  <td>{s.timezone}</td>
                  <td className="next-tick">
                    {s.paused ? <span className="muted">—</span> : <ZonedTime iso={s.nextAt} timeZone={s.timezone} zoneLabel={false} />}
                  </td>
                  <td>
                    <ZonedTime iso={s.lastTickAt} timeZone={s.timezone} zoneLabel={false} />
                    {s.lastRunId === undefined ? null : (
                      <Link to={`/runs/${encodeURIComponent(s.lastRunId)}`} className="small">
                        last run
                      </Link>
                    )}
                  </td>
                  <td className="schedule-state">{s.paused ? <span className="tag tag-warn">paused</span> : <span className="tag">active</span>}</td>
                  <td>{s.source}</td>
                  {admin ? (
                    <td>
                      <div className="row-actions">
                        <button type="button" className="button button-small" onClick={() => setPending(s)}>
                          {s.paused ? 'Resume' : 'Pause'}
                        </button>
                        {s.paused ? null : (
                          <button type="button" className="button button-small" onClick={() => setRunning(s)}>
                            Run now
                          </button>
                        )}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {running === undefined ? null : (
        <RunNowDialog
          schedule={running}
          onClose={() => setRunning(undefined)}
          onStarted={(result) => {
            setStarted({ schedule: running.id, ...result });
            schedules.reload();
          }}
        />
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
