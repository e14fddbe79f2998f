/** The events' statements on SQLite: run on every emit and wait, so prepared once. */

export const EVENT_SQL = {
  insertEvent:
    'INSERT INTO events (id, type, source, subject, time, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, id) DO NOTHING RETURNING *',
  eventBySourceAndId: 'SELECT * FROM events WHERE source = ? AND id = ?',
  triggersOfType: 'SELECT * FROM event_triggers WHERE type = ? ORDER BY workflow, n',
  liveWaitsOfType: `SELECT w.* FROM event_waits w JOIN runs r ON r.id = w.run_id
       WHERE w.type = ? AND r.status NOT IN ('completed', 'failed', 'cancelled') ORDER BY w.run_id, w.seq`,
  deleteEventWait: 'DELETE FROM event_waits WHERE run_id = ? AND seq = ?',
  deleteEndedWaits: "DELETE FROM event_waits WHERE type = ? AND run_id IN (SELECT id FROM runs WHERE status IN ('completed', 'failed', 'cancelled'))",
  registerEventWait: 'INSERT INTO event_waits (run_id, seq, type, match, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, seq) DO NOTHING',
} as const;
