/** How times, durations, money and payload values read on the page. */

export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return sameDay ? time : `${date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })} ${time}`;
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
