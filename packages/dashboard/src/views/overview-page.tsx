/**
 * The overview: the key's namespace at a glance over a window (last hour, 24 hours or 7 days, in
 * the address): runs started and ended over time, the failure rate, durations per workflow, the
 * queues' backlog, the runs waiting for a person, and model calls' cost ("unknown" for calls to a
 * model with no known price). It reloads on the live stream's run changes (a burst of them, once)
 * and every 30 seconds.
 */
import { useEffect, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useSession } from '../api/session';
import { useChanges, useDebounced } from '../api/use-changes';
import { useLoad } from '../api/use-load';
import { DurationChart, FailureRateChart, QueueChart, RunsOverTimeChart, type ApiOverview, type BucketPoint } from '../components/overview-charts';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatCallsCost, formatDuration, plural, timeZoneOf } from '../format';
import { OVERVIEW_WINDOWS, bucketLabel, windowBounds, windowOf, type OverviewWindow } from './overview-window';
import './overview-page.css';

const REFRESH_MS = 30_000;
const LIVE_DEBOUNCE_MS = 1000;

export function OverviewPage() {
  const { client } = useSession();
  const [params, setParams] = useSearchParams();
  const timeWindow = windowOf(params.get('window'));

  // The bounds are taken at each load, so a reload looks at the window ending now.
  const overview = useLoad(
    () => client.overview({ ...windowBounds(timeWindow, Date.now()), bucketMinutes: timeWindow.bucketMinutes }),
    [client, timeWindow.id],
  );
  const { reload } = overview;

  const refresh = useDebounced(reload, LIVE_DEBOUNCE_MS);
  useChanges({}, (change) => change.kind === 'run' && refresh(), reload);
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const choose = (next: OverviewWindow): void => {
    const query = new URLSearchParams(params);
    query.set('window', next.id);
    setParams(query);
  };

  return (
    <section className="page overview">
      <div className="page-head">
        <h1>Overview</h1>
        <span className="live-dot" title="Updates live">
          live
        </span>
        <div className="window-picker" role="group" aria-label="Time window">
          {OVERVIEW_WINDOWS.map((w) => (
            <button
              key={w.id}
              type="button"
              className={w.id === timeWindow.id ? 'button button-small active' : 'button button-small'}
              aria-pressed={w.id === timeWindow.id}
              onClick={() => choose(w)}
            >
              {w.label}
            </button>
          ))}
        </div>
      </div>
      {overview.value === undefined ? (
        overview.error === undefined ? (
          <Loading what="the overview" />
        ) : (
          <ErrorState error={overview.error} title="The overview could not be loaded" onRetry={reload} />
        )
      ) : (
        <>
          {overview.error === undefined ? null : <ErrorState error={overview.error} title="The overview could not be refreshed" onRetry={reload} />}
          <OverviewContent overview={overview.value} timeWindow={timeWindow} />
        </>
      )}
    </section>
  );
}

function OverviewContent({ overview, timeWindow }: { overview: ApiOverview; timeWindow: OverviewWindow }) {
  const { totals, failureRate, workflows, queues, waitingForHumans, llm } = overview;
  const ended = totals.completed + totals.failed + totals.cancelled;
  const points: BucketPoint[] = overview.buckets.map((b) => {
    const endedHere = b.completed + b.failed + b.cancelled;
    return {
      label: bucketLabel(timeWindow, b.start),
      started: b.started,
      completed: b.completed,
      failed: b.failed,
      cancelled: b.cancelled,
      ...(endedHere === 0 ? {} : { failureRate: b.failed / endedHere }),
    };
  });
  const timed = workflows.filter((w) => w.p50Ms !== undefined);
  const queued = queues.reduce((sum, q) => sum + q.queued, 0);
  const nothing = totals.started === 0 && ended === 0;

  return (
    <>
      <div className="overview-stats">
        <Stat label="Started" value={totals.started} />
        <Stat label="Completed" value={totals.completed} tone="completed" />
        <Stat label="Failed" value={totals.failed} tone="failed" />
        <Stat label="Cancelled" value={totals.cancelled} tone="cancelled" />
        <Stat
          label="Failure rate"
          value={ended === 0 ? '—' : `${Math.round(failureRate * 1000) / 10}%`}
          hint={`of ${ended} ended`}
          tone={totals.failed > 0 ? 'failed' : undefined}
        />
        <Link className="overview-stat overview-stat-link" to="/inbox" data-tone={waitingForHumans > 0 ? 'waiting' : undefined}>
          <span className="overview-stat-label">Waiting for people</span>
          <span className="overview-stat-value">{waitingForHumans}</span>
          <span className="overview-stat-hint">open the inbox →</span>
        </Link>
      </div>

      {nothing ? (
        <EmptyState title={`No runs in ${timeWindow.span}`}>
          Runs started or ended in this window show up here; try a longer window, or start one with <code>baton run WORKFLOW</code>.
        </EmptyState>
      ) : (
        <div className="overview-grid">
          <ChartCard
            title="Runs over time"
            wide
            note={`${timeWindow.bucketMinutes >= 60 ? `${timeWindow.bucketMinutes / 60} h` : `${timeWindow.bucketMinutes} min`} buckets, times in ${timeZoneOf()}`}
          >
            <RunsOverTimeChart points={points} />
          </ChartCard>
          <ChartCard title="Failure rate" note={`failed of ended, per bucket, times in ${timeZoneOf()}`}>
            {ended === 0 ? <p className="muted overview-none">No run ended in this window.</p> : <FailureRateChart points={points} />}
          </ChartCard>
          <ChartCard title="Duration per workflow" note="created to ended, p50 and p95">
            {timed.length === 0 ? <p className="muted overview-none">No run ended in this window.</p> : <DurationChart workflows={timed} />}
          </ChartCard>
        </div>
      )}

      <div className="overview-grid">
        <ChartCard title="Queues" note={queued === 0 ? 'nothing queued' : `${queued} queued`}>
          {queues.length === 0 || queued === 0 ? (
            <p className="muted overview-none">Nothing is waiting for a worker.</p>
          ) : (
            <>
              <QueueChart queues={queues} />
              <p className="muted small">
                Oldest queued: {formatDuration(Math.max(...queues.map((q) => q.oldestAgeMs ?? 0)))} ago; longest wait for a worker:{' '}
                {formatDuration(Math.max(...queues.map((q) => q.oldestWaitMs ?? 0)))}.
              </p>
            </>
          )}
        </ChartCard>
        {llm.calls === 0 ? null : (
          <ChartCard title="Model calls" note="by runs created in this window">
            <div className="overview-stats overview-stats-inner">
              <Stat label="Calls" value={llm.calls} />
              <Stat
                label="Cost"
                value={formatCallsCost(llm.costUsd, llm.unpricedCalls, llm.calls)}
                {...(llm.unpricedCalls === 0 ? {} : { hint: `${plural(llm.unpricedCalls, 'call')} to models with no known price` })}
              />
              <Stat label="Input tokens" value={llm.inputTokens.toLocaleString()} />
              <Stat label="Output tokens" value={llm.outputTokens.toLocaleString()} />
            </div>
          </ChartCard>
        )}
      </div>
    </>
  );
}

function Stat({ label, value, hint, tone }: { label: string; value: number | string; hint?: string; tone?: string | undefined }) {
  return (
    <div className="overview-stat" data-tone={tone}>
      <span className="overview-stat-label">{label}</span>
      <span className="overview-stat-value">{value}</span>
      {hint === undefined ? null : <span className="overview-stat-hint">{hint}</span>}
    </div>
  );
}

function ChartCard({ title, note, wide = false, children }: { title: string; note?: string; wide?: boolean; children: ReactNode }) {
  return (
    <section className={wide ? 'card overview-card overview-card-wide' : 'card overview-card'} aria-label={title}>
      <div className="overview-card-head">
        <h2>{title}</h2>
        {note === undefined ? null : <span className="muted small">{note}</span>}
      </div>
      {children}
    </section>
  );
}
