/**
 * What every store decides the same way: the errors for missing and ended runs, when a run may be
 * queued again, when a run may move to another version, the run-list cursor, and reading numbered migration files. Stores call these so
 * that both dialects say and check exactly the same things.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { VersionMove, VersionMoveRefusal } from './run-store.js';

export function runNotFound(runId: string): BatonError {
  return new BatonError(ErrorCode.RunNotFound, `Run ${runId} does not exist. Check the id (baton runs list shows recent runs).`, { runId, retryable: false });
}

/** A signal or a cancel for a run that already ended. */
export function runEnded(runId: string, status: string, action: { signal: string } | 'cancel'): BatonError {
  const what = action === 'cancel' ? 'only running, waiting or queued runs can be cancelled' : `it cannot take signal '${action.signal}'`;
  return new BatonError(ErrorCode.RunFinished, `Run ${runId} already ended (${status}); ${what}.`, { runId, retryable: false });
}

/** Throws unless a run in this state may be retried or resumed. */
export function assertRequeueable(runId: string, run: { status: string; phase: string }, mode: 'retry' | 'resume'): void {
  const verb = mode === 'retry' ? 'retried' : 'resumed';
  if (run.status !== 'failed') {
    throw new BatonError(ErrorCode.RunNotFailed, `Run ${runId} is ${run.status}; only failed runs can be ${verb}.`, { runId, retryable: false });
  }
  if (run.phase === 'compensating') {
    throw new BatonError(
      ErrorCode.RetryNotPossible,
      `Run ${runId} cannot be ${verb}: its compensations already ran and undid its steps. Start a new run instead.`,
      {
        runId,
        retryable: false,
      },
    );
  }
}

/** What a store reads, under the run's lock, to decide a version move (Store.moveRunVersion). */
export interface VersionMoveState {
  status: string;
  version: string;
  updatedAt: number;
  leaseOwner: string | null;
  journalLength: number;
  lastSeq: number;
}

/** Why a version move must not happen now, or undefined when the run may move. */
export function versionMoveRefusal(state: VersionMoveState, move: VersionMove): VersionMoveRefusal | undefined {
  if (state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled') return 'ended';
  if (state.status === 'running' || (state.status === 'queued' && state.leaseOwner !== null)) return 'running';
  if (state.version !== move.fromVersion) return 'version';
  const { seen } = move;
  if (state.updatedAt !== seen.updatedAt || state.journalLength !== seen.journalLength || state.lastSeq !== seen.lastSeq) return 'changed';
  return undefined;
}

/** The opaque cursor of a run list page: the last run's creation time and id. */
export function encodeRunCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeRunCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // reported below
  }
  throw new BatonError(ErrorCode.InvalidArgument, 'Invalid cursor: pass the nextCursor of the previous page unchanged.', { retryable: false });
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The migrations of `migrations` a database whose applied versions are `applied` lacks; none missing
 * returns. Otherwise BATON_DATABASE_OUTDATED, for a store opened without upgrading: nothing was
 * written, and the message says how to go on.
 */
export function assertMigrated(migrations: readonly Migration[], applied: ReadonlySet<number>, where: string): void {
  const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
  if (missing.length === 0) return;
  throw new BatonError(
    ErrorCode.DatabaseOutdated,
    applied.size === 0
      ? `${where} holds no Baton database, and it was opened to be read only: nothing was written. Check the path or schema.`
      : `${where} was written by an earlier version of Baton: it lacks ${missing.length} migration${missing.length === 1 ? '' : 's'} of this version (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}), and it was opened to be read only, so nothing was written. Start a worker or server of this version on it first to upgrade it, or use the version that wrote it.`,
    { retryable: false, details: { missing } },
  );
}

/** The numbered migrations (NNNN_name.sql) in `dir`, in order. */
export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), name: file.slice(5, -4), sql: readFileSync(new URL(file, `file://${dir}`), 'utf8') }));
}
