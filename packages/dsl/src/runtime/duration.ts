/**
 * The DSL's durations: an ISO 8601 duration string (`PT1M30S`, `P2DT4H`) or an object of
 * `{ days, hours, minutes, seconds, milliseconds }`. Years and months have no fixed length and are
 * refused with a configuration error.
 */
import { standardFault } from './workflow-fault.js';

const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNITS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 } as const;

/** Milliseconds of a DSL duration. Throws a configuration fault for anything else. */
export function durationMs(duration: unknown, what: string): number {
  if (typeof duration === 'string') {
    const match = ISO.exec(duration.trim());
    if (match === null || duration.trim() === 'P' || duration.trim().endsWith('T')) {
      throw standardFault('configuration', `${what}: '${duration}' is not an ISO 8601 duration such as PT30S or P1DT2H (years and months are not accepted).`);
    }
    const [, weeks, days, hours, minutes, seconds] = match;
    return Math.round(
      Number(weeks ?? 0) * 604_800_000 +
        Number(days ?? 0) * UNITS.days +
        Number(hours ?? 0) * UNITS.hours +
        Number(minutes ?? 0) * UNITS.minutes +
        Number(seconds ?? 0) * 1000,
    );
  }
  if (typeof duration === 'object' && duration !== null && !Array.isArray(duration)) {
    let total = 0;
    for (const [unit, value] of Object.entries(duration)) {
      const factor = UNITS[unit as keyof typeof UNITS];
      if (factor === undefined || typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw standardFault(
          'configuration',
          `${what}: '${unit}: ${JSON.stringify(value)}' is not a duration field (use days, hours, minutes, seconds, milliseconds with numbers).`,
        );
      }
      total += value * factor;
    }
    return Math.round(total);
  }
  throw standardFault(
    'configuration',
    `${what}: ${JSON.stringify(duration)} is not a duration (an ISO 8601 string or { days, hours, minutes, seconds, milliseconds }).`,
  );
}
