/** The statements of the engine's stats (Store.stats): queued runs by queue, and the running and waiting counts. */

/** Queued runs per namespace and queue (the metrics label queue depths and ages by both). */
export const STATS_QUEUED = `SELECT namespace, queue, COUNT(*) AS queued, MIN(created_at) AS oldest_created_at,
    MIN(ready_at) FILTER (WHERE ready_at <= $1) AS oldest_ready_at
  FROM runs WHERE status = 'queued' GROUP BY namespace, queue`;

// Event waits are signal waits under a '$event:' name; only waits for real signals count here.
export const STATS_COUNTS = `SELECT
    COUNT(*) FILTER (WHERE status = 'running') AS running,
    COUNT(*) FILTER (WHERE status = 'running' AND lease_expires_at <= $1) AS expired,
    COUNT(*) FILTER (WHERE status = 'waiting') AS waiting,
    COUNT(*) FILTER (WHERE status = 'waiting' AND EXISTS (
      SELECT 1 FROM jsonb_array_elements_text(waits::jsonb -> 'signals') AS s(name) WHERE s.name NOT LIKE '$event:%'
    )) AS waiting_for_signal
  FROM runs WHERE status IN ('running', 'waiting')`;

/** Every queue defined, by name only. */
export const QUEUE_NAMES = 'SELECT name FROM queues';
