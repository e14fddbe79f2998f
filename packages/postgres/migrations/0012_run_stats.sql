-- Hourly counts behind the overview, so that a window of days reads a few thousand rows instead of
-- every run in it: runs created (by the hour of created_at), runs ended (by the hour of ended_at and
-- the status they ended with: a retried run counts at each end), their durations (ended_at -
-- created_at) as a histogram of bins 5 % wide (bin = floor(ln(1 + ms) / ln(1.05))), and model calls
-- (results of kind 'baton.llm', by the hour their run was created). Hours are UTC, in ms.
--
-- Triggers append changes to run_stats_delta in the transaction of each change, never updating a
-- row another transaction may hold; fold_run_stats() moves them into run_stats and
-- run_duration_stats (the store calls it every few seconds). Readers add both up.
-- Applied with search_path set to the deployment's schema.
CREATE TABLE run_stats (
  hour              BIGINT NOT NULL,
  namespace         TEXT NOT NULL,
  workflow          TEXT NOT NULL,
  started           BIGINT NOT NULL DEFAULT 0,
  completed         BIGINT NOT NULL DEFAULT 0,
  failed            BIGINT NOT NULL DEFAULT 0,
  cancelled         BIGINT NOT NULL DEFAULT 0,
  llm_calls         BIGINT NOT NULL DEFAULT 0,
  llm_cost_usd      DOUBLE PRECISION NOT NULL DEFAULT 0,
  llm_input_tokens  BIGINT NOT NULL DEFAULT 0,
  llm_output_tokens BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, namespace, workflow)
);

CREATE TABLE run_duration_stats (
  hour      BIGINT NOT NULL,
  namespace TEXT NOT NULL,
  workflow  TEXT NOT NULL,
  bin       INT NOT NULL,
  n         BIGINT NOT NULL,
  PRIMARY KEY (hour, namespace, workflow, bin)
);

-- A row of counts to add; `bin`, when set, is the duration bin of the runs it counts as ended.
CREATE TABLE run_stats_delta (
  hour              BIGINT NOT NULL,
  namespace         TEXT NOT NULL,
  workflow          TEXT NOT NULL,
  started           BIGINT NOT NULL DEFAULT 0,
  completed         BIGINT NOT NULL DEFAULT 0,
  failed            BIGINT NOT NULL DEFAULT 0,
  cancelled         BIGINT NOT NULL DEFAULT 0,
  bin               INT,
  llm_calls         BIGINT NOT NULL DEFAULT 0,
  llm_cost_usd      DOUBLE PRECISION NOT NULL DEFAULT 0,
  llm_input_tokens  BIGINT NOT NULL DEFAULT 0,
  llm_output_tokens BIGINT NOT NULL DEFAULT 0
);

CREATE FUNCTION duration_bin(ms bigint) RETURNS int LANGUAGE sql IMMUTABLE AS $fn$
  SELECT floor(ln((1 + greatest(0, ms))::float8) / ln(1.05::float8))::int
$fn$;

-- Moves the deltas into the hourly counts, in key order (two folds never wait on each other in a cycle).
CREATE FUNCTION fold_run_stats() RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  WITH moved AS (
    DELETE FROM run_stats_delta RETURNING *
  ), counts AS (
    INSERT INTO run_stats AS s (hour, namespace, workflow, started, completed, failed, cancelled, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens)
    SELECT hour, namespace, workflow, SUM(started), SUM(completed), SUM(failed), SUM(cancelled),
      SUM(llm_calls), SUM(llm_cost_usd), SUM(llm_input_tokens), SUM(llm_output_tokens)
    FROM moved GROUP BY hour, namespace, workflow ORDER BY hour, namespace, workflow
    ON CONFLICT (hour, namespace, workflow) DO UPDATE SET
      started = s.started + excluded.started, completed = s.completed + excluded.completed,
      failed = s.failed + excluded.failed, cancelled = s.cancelled + excluded.cancelled,
      llm_calls = s.llm_calls + excluded.llm_calls, llm_cost_usd = s.llm_cost_usd + excluded.llm_cost_usd,
      llm_input_tokens = s.llm_input_tokens + excluded.llm_input_tokens, llm_output_tokens = s.llm_output_tokens + excluded.llm_output_tokens
  )
  INSERT INTO run_duration_stats AS d (hour, namespace, workflow, bin, n)
  SELECT hour, namespace, workflow, bin, SUM(completed + failed + cancelled)
  FROM moved WHERE bin IS NOT NULL GROUP BY hour, namespace, workflow, bin ORDER BY hour, namespace, workflow, bin
  ON CONFLICT (hour, namespace, workflow, bin) DO UPDATE SET n = d.n + excluded.n;
END $fn$;

-- The runs already in the store.
INSERT INTO run_stats_delta (hour, namespace, workflow, started)
  SELECT created_at - created_at % 3600000, namespace, workflow, COUNT(*) FROM runs GROUP BY 1, 2, 3;
INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
  SELECT ended_at - ended_at % 3600000, namespace, workflow, COUNT(*) FILTER (WHERE status = 'completed'),
    COUNT(*) FILTER (WHERE status = 'failed'), COUNT(*) FILTER (WHERE status = 'cancelled'), duration_bin(ended_at - created_at)
  FROM runs WHERE ended_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled') GROUP BY 1, 2, 3, 7;

-- Runs created, and runs written already ended (an import), a row per hour, namespace and workflow.
CREATE FUNCTION run_stats_created() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_stats_delta (hour, namespace, workflow, started)
  SELECT created_at - created_at % 3600000, namespace, workflow, COUNT(*) FROM new_runs GROUP BY 1, 2, 3;
  INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
  SELECT ended_at - ended_at % 3600000, namespace, workflow, COUNT(*) FILTER (WHERE status = 'completed'),
    COUNT(*) FILTER (WHERE status = 'failed'), COUNT(*) FILTER (WHERE status = 'cancelled'), duration_bin(ended_at - created_at)
  FROM new_runs WHERE ended_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled') GROUP BY 1, 2, 3, 7;
  RETURN NULL;
END $fn$;
CREATE TRIGGER run_stats_created AFTER INSERT ON runs REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_stats_created();

-- Row by row, but the WHEN clause keeps the function out of every update that does not end a run.
CREATE FUNCTION run_stats_ended() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_stats_delta (hour, namespace, workflow, completed, failed, cancelled, bin)
  VALUES (NEW.ended_at - NEW.ended_at % 3600000, NEW.namespace, NEW.workflow, (NEW.status = 'completed')::int,
    (NEW.status = 'failed')::int, (NEW.status = 'cancelled')::int, duration_bin(NEW.ended_at - NEW.created_at));
  RETURN NULL;
END $fn$;
CREATE TRIGGER run_stats_ended AFTER UPDATE OF ended_at ON runs FOR EACH ROW
  WHEN (NEW.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at AND NEW.status IN ('completed', 'failed', 'cancelled'))
  EXECUTE FUNCTION run_stats_ended();

-- Model calls among journal entries; the LIKE skips every entry that cannot be one before its JSON is read.
CREATE FUNCTION run_stats_llm() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_stats_delta (hour, namespace, workflow, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens)
  SELECT r.created_at - r.created_at % 3600000, r.namespace, r.workflow, COUNT(*),
    COALESCE(SUM((o.output ->> 'costUsd')::float8), 0),
    COALESCE(SUM((o.output -> 'usage' ->> 'inputTokens')::float8), 0),
    COALESCE(SUM((o.output -> 'usage' ->> 'outputTokens')::float8), 0)
  FROM (SELECT run_id, jsonb_or_null(output) AS output FROM new_entries WHERE status = 'completed' AND output LIKE '%baton.llm%') o
  JOIN runs r ON r.id = o.run_id
  WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $fn$;
CREATE TRIGGER run_stats_llm AFTER INSERT ON journal REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION run_stats_llm();

-- Model calls already journaled.
INSERT INTO run_stats_delta (hour, namespace, workflow, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens)
  SELECT r.created_at - r.created_at % 3600000, r.namespace, r.workflow, COUNT(*),
    COALESCE(SUM((o.output ->> 'costUsd')::float8), 0),
    COALESCE(SUM((o.output -> 'usage' ->> 'inputTokens')::float8), 0),
    COALESCE(SUM((o.output -> 'usage' ->> 'outputTokens')::float8), 0)
  FROM (SELECT run_id, jsonb_or_null(output) AS output FROM journal WHERE status = 'completed' AND output LIKE '%baton.llm%') o
  JOIN runs r ON r.id = o.run_id
  WHERE jsonb_typeof(o.output) = 'object' AND o.output ->> 'kind' = 'baton.llm'
  GROUP BY 1, 2, 3;

SELECT fold_run_stats();

-- Runs waiting for a person (a signal whose name does not start with '$'), counted from an index.
CREATE INDEX runs_waiting_person ON runs (namespace)
  WHERE status = 'waiting' AND waits::jsonb @? '$.signals[*] ? (!(@ starts with "$"))';

-- Queued runs per queue with their oldest times, read from the index alone.
CREATE INDEX runs_queued_depth ON runs (queue, namespace, created_at, ready_at) WHERE status = 'queued';
