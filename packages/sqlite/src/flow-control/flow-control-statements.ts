/** Flow control's statements on SQLite: queue limits, running counts, rate limiters, held-back runs. */

export const FLOW_CONTROL_SQL = {
  upsertQueue: `INSERT INTO queues (name, concurrency, rate_limit, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_limit = excluded.rate_limit, updated_at = excluded.updated_at`,
  listQueues: 'SELECT name, concurrency, rate_limit FROM queues ORDER BY name',
  runningByQueue:
    "SELECT queue AS k, COUNT(*) AS n FROM runs INDEXED BY runs_running_queue WHERE status = 'running' AND queue IN (SELECT value FROM json_each(?)) GROUP BY queue",
  runningByKey:
    "SELECT concurrency_key AS k, COUNT(*) AS n FROM runs INDEXED BY runs_running_key WHERE status = 'running' AND concurrency_key IS NOT NULL AND concurrency_key IN (SELECT value FROM json_each(?)) GROUP BY concurrency_key",
  limiters: 'SELECT key, tat FROM rate_limiters WHERE key IN (SELECT value FROM json_each(?))',
  setLimiter: 'INSERT INTO rate_limiters (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat',
  // The generic cell rate algorithm in one statement: takes an event if the limiter conforms now.
  takeRate: `INSERT INTO rate_limiters (key, tat) VALUES (@key, @now + @interval)
       ON CONFLICT (key) DO UPDATE SET tat = MAX(rate_limiters.tat, @now) + @interval
       WHERE MAX(rate_limiters.tat, @now) - @tolerance <= @now
       RETURNING tat`,
  limiter: 'SELECT tat FROM rate_limiters WHERE key = ?',
  holdBack: "UPDATE runs SET ready_at = @until, updated_at = @now WHERE id = @id AND status = 'queued'",
} as const;
