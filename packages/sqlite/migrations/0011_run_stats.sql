-- Hourly counts behind the overview, so that a window of days reads a few thousand rows instead of
-- every run in it. Kept by triggers in the transaction of each change: runs created (by the hour of
-- created_at), runs ended (by the hour of ended_at and the status they ended with: a retried run counts
-- at each end), their durations (ended_at - created_at) as a histogram of bins 5 % wide
-- (bin = floor(ln(1 + ms) / ln(1.05))), and model calls (results of kind 'baton.llm', by the hour their
-- run was created). Hours are UTC, in ms.
CREATE TABLE run_stats (
  hour              INTEGER NOT NULL,
  namespace         TEXT NOT NULL,
  workflow          TEXT NOT NULL,
  started           INTEGER NOT NULL DEFAULT 0,
  completed         INTEGER NOT NULL DEFAULT 0,
  failed            INTEGER NOT NULL DEFAULT 0,
  cancelled         INTEGER NOT NULL DEFAULT 0,
  llm_calls         INTEGER NOT NULL DEFAULT 0,
  llm_cost_usd      REAL NOT NULL DEFAULT 0,
  llm_input_tokens  INTEGER NOT NULL DEFAULT 0,
  llm_output_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, namespace, workflow)
) WITHOUT ROWID;

CREATE TABLE run_duration_stats (
  hour      INTEGER NOT NULL,
  namespace TEXT NOT NULL,
  workflow  TEXT NOT NULL,
  bin       INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (hour, namespace, workflow, bin)
) WITHOUT ROWID;

-- The runs already in the store.
INSERT INTO run_stats (hour, namespace, workflow, started)
  SELECT created_at - created_at % 3600000, namespace, workflow, COUNT(*) FROM runs GROUP BY 1, 2, 3;

INSERT INTO run_stats (hour, namespace, workflow, completed, failed, cancelled)
  SELECT ended_at - ended_at % 3600000, namespace, workflow,
    SUM(status = 'completed'), SUM(status = 'failed'), SUM(status = 'cancelled')
  FROM runs WHERE ended_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled') GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET completed = excluded.completed, failed = excluded.failed, cancelled = excluded.cancelled;

INSERT INTO run_duration_stats (hour, namespace, workflow, bin, n)
  SELECT ended_at - ended_at % 3600000, namespace, workflow, CAST(ln(1 + MAX(0, ended_at - created_at)) / ln(1.05) AS INTEGER), COUNT(*)
  FROM runs WHERE ended_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled') GROUP BY 1, 2, 3, 4;

INSERT INTO run_stats (hour, namespace, workflow, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens)
  SELECT r.created_at - r.created_at % 3600000, r.namespace, r.workflow, COUNT(*),
    COALESCE(SUM(json_extract(j.output, '$.costUsd')), 0),
    COALESCE(SUM(json_extract(j.output, '$.usage.inputTokens')), 0),
    COALESCE(SUM(json_extract(j.output, '$.usage.outputTokens')), 0)
  FROM journal j JOIN runs r ON r.id = j.run_id
  WHERE j.status = 'completed' AND j.output LIKE '%baton.llm%' AND json_valid(j.output) AND json_extract(j.output, '$.kind') = 'baton.llm'
  GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET llm_calls = excluded.llm_calls, llm_cost_usd = excluded.llm_cost_usd,
    llm_input_tokens = excluded.llm_input_tokens, llm_output_tokens = excluded.llm_output_tokens;

CREATE TRIGGER run_stats_started AFTER INSERT ON runs BEGIN
  INSERT INTO run_stats (hour, namespace, workflow, started) VALUES (new.created_at - new.created_at % 3600000, new.namespace, new.workflow, 1)
  ON CONFLICT DO UPDATE SET started = started + 1;
END;

CREATE TRIGGER run_stats_ended AFTER UPDATE OF ended_at ON runs
WHEN new.ended_at IS NOT NULL AND new.ended_at IS NOT old.ended_at AND new.status IN ('completed', 'failed', 'cancelled') BEGIN
  INSERT INTO run_stats (hour, namespace, workflow, completed, failed, cancelled)
  VALUES (new.ended_at - new.ended_at % 3600000, new.namespace, new.workflow, new.status = 'completed', new.status = 'failed', new.status = 'cancelled')
  ON CONFLICT DO UPDATE SET completed = completed + excluded.completed, failed = failed + excluded.failed, cancelled = cancelled + excluded.cancelled;
  INSERT INTO run_duration_stats (hour, namespace, workflow, bin, n)
  VALUES (new.ended_at - new.ended_at % 3600000, new.namespace, new.workflow, CAST(ln(1 + MAX(0, new.ended_at - new.created_at)) / ln(1.05) AS INTEGER), 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A run written already ended (an import) counts as ended too.
CREATE TRIGGER run_stats_inserted_ended AFTER INSERT ON runs
WHEN new.ended_at IS NOT NULL AND new.status IN ('completed', 'failed', 'cancelled') BEGIN
  INSERT INTO run_stats (hour, namespace, workflow, completed, failed, cancelled)
  VALUES (new.ended_at - new.ended_at % 3600000, new.namespace, new.workflow, new.status = 'completed', new.status = 'failed', new.status = 'cancelled')
  ON CONFLICT DO UPDATE SET completed = completed + excluded.completed, failed = failed + excluded.failed, cancelled = cancelled + excluded.cancelled;
  INSERT INTO run_duration_stats (hour, namespace, workflow, bin, n)
  VALUES (new.ended_at - new.ended_at % 3600000, new.namespace, new.workflow, CAST(ln(1 + MAX(0, new.ended_at - new.created_at)) / ln(1.05) AS INTEGER), 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER run_stats_llm AFTER INSERT ON journal
WHEN new.status = 'completed' AND new.output LIKE '%baton.llm%' AND json_valid(new.output) AND json_extract(new.output, '$.kind') = 'baton.llm' BEGIN
  INSERT INTO run_stats (hour, namespace, workflow, llm_calls, llm_cost_usd, llm_input_tokens, llm_output_tokens)
  SELECT created_at - created_at % 3600000, namespace, workflow, 1,
    COALESCE(json_extract(new.output, '$.costUsd'), 0),
    COALESCE(json_extract(new.output, '$.usage.inputTokens'), 0),
    COALESCE(json_extract(new.output, '$.usage.outputTokens'), 0)
  FROM runs WHERE id = new.run_id
  ON CONFLICT DO UPDATE SET llm_calls = llm_calls + 1, llm_cost_usd = llm_cost_usd + excluded.llm_cost_usd,
    llm_input_tokens = llm_input_tokens + excluded.llm_input_tokens, llm_output_tokens = llm_output_tokens + excluded.llm_output_tokens;
END;

-- Runs waiting for a person (a signal whose name does not start with '$'), counted from an index: the
-- signals' names as SQLite writes a JSON array (["a","$b"]) contain '"' after '[' or ',' followed by
-- another character than '$' exactly when one of the names does not start with '$'.
CREATE INDEX runs_waiting_person ON runs (namespace)
  WHERE status = 'waiting' AND json_extract(waits, '$.signals') GLOB '*[[,]"[^$]*';

-- Queued runs per queue with their oldest times, read from the index alone.
CREATE INDEX runs_queued_depth ON runs (queue, namespace, created_at, ready_at) WHERE status = 'queued';
