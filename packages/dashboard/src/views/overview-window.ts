/**
 * The overview's time windows: how long each looks back and how wide its buckets are. The window is
 * in the address (`?window=7d`), so a view can be shared; an unknown or missing one is the default.
 */

export const OVERVIEW_WINDOWS = [
  { id: '1h', label: 'Last hour', span: 'the last hour', ms: 3_600_000, bucketMinutes: 5 },
  { id: '24h', label: '24 hours', span: 'the last 24 hours', ms: 86_400_000, bucketMinutes: 60 },
  { id: '7d', label: '7 days', span: 'the last 7 days', ms: 7 * 86_400_000, bucketMinutes: 360 },
] as const;

export type OverviewWindow = (typeof OVERVIEW_WINDOWS)[number];
export type OverviewWindowId = OverviewWindow['id'];

export const DEFAULT_WINDOW: OverviewWindow = OVERVIEW_WINDOWS[1];

export function windowOf(id: string | null): OverviewWindow {
  return OVERVIEW_WINDOWS.find((w) => w.id === id) ?? DEFAULT_WINDOW;
}

/**
 * The window's bounds at `now`: it ends at the end of the bucket holding `now`, so buckets fall on
 * whole minutes and hours (the last one still filling), and starts one window earlier.
 */
export function windowBounds(window: OverviewWindow, now: number): { since: Date; until: Date } {
  const bucketMs = window.bucketMinutes * 60_000;
  const until = Math.ceil((now + 1) / bucketMs) * bucketMs;
  return { since: new Date(until - window.ms), until: new Date(until) };
}

/** A bucket's start as its axis label: the time of day, with the weekday in a window of days. */
export function bucketLabel(window: OverviewWindow, iso: string): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return window.ms > 86_400_000 ? `${date.toLocaleDateString(undefined, { weekday: 'short' })} ${time}` : time;
}
