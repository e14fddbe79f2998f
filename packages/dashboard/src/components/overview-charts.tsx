/**
 * The overview's charts (Recharts, SVG): runs per time bucket, the failure rate per bucket, run
 * durations per workflow and the queues' backlog. Animations are off: the charts redraw on every
 * refresh, and a chart that regrows each time reads as a change.
 */
import type { ApiClient } from '@baton/server/client';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration } from '../format';

/** What GET /api/stats/overview answers (the client's entry names no type for it). */
export type ApiOverview = Awaited<ReturnType<ApiClient['overview']>>;

/** The statuses' colours (styles/base.css's variables: SVG attributes cannot read them). */
const COLOURS = {
  started: '#1f6fd1',
  completed: '#2f8a4c',
  failed: '#c53030',
  cancelled: '#6b5b95',
  p50: '#7fa7df',
  p95: '#1f5fbf',
  queued: '#7a8594',
  age: '#b7791f',
  grid: '#dfe3e8',
  axis: '#66707d',
} as const;

const AXIS = { stroke: COLOURS.axis, fontSize: 12, tickLine: false } as const;
const TOOLTIP = { contentStyle: { borderRadius: 8, borderColor: COLOURS.grid, fontSize: 13 }, cursor: { fill: 'rgba(31, 95, 191, 0.06)' } } as const;

const percent = (rate: number): string => `${Math.round(rate * 1000) / 10}%`;
/** A duration axis tick: its origin is plain 0. */
const durationTick = (ms: number): string => (ms === 0 ? '0' : formatDuration(ms));
const asNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

export interface BucketPoint {
  label: string;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Failed over ended in the bucket; absent when none ended (no point, not a zero). */
  failureRate?: number;
}

/** Runs ended per bucket, stacked by status, with the runs started beside them. */
export function RunsOverTimeChart({ points }: { points: BucketPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid stroke={COLOURS.grid} vertical={false} />
        <XAxis dataKey="label" {...AXIS} minTickGap={16} />
        <YAxis {...AXIS} allowDecimals={false} />
        <Tooltip {...TOOLTIP} />
        <Legend iconType="circle" iconSize={9} itemSorter={null} />
        <Bar dataKey="started" name="Started" fill={COLOURS.started} isAnimationActive={false} />
        <Bar dataKey="completed" name="Completed" stackId="ended" fill={COLOURS.completed} isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" stackId="ended" fill={COLOURS.failed} isAnimationActive={false} />
        <Bar dataKey="cancelled" name="Cancelled" stackId="ended" fill={COLOURS.cancelled} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** The share of ended runs that failed, per bucket. */
export function FailureRateChart({ points }: { points: BucketPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={200}>
      <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid stroke={COLOURS.grid} vertical={false} />
        <XAxis dataKey="label" {...AXIS} minTickGap={16} />
        <YAxis {...AXIS} domain={[0, 1]} tickFormatter={(v: number) => percent(v)} />
        <Tooltip {...TOOLTIP} formatter={(value) => percent(asNumber(value))} />
        <Line
          dataKey="failureRate"
          name="Failure rate"
          type="monotone"
          stroke={COLOURS.failed}
          strokeWidth={2}
          dot={{ r: 3 }}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** p50 and p95 of run durations per workflow, one row each. */
export function DurationChart({ workflows }: { workflows: ApiOverview['workflows'] }) {
  const rows = workflows.filter((w) => w.p50Ms !== undefined);
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, 44 * rows.length + 60)}>
      <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke={COLOURS.grid} horizontal={false} />
        <XAxis type="number" {...AXIS} tickFormatter={durationTick} />
        <YAxis type="category" dataKey="workflow" {...AXIS} width={130} />
        <Tooltip {...TOOLTIP} formatter={(value) => formatDuration(asNumber(value))} />
        <Legend iconType="circle" iconSize={9} itemSorter={null} />
        <Bar dataKey="p50Ms" name="p50" fill={COLOURS.p50} isAnimationActive={false} />
        <Bar dataKey="p95Ms" name="p95" fill={COLOURS.p95} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Each queue's queued runs (left axis) and the age of its oldest (right axis). */
export function QueueChart({ queues }: { queues: ApiOverview['queues'] }) {
  const rows = queues.map((q) => ({ queue: q.queue, queued: q.queued, oldestAgeMs: q.oldestAgeMs ?? 0 }));
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid stroke={COLOURS.grid} vertical={false} />
        <XAxis dataKey="queue" {...AXIS} />
        <YAxis yAxisId="count" {...AXIS} allowDecimals={false} />
        <YAxis yAxisId="age" orientation="right" {...AXIS} width={70} tickFormatter={durationTick} />
        <Tooltip {...TOOLTIP} formatter={(value, name) => (name === 'Oldest waiting' ? formatDuration(asNumber(value)) : String(value))} />
        <Legend iconType="circle" iconSize={9} itemSorter={null} />
        <Bar yAxisId="count" dataKey="queued" name="Queued" fill={COLOURS.queued} isAnimationActive={false} />
        <Bar yAxisId="age" dataKey="oldestAgeMs" name="Oldest waiting" fill={COLOURS.age} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
