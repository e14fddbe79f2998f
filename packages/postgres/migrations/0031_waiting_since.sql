-- Waiting runs by when they began to wait: the start engines record in `waits.since` (kept while an
-- escalation stage or a reminder wakes the run beside its wait), or the row's last change for runs
-- suspended before it was recorded. The stuck-waiting alert counts this range and the approval inbox
-- lists it in order, so neither sees a touched row as a new wait. It replaces runs_waiting.
-- Applied with search_path set to the deployment's schema.
CREATE INDEX runs_waiting_since ON runs (namespace, (COALESCE((waits::jsonb ->> 'since')::bigint, updated_at)), id) WHERE status = 'waiting';
DROP INDEX runs_waiting;

-- An escalation's reassign stage assigns the task in the inbox (inbox_claims) in the commit that
-- journals the stage: the group commit takes the ops' inbox claims.
-- @function apply_batch
