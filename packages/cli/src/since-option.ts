/** `--since WHEN` of the commands that pick runs by age: a duration ago (7d, 12h) or an ISO date (2030-01-31, or a full time). */
import { toMillis } from '@baton/core';
import { UsageError } from './errors.js';

/** The time (epoch ms) `--since` names, or a usage error of `command`. */
export function parseSince(text: string, command: string): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return time;
  } else {
    try {
      return Date.now() - toMillis(text, '--since');
    } catch {
      // a usage error below
    }
  }
  throw new UsageError(`--since must be a duration (7d) or an ISO date, not '${text}'`, command);
}
