/**
 * `--lease` and `--heartbeat` of the commands that run an engine (`baton worker`, `baton dev`): how
 * long a run's lease lasts, and how often the engine renews it. Durations as core parses them ('10s',
 * '2 minutes', '1500ms'); a bare number is milliseconds.
 */
import { toMillis } from '@baton/core';
import type { Io } from './command.js';
import { UsageError } from './errors.js';

/** The engine's default lease (EngineOptions.leaseMs). */
const DEFAULT_LEASE_MS = 30_000;
/** Shorter leases would have runs change hands on every pause of a busy host. */
const MIN_LEASE_MS = 1000;

export const LEASE_HELP = `  --lease DURATION      how long a run's lease lasts: a worker that dies or stalls this long loses its runs
                        to other workers (default: $BATON_LEASE, else 30s; at least 1s)
  --heartbeat DURATION  how often leases are renewed (default: $BATON_HEARTBEAT, else a third of the lease,
                        at most 2s; at most a third of the lease)`;

export const leaseFlags = {
  lease: { type: 'string' },
  heartbeat: { type: 'string' },
} as const;

export interface LeaseOptions {
  leaseMs?: number;
  heartbeatMs?: number;
}

export function leaseOptions(values: { lease?: string | undefined; heartbeat?: string | undefined }, io: Io, command: string): LeaseOptions {
  const leaseMs = duration(values.lease ?? nonEmpty(io.env.BATON_LEASE), values.lease === undefined ? '$BATON_LEASE' : '--lease', command);
  const heartbeatMs = duration(
    values.heartbeat ?? nonEmpty(io.env.BATON_HEARTBEAT),
    values.heartbeat === undefined ? '$BATON_HEARTBEAT' : '--heartbeat',
    command,
  );
  if (leaseMs !== undefined && leaseMs < MIN_LEASE_MS)
    throw new UsageError(`--lease must be at least 1s, not ${leaseMs} ms (write units: --lease 10s)`, command);
  const lease = leaseMs ?? DEFAULT_LEASE_MS;
  if (heartbeatMs !== undefined && heartbeatMs * 3 > lease) {
    throw new UsageError(
      `--heartbeat (${heartbeatMs} ms) must be at most a third of the lease (${lease} ms), so a lease outlives a failed renewal or two: shorten --heartbeat or lengthen --lease`,
      command,
    );
  }
  return { ...(leaseMs === undefined ? {} : { leaseMs }), ...(heartbeatMs === undefined ? {} : { heartbeatMs }) };
}

function duration(text: string | undefined, flag: string, command: string): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = toMillis(text, flag);
  } catch {
    throw new UsageError(`${flag} must be a duration such as 10s, 2m or 1500ms, not '${text}'`, command);
  }
  if (ms <= 0) throw new UsageError(`${flag} must be longer than zero, not '${text}'`, command);
  return ms;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
