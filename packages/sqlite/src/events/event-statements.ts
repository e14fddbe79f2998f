/** The events' statements on SQLite: run on every emit and wait, so prepared once. */

export const EVENT_SQL = {
  insertEvent:
    'INSERT INTO events (namespace, id, type, source, subject, time, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, source, id) DO NOTHING RETURNING *',
  eventBySourceAndId: 'SELECT * FROM events WHERE namespace = ? AND source = ? AND id = ?',
  // An event's namespace only: by the (namespace, type) indexes.
  triggersOfType: 'SELECT * FROM event_triggers WHERE namespace = ? AND type = ? ORDER BY workflow, n',
  liveWaitsOfType: `SELECT w.* FROM event_waits w JOIN runs r ON r.id = w.run_id
       WHERE w.namespace = ? AND w.type = ? AND r.status NOT IN ('completed', 'failed', 'cancelled') ORDER BY w.run_id, w.seq`,
  deleteEventWait: 'DELETE FROM event_waits WHERE run_id = ? AND seq = ?',
  deleteEndedWaits:
    "DELETE FROM event_waits WHERE namespace = ? AND type = ? AND run_id IN (SELECT id FROM runs WHERE status IN ('completed', 'failed', 'cancelled'))",
  registerEventWait: 'INSERT INTO event_waits (run_id, namespace, seq, type, match, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, seq) DO NOTHING',
} as const;
