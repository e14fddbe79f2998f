/** How times, durations, money and payload values read on the page. */

/**
 * A time as the dashboard shows it everywhere: the date and time of day in the browser's time zone,
 * with the zone's offset from UTC (`2026-12-06 19:45:12 UTC+01:00`), so a time read off the page
 * means the same to a reader elsewhere. The one formatter of times: every view calls it.
 */
export function formatTime(iso: string | number | Date | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time} ${timeZoneOf(date)}`;
}

/** The browser's time zone at `date` as an offset from UTC: `UTC`, `UTC+01:00`, `UTC-04:30`. */
export function timeZoneOf(date: Date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const sign = offset > 0 ? '+' : '-';
  const minutes = Math.abs(offset);
  return `UTC${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A count with its noun, singular for one: `plural(1, 'journal entry', 'journal entries')`. */
/** A datetime-local field's value (local time) as a Date, or undefined when empty or malformed. */
export function localTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
  return `${Math.floor(ms / 86_400_000)} d ${Math.round((ms % 86_400_000) / 3_600_000)} h`;
}

/** A run's duration so far (to now while it is not over). */
export function runDuration(run: { createdAt: string; startedAt?: string; endedAt?: string }, now = Date.now()): number {
  const start = Date.parse(run.startedAt ?? run.createdAt);
  const end = run.endedAt === undefined ? now : Date.parse(run.endedAt);
  return Math.max(0, end - start);
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(5)}` : `$${usd.toFixed(4)}`;
}

/**
 * What model calls cost when some may have no known price (`priced: false`: a model missing from
 * the price table). Their cost is unknown, not $0: all unpriced reads "unknown"; some unpriced reads
 * the priced calls' sum "+ unknown".
 */
export function formatCallsCost(costUsd: number, unpricedCalls: number, calls: number): string {
  if (unpricedCalls === 0) return formatCost(costUsd);
  if (unpricedCalls >= calls) return 'unknown';
  return `${formatCost(costUsd)} + unknown`;
}

/**
 * A typed-JSON value for reading: tagged values (`{ "$baton": "date", "v": … }`) shown as what they
 * stand for, the rest as it is.
 */
export function readable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readable);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const tag = obj.$baton;
  if (typeof tag === 'string' && 'v' in obj) {
    const v = obj.v;
    switch (tag) {
      case 'date':
        return v === null ? 'Invalid Date' : v;
      case 'bigint':
        return `${String(v)}n`;
      case 'number':
        return String(v);
      case 'undefined':
        return undefined;
      case 'map':
        return { Map: (v as unknown[]).map(readable) };
      case 'set':
        return { Set: (v as unknown[]).map(readable) };
      case 'bytes':
        return `<${Math.floor(((v as string).length * 3) / 4)} bytes>`;
      case 'error':
        return { Error: readable(v) };
      case 'object':
        return readable(v);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = readable(v);
  return out;
}

export function toJsonText(value: unknown): string {
  const shown = readable(value);
  if (shown === undefined) return 'undefined';
  return typeof shown === 'string' ? JSON.stringify(shown) : (JSON.stringify(shown, null, 2) ?? String(shown));
}

export function shortId(id: string, max = 28): string {
  return id.length <= max ? id : `${id.slice(0, max - 9)}…${id.slice(-8)}`;
}
