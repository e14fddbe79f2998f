/** Durations: milliseconds or human strings such as '90s', '5 minutes', '3 days', '1h 30m'. */
import { BatonError, ErrorCode } from '../errors/errors.js';

export type Duration = number | string;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;

/** Parses a duration to milliseconds; throws BATON_INVALID_ARGUMENT with the accepted forms. */
export function toMillis(duration: Duration, what = 'duration'): number {
  if (typeof duration === 'number') {
    if (Number.isFinite(duration) && duration >= 0) return Math.round(duration);
    throw invalid(String(duration), what);
  }
  if (typeof duration !== 'string') throw invalid(String(duration), what);
  const text = duration.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  let total = 0;
  let index = 0;
  let parts = 0;
  while (index < text.length) {
    while (text[index] === ' ' || text[index] === ',') index++;
    if (index >= text.length) break;
    PART.lastIndex = index;
    const match = PART.exec(text);
    const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2]];
    if (match === null || unit === undefined) throw invalid(duration, what);
    total += Number(match[1]) * unit;
    index = PART.lastIndex;
    parts++;
  }
  if (parts === 0) throw invalid(duration, what);
  return Math.round(total);
}

function invalid(text: string, what: string): BatonError {
  return new BatonError(
    ErrorCode.InvalidArgument,
    `Invalid ${what} '${text}'. Use milliseconds (a non-negative number) or a string such as '500ms', '30s', '5 minutes', '3 days', '1h 30m'.`,
    { retryable: false },
  );
}
