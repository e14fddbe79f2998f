/** The runs' statements on SQLite: creating, reading, claiming, leasing, writing, signalling, cancelling, requeueing, moving to another version, assigning in the inbox with a write. */
import { LIMITED_QUEUES } from './claim-runs.js';
import { UPSERT_CLAIM } from '../insight/inbox-queries.js';

const RUN_COLUMNS =
  'id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from, concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags';
const RUN_VALUES =
  '@input, @queue, @priority, @parentId, @parentSeq, @continuedFrom, @concurrencyKey, @concurrencyLimit, @rateKey, @rateLimit, @namespace, @tags';

export const RUN_SQL = {
  getRun: 'SELECT * FROM runs WHERE id = ?',
  parentOf: 'SELECT parent_id FROM runs WHERE id = ?',
  cancelFlag: 'SELECT cancel_requested FROM runs WHERE id = ?',
  insertQueuedRun: `INSERT INTO runs (${RUN_COLUMNS}, ready_at, created_at, updated_at)
       VALUES (@id, @workflow, @version, 'queued', ${RUN_VALUES}, @now, @now, @now)
       ON CONFLICT (id) DO NOTHING`,
  insertClaimedRun: `INSERT INTO runs (${RUN_COLUMNS}, lease_owner, lease_token, lease_expires_at, ready_at, claims, created_at, updated_at, started_at)
       VALUES (@id, @workflow, @version, 'running', ${RUN_VALUES},
               @leaseOwner, @leaseToken, @leaseExpiresAt, @leaseExpiresAt, 1, @now, @now, @now)
       ON CONFLICT (id) DO NOTHING`,
  fence: 'SELECT lease_token AS token, status FROM runs WHERE id = ?',
  insertJournal: `INSERT INTO journal (run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates)
       VALUES (@runId, @seq, @kind, @name, @status, @input, @output, @error, @attempts, @startedAt, @endedAt, @compensates)`,
  getJournal: 'SELECT * FROM journal WHERE run_id = ? ORDER BY seq',
  // What a claim reads to replay: inputs are informational, so they stay in the database.
  replayJournal: `SELECT run_id, seq, kind, name, status, NULL AS input, output, error, attempts, started_at, ended_at, compensates
       FROM journal WHERE run_id = ? ORDER BY seq`,
  consumeSignal: 'UPDATE signals SET consumed = 1 WHERE id = ? AND run_id = ? AND consumed = 0',
  upsertStepRetry: `INSERT INTO step_retries (run_id, seq, attempts, next_attempt_at, error) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, seq) DO UPDATE SET attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, error = excluded.error`,
  getStepRetries: 'SELECT seq, attempts, next_attempt_at, error FROM step_retries WHERE run_id = ?',
  deleteStepRetries: 'DELETE FROM step_retries WHERE run_id = ?',
  setProgress: 'UPDATE runs SET progress = ?, updated_at = ? WHERE id = ?',
  enterCompensation: "UPDATE runs SET phase = 'compensating', end_status = ?, error = ?, compensation_plan = ?, updated_at = ? WHERE id = ?",
  finish: `UPDATE runs SET status = @status, output = @output, error = COALESCE(@error, error), continued_to = @continuedTo,
         ready_at = NULL, wake_at = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
         ended_at = @now, updated_at = @now
       WHERE id = @id`,
  suspend: `UPDATE runs SET status = 'waiting', wake_at = @wakeAt, waits = @waits, ready_at = @readyAt,
         lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
       WHERE id = @id`,
  restartWithLimits: `UPDATE runs SET concurrency_key = @concurrencyKey, concurrency_limit = @concurrencyLimit, rate_key = @rateKey,
         rate_limit = @rateLimit, claims = 0, started_at = NULL WHERE id = @id`,
  release: `UPDATE runs SET status = 'queued', ready_at = @now, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
       WHERE id = @id`,
  pendingSignalFor: 'SELECT 1 FROM signals WHERE run_id = ? AND consumed = 0 AND name IN (SELECT value FROM json_each(?)) LIMIT 1',
  endedChildAmong: "SELECT 1 FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('completed', 'failed', 'cancelled') LIMIT 1",
  wakeParent: `UPDATE runs SET ready_at = @now, updated_at = @now
       WHERE id = @parentId AND status = 'waiting' AND EXISTS (SELECT 1 FROM json_each(runs.waits, '$.children') WHERE value = @childId)`,
  wakeForSignal: `UPDATE runs SET ready_at = @now, updated_at = @now
       WHERE id = @id AND status = 'waiting' AND EXISTS (SELECT 1 FROM json_each(runs.waits, '$.signals') WHERE value = @name)`,
  claimRun: `UPDATE runs SET status = 'running', lease_owner = @owner, lease_token = @token, lease_expires_at = @expiresAt,
         ready_at = @expiresAt, claims = claims + 1, started_at = COALESCE(started_at, @now), updated_at = @now,
         version = CASE WHEN version = '' THEN @currentVersion ELSE version END
       WHERE id = @id`,
  signalHorizon: 'SELECT COALESCE(MAX(id), 0) AS horizon FROM signals WHERE run_id = ?',
  unconsumedSignals: 'SELECT id, run_id, name, payload, created_at FROM signals WHERE run_id = ? AND consumed = 0 ORDER BY id',
  allSignals: 'SELECT id, run_id, name, payload, created_at, consumed FROM signals WHERE run_id = ? ORDER BY id',
  children: 'SELECT id, parent_seq, status, output, error, continued_to FROM runs WHERE parent_id = ?',
  renewLease: `UPDATE runs SET lease_expires_at = @expiresAt, ready_at = @expiresAt
       WHERE id = @id AND lease_token = @token AND status = 'running'
       RETURNING cancel_requested`,
  // Due runs a limit holds back are left out (a freed slot announces itself); queued runs due later count.
  nextWakeAt: `SELECT MIN(at) AS at FROM (
      SELECT MIN(ready_at) AS at FROM runs INDEXED BY runs_due WHERE ready_at IS NOT NULL AND status <> 'queued'
        AND (ready_at > @now OR (concurrency_key IS NULL AND rate_key IS NULL AND queue NOT IN (${LIMITED_QUEUES})))
      UNION ALL
      SELECT MIN(ready_at) FROM runs INDEXED BY runs_queued_at WHERE status = 'queued' AND ready_at > @now)`,
  debounceRun: `INSERT INTO runs (${RUN_COLUMNS}, debounce_key, ready_at, created_at, updated_at)
       VALUES (@id, @workflow, @version, 'queued', ${RUN_VALUES}, @debounceKey, @readyAt, @now, @now)
       ON CONFLICT (debounce_key) WHERE debounce_key IS NOT NULL AND status = 'queued' AND claims = 0 DO UPDATE SET
         input = excluded.input, concurrency_key = excluded.concurrency_key, concurrency_limit = excluded.concurrency_limit,
         rate_key = excluded.rate_key, rate_limit = excluded.rate_limit, updated_at = excluded.updated_at,
         ready_at = MIN(excluded.ready_at, COALESCE(runs.created_at + @maxWaitMs, excluded.ready_at))`,
  pendingDebounced: "SELECT * FROM runs WHERE debounce_key = ? AND status = 'queued' AND claims = 0",
  takeThrottle: `INSERT INTO throttles (key, run_id, until) VALUES (@key, @id, @until)
       ON CONFLICT (key) DO UPDATE SET run_id = excluded.run_id, until = excluded.until WHERE throttles.until <= @now
       RETURNING run_id`,
  throttleRun: 'SELECT run_id FROM throttles WHERE key = ?',
  holdsSlot: `SELECT 1 FROM runs WHERE id = ? AND (concurrency_key IS NOT NULL OR queue IN (SELECT name FROM queues WHERE concurrency IS NOT NULL))`,
  insertSignal: 'INSERT INTO signals (run_id, name, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id',
  releaseHeld: "UPDATE runs SET ready_at = @now, updated_at = @now WHERE after_run = @id AND status = 'queued' AND ready_at IS NULL RETURNING id",
  cancelQueued: `UPDATE runs SET status = 'cancelled', error = @error, ready_at = NULL, ended_at = @now, updated_at = @now
       WHERE id = @id`,
  flagCancel: `UPDATE runs SET cancel_requested = 1, cancel_error = @error, updated_at = @now,
         ready_at = CASE WHEN status = 'waiting' THEN @now ELSE ready_at END
       WHERE id = @id`,
  setAsideFailed: `INSERT INTO journal_history (run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates, set_aside_at)
       SELECT run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates, ?
       FROM journal WHERE run_id = ? AND status = 'failed' AND kind IN ('step', 'child')`,
  failedChildEntries: "SELECT seq FROM journal WHERE run_id = ? AND status = 'failed' AND kind = 'child'",
  deleteFailed: "DELETE FROM journal WHERE run_id = ? AND status = 'failed' AND kind IN ('step', 'child')",
  requeue: `UPDATE runs SET status = 'queued', error = NULL, output = NULL, ended_at = NULL, ready_at = @now, wake_at = NULL,
         phase = 'body', end_status = NULL, compensation_plan = NULL, cancel_requested = 0, cancel_error = NULL, updated_at = @now
       WHERE id = @id`,
  failedChildren: "SELECT id FROM runs WHERE parent_id = ? AND parent_seq = ? AND status = 'failed' AND continued_to IS NULL",
  journalExtent: 'SELECT count(*) AS length, coalesce(max(seq), 0) AS last FROM journal WHERE run_id = ?',
  moveVersion: 'UPDATE runs SET version = @to, updated_at = @now WHERE id = @id',
  upsertInboxClaim: UPSERT_CLAIM,
} as const;
