/**
 * The engine's log for the long-running commands: JSON lines (pino) on stderr, so stdout keeps the
 * CLI's own output. BATON_LOG_LEVEL chooses the level (default info).
 */
import { pino } from 'pino';
import type { Logger } from '@baton/core';
import { UsageError } from './errors.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function jsonLogger(env: Readonly<Record<string, string | undefined>>, command?: string): Logger {
  const level = env.BATON_LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`BATON_LOG_LEVEL must be one of ${LEVELS.join(', ')}, not '${env.BATON_LOG_LEVEL}'`, command);
  }
  return pino(
    {
      level,
      // Level names and ISO times read better in a log search than pino's numbers.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous: the last lines before an exit are not lost.
    pino.destination({ dest: 2, sync: true }),
  );
}
