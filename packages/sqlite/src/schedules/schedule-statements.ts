/** The schedules' statements on SQLite: the scheduler's polls and the holds of a schedule's next run. */

export const SCHEDULE_SQL = {
  // Polled by every engine's scheduler: prepared once.
  nextScheduleAt: 'SELECT MIN(next_at) AS at FROM schedules WHERE next_at IS NOT NULL',
  dueSchedules: 'SELECT * FROM schedules WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?',
  holdRun: `UPDATE runs SET after_run = @after, ready_at = CASE
         WHEN EXISTS (SELECT 1 FROM runs p WHERE p.id = @after AND p.status NOT IN ('completed', 'failed', 'cancelled')) THEN NULL ELSE ready_at END
       WHERE id = @id AND status = 'queued' AND claims = 0`,
} as const;
