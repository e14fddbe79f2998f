/** The counts the metrics read on SQLite (Store.stats): queue depths, running, expired and waiting runs. */

/** Queued runs per namespace and queue (the metrics label queue depths and ages by both). */
export const STATS_QUEUED = `SELECT namespace, queue, COUNT(*) AS queued, MIN(created_at) AS oldest_created_at,
    MIN(CASE WHEN ready_at <= @now THEN ready_at END) AS oldest_ready_at
  FROM runs WHERE status = 'queued' GROUP BY namespace, queue`;

// Event waits are signal waits under a '$event:' name; only waits for real signals count here.
export const STATS_COUNTS = `SELECT
    (SELECT COUNT(*) FROM runs WHERE status = 'running') AS running,
    (SELECT COUNT(*) FROM runs WHERE status = 'running' AND lease_expires_at <= @now) AS expired,
    (SELECT COUNT(*) FROM runs WHERE status = 'waiting') AS waiting,
    (SELECT COUNT(*) FROM runs WHERE status = 'waiting'
      AND EXISTS (SELECT 1 FROM json_each(waits, '$.signals') WHERE value NOT LIKE '$event:%')) AS waiting_for_signal`;
