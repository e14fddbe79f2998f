/**
 * The run timeline's geometry. When each entry ran or waited: a wait (sleep, signal, event, child
 * run) is journaled when it ends, stamped with that moment only, so its bar starts where the run
 * got to it, taken as the end of the entries before it (exact for code that waits after what it did
 * before; parallel waits started together show from the earlier one's end). A waiting run's open wait
 * is one more bar, from its last entry to now. The time axis is piecewise: each stretch in which the
 * run only waited (between the ends of its waits) that lasted longer than all its steps together is
 * drawn as a narrow break with its length written on it, so finished steps keep most of the width
 * however long the run waited or still waits.
 */
import type { ApiJournalEntry, ApiRun } from '@baton/server/client';
import { formatDuration, formatTime, shortId } from './format';
import { entryTimes, type Span } from './journal';

/** Entries that wait rather than work: drawn from where the run got to them. */
export const WAIT_KINDS: ReadonlySet<string> = new Set(['sleep', 'signal', 'event', 'child']);

export interface EntrySpan {
  start: number;
  end: number;
  /** A wait: the bar is how long the run waited. */
  waited: boolean;
}

/** When each drawn entry ran (a step) or waited (a wait), by position. */
export function entrySpans(run: ApiRun, entries: readonly ApiJournalEntry[], childRuns: ReadonlyMap<number, ApiRun>): Map<number, EntrySpan> {
  const spans = new Map<number, EntrySpan>();
  let reached = Date.parse(run.startedAt ?? run.createdAt);
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const child = childRuns.get(entry.seq);
    const times = entryTimes(entry, child);
    const waited = WAIT_KINDS.has(entry.kind);
    // A child run known to have ended stands for its own entry; other waits start where the run got to them.
    const start = waited && !(child?.endedAt !== undefined) ? Math.min(reached, times.end) : times.start;
    spans.set(entry.seq, { start, end: times.end, waited });
    reached = Math.max(reached, times.end);
  }
  return spans;
}

/** What a waiting run waits for, in words: signals, events, child runs, a timer. */
export function describeWaits(run: ApiRun): string[] {
  const waits: string[] = [];
  for (const name of run.waitingFor?.signals ?? []) {
    const event = /^\$event:(.+)#\d+$/.exec(name);
    waits.push(event === null ? `signal “${name}”` : `event “${event[1]}”`);
  }
  for (const id of run.waitingFor?.children ?? []) waits.push(`child run ${shortId(id, 24)}`);
  if (run.wakeAt !== undefined) waits.push(`a timer until ${formatTime(run.wakeAt)}`);
  return waits;
}

export interface OpenWait {
  start: number;
  end: number;
  label: string;
}

/** A waiting run's current wait: from its last entry's end (or its start) to now. */
export function openWait(run: ApiRun, spans: ReadonlyMap<number, EntrySpan>, now: number): OpenWait | undefined {
  if (run.status !== 'waiting') return undefined;
  let start = Date.parse(run.startedAt ?? run.createdAt);
  for (const span of spans.values()) start = Math.max(start, span.end);
  const waits = describeWaits(run);
  return { start, end: Math.max(now, start), label: waits.length === 0 ? 'waiting' : `waiting for ${waits.join(', ')}` };
}

interface Segment {
  from: number;
  to: number;
  /** Where it is drawn, in percent of the track. */
  left: number;
  width: number;
  compressed: boolean;
}

export interface TimeScale {
  /** A time's place on the track, 0–100. */
  at(time: number): number;
  /** Labels along the axis: the time since the span's start. */
  ticks: { left: number; label: string }[];
  /** The long waits drawn narrow, with how long each lasted. */
  breaks: { left: number; width: number; ms: number }[];
}

/** An idle stretch shorter than this is never a break. */
const BREAK_MIN_MS = 20;

/**
 * The axis for `span`: `busy` are the intervals in which steps ran (never drawn narrow), `marks`
 * the other times a stretch may start or end at (where waits began and ended).
 */
export function timeScale(span: Span, busy: readonly { start: number; end: number }[], marks: readonly number[] = []): TimeScale {
  const total = Math.max(span.end - span.start, 1);
  const points = new Set([span.start, span.end]);
  for (const t of [...busy.flatMap((b) => [b.start, b.end]), ...marks]) if (t > span.start && t < span.end) points.add(t);
  const sorted = [...points].sort((a, b) => a - b);
  const pieces = sorted.slice(1).map((to, i) => {
    const from = sorted[i]!;
    const mid = (from + to) / 2;
    return { from, to, idle: !busy.some((b) => b.start <= mid && mid <= b.end) };
  });
  const busyMs = pieces.filter((p) => !p.idle).reduce((sum, p) => sum + (p.to - p.from), 0);
  const raw = pieces.map((p) => ({ from: p.from, to: p.to, compressed: p.idle && p.to - p.from > Math.max(busyMs, BREAK_MIN_MS) }));
  const breaks = raw.filter((s) => s.compressed);
  const linearMs = raw.filter((s) => !s.compressed).reduce((sum, s) => sum + (s.to - s.from), 0);
  const breakWidth = breaks.length === 0 ? 0 : linearMs === 0 ? 100 / breaks.length : Math.min(12, 40 / breaks.length);
  const linearWidth = 100 - breakWidth * breaks.length;
  const segments: Segment[] = [];
  let left = 0;
  for (const s of raw) {
    const width = s.compressed ? breakWidth : linearMs === 0 ? 0 : ((s.to - s.from) / linearMs) * linearWidth;
    segments.push({ ...s, left, width });
    left += width;
  }
  const at = (time: number): number => {
    if (time <= span.start) return 0;
    if (time >= span.end) return 100;
    const s = segments.find((seg) => time <= seg.to) ?? segments[segments.length - 1];
    if (s === undefined) return ((time - span.start) / total) * 100;
    return s.left + (s.to === s.from ? 0 : ((time - s.from) / (s.to - s.from)) * s.width);
  };
  // The inverse, for tick labels: the time at a place on the track.
  const timeAt = (place: number): number => {
    const s = segments.find((seg) => place <= seg.left + seg.width) ?? segments[segments.length - 1];
    if (s === undefined || s.width === 0) return span.start + (place / 100) * total;
    return s.from + ((place - s.left) / s.width) * (s.to - s.from);
  };
  // No tick over a break: its label (its length) is there.
  const inBreak = (place: number): boolean => segments.some((s) => s.compressed && place > s.left - 4 && place < s.left + s.width + 4);
  const ticks = [0, 25, 50, 75, 100]
    .filter((place) => place === 0 || !inBreak(place))
    .map((place) => ({ left: place, label: place === 0 ? '0' : formatDuration(timeAt(place) - span.start) }));
  return { at, ticks, breaks: segments.filter((s) => s.compressed).map((s) => ({ left: s.left, width: s.width, ms: s.to - s.from })) };
}
