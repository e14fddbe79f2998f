/** Formatting for people (tables, times, durations, engine event lines) and for programs (JSON). */
import type { EngineEvent, Logger } from '@baton/core';

/** JSON that survives the values payloads may hold (BigInt, Map, Set, bytes, errors). */
export function toJson(value: unknown, pretty = false): string {
  return JSON.stringify(value ?? null, jsonReplacer, pretty ? 2 : undefined);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return value;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time, HH:MM:SS. */
export function clockTime(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** Local date and time, YYYY-MM-DD HH:MM:SS. */
export function dateTime(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${clockTime(date)}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m ${Math.round((ms % 60_000) / 1000)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A moment in the future: the time alone when it is today, else the date too. */
export function laterTime(at: Date, now: Date): string {
  return at.toDateString() === now.toDateString() ? clockTime(at) : dateTime(at);
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function describeError(error: { code?: string; message: string }): string {
  return error.code === undefined ? error.message : `${error.code}: ${error.message}`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** One readable line per engine event, e.g. `12:00:01 invoice-approval 01a2b3c4…  ✓ step extract (3 ms)`. */
export function eventLine(event: EngineEvent, at: Date): string {
  return `${clockTime(at)} ${event.workflow} ${event.runId}  ${eventText(event, at)}`;
}

function eventText(event: EngineEvent, at: Date): string {
  switch (event.type) {
    case 'run.started':
      return event.claims > 1 ? `▶ resumed (claim ${event.claims})` : '▶ started';
    case 'step.completed':
      return `✓ step ${event.step} (${formatDuration(event.durationMs)}${event.attempts > 1 ? `, ${event.attempts} attempts` : ''})`;
    case 'step.failed': {
      const retry = event.retryInMs === undefined ? '' : `; retry in ${formatDuration(event.retryInMs)}`;
      return `✗ step ${event.step} attempt ${event.attempt} failed: ${describeError(event.error)}${retry}`;
    }
    case 'run.progress':
      return `… ${describeProgress(event.progress)}`;
    case 'signal.received':
      return `✉ signal ${event.signal}`;
    case 'run.suspended':
      return `⏸ waiting${suspendedFor(event, at)}`;
    case 'run.compensating':
      return `↺ compensating ${event.steps.join(', ')}`;
    case 'compensation.completed':
      return event.ok ? `↺ compensated ${event.step}` : `✗ compensation ${event.step} failed`;
    case 'run.completed':
      return '✔ completed';
    case 'run.failed':
      return `✘ failed: ${describeError(event.error)}`;
    case 'run.cancelled':
      return '⊘ cancelled';
    case 'run.continued':
      return `→ continued as ${event.nextRunId}`;
    case 'run.released':
      return '⏏ released (another worker can take it)';
    default:
      // Core may add events before this list learns them; show them rather than fail to build.
      return (event as { type: string }).type;
  }
}

function suspendedFor(event: Extract<EngineEvent, { type: 'run.suspended' }>, now: Date): string {
  const parts: string[] = [];
  if (event.signals.length > 0) parts.push(`signal ${event.signals.join(', ')}`);
  if (event.children.length > 0) parts.push(`child ${event.children.join(', ')}`);
  if (event.wakeAt !== undefined) parts.push(`until ${laterTime(new Date(event.wakeAt), now)}`);
  return parts.length === 0 ? '' : ` for ${parts.join(' or ')}`;
}

/** True for the events that end a run (what `baton worker` reports). */
export function isRunEnd(event: EngineEvent): boolean {
  return event.type === 'run.completed' || event.type === 'run.failed' || event.type === 'run.cancelled' || event.type === 'run.continued';
}

/** A Logger that writes one readable line per warning or error (for `baton dev`, where JSON is noise). */
export function lineLogger(write: (line: string) => void): Logger {
  const log =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      const err = fields.err;
      const reason = err instanceof Error ? `: ${describeError(err as Error & { code?: string })}` : '';
      const runId = typeof fields.runId === 'string' ? ` ${fields.runId}` : '';
      write(`${clockTime(new Date())} ${level}${runId} ${message}${reason}`);
    };
  return { debug: () => {}, info: () => {}, warn: log('warn'), error: log('error') };
}

/** Progress as a line: a string as it is, `{ stage, detail }` as "stage: detail", anything else as JSON. */
export function describeProgress(progress: unknown): string {
  if (typeof progress === 'string') return truncate(progress, 100);
  if (typeof progress === 'object' && progress !== null && typeof (progress as { stage?: unknown }).stage === 'string') {
    const { stage, detail } = progress as { stage: string; detail?: unknown };
    return truncate(typeof detail === 'string' ? `${stage}: ${detail}` : stage, 100);
  }
  return `progress ${truncate(toJson(progress), 80)}`;
}
