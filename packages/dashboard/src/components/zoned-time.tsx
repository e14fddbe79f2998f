/**
 * A time as a schedule reads it — in the schedule's own time zone — and, below it, in the viewer's,
 * when the two differ: a cron of "0 3 * * *" in Asia/Tokyo fires at 03:00 there, whatever the clock
 * of the person looking.
 */

/** The viewer's time zone, as the browser says it. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** `iso` in `timeZone`: "6 Dec 2026, 03:00:00" (undefined when the zone is unknown to the browser). */
export function formatInZone(iso: string, timeZone: string): string | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(date);
  } catch {
    return undefined;
  }
}

/** With `zoneLabel` false the schedule's zone is not named (a column beside it does). */
export function ZonedTime({ iso, timeZone, zoneLabel = true }: { iso: string | undefined; timeZone: string; zoneLabel?: boolean }) {
  if (iso === undefined) return <span className="muted">—</span>;
  const viewer = viewerTimeZone();
  const there = formatInZone(iso, timeZone) ?? iso;
  const here = formatInZone(iso, viewer);
  return (
    <span className="zoned-time" title={iso}>
      <span className="schedule-time">
        {there}
        {zoneLabel ? <span className="muted small"> {timeZone}</span> : null}
      </span>
      {viewer === timeZone || here === undefined || here === there ? null : (
        <span className="viewer-time">
          {here} <span className="small">your time ({viewer})</span>
        </span>
      )}
    </span>
  );
}
