-- The group commit: applies a whole batch of write ops in one statement, set-based and fenced by
-- lease tokens: runs created (queued, or eager starts created already claimed), journal entries,
-- consumed signals, step retries, child runs, progress, compensations with their plans, ends,
-- suspends, releases, audit entries and inbox claims; sends the commit's notices. Returns the ops' outcomes (op
-- indexes by outcome) and the runs the commit made ready or ended. One function, so a commit is one
-- PL/pgSQL call (it was two before migration 0020 folded apply_batch_0010 into it).
CREATE OR REPLACE FUNCTION apply_batch(p jsonb, p_now bigint, p_channel text) RETURNS jsonb
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  v_exists int[] := '{}';
  v_queued int[] := '{}';
  v_live int[] := '{}';
  v_woken int[] := '{}';
  v_ready text[] := '{}';
  v_finished jsonb := '[]';
  v_notices text[];
BEGIN
  -- 1. Runs created by these ops: queued starts, or eager starts created already claimed (live).
  IF jsonb_array_length(p -> 'creates') > 0 THEN
    WITH c AS (
      SELECT * FROM jsonb_to_recordset(p -> 'creates') AS c(i int, id text, workflow text, version text, input text, queue text, priority int,
        parent_id text, parent_seq int, continued_from text, concurrency_key text, concurrency_limit int, rate_key text, rate_limit text,
        namespace text, tags text, owner text, token text, expires bigint)
    ), ins AS (
      INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
        concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags,
        lease_owner, lease_token, lease_expires_at, ready_at, claims, created_at, updated_at, started_at)
      SELECT c.id, c.workflow, c.version, CASE WHEN c.owner IS NULL THEN 'queued' ELSE 'running' END, c.input, c.queue, c.priority,
        c.parent_id, c.parent_seq, c.continued_from, c.concurrency_key, c.concurrency_limit, c.rate_key, c.rate_limit,
        COALESCE(c.namespace, 'default'), c.tags, c.owner, c.token, CASE WHEN c.owner IS NULL THEN NULL ELSE COALESCE(c.expires, p_now) END, COALESCE(c.expires, p_now),
        CASE WHEN c.owner IS NULL THEN 0 ELSE 1 END, p_now, p_now, CASE WHEN c.owner IS NULL THEN NULL ELSE p_now END
      FROM c
      ON CONFLICT (id) DO NOTHING RETURNING id
    )
    -- Two creates of one id in a batch: the first (lowest i) made the run, the other found it.
    SELECT COALESCE(array_agg(c.i) FILTER (WHERE ins.id IS NULL), '{}'),
           COALESCE(array_agg(c.i) FILTER (WHERE ins.id IS NOT NULL AND c.owner IS NULL), '{}'),
           COALESCE(array_agg(c.i) FILTER (WHERE ins.id IS NOT NULL AND c.owner IS NOT NULL), '{}'),
           COALESCE(array_agg(c.id) FILTER (WHERE ins.id IS NOT NULL AND c.owner IS NULL), '{}')
      INTO v_exists, v_queued, v_live, v_ready
      FROM (SELECT c.*, c.i = MIN(c.i) OVER (PARTITION BY c.id) AS first FROM c) c
      LEFT JOIN ins ON ins.id = c.id AND c.first;
  END IF;

  -- 2. Fencing: lock every other run written to, in id order (so batches never deadlock), then keep
  --    the ops whose lease token still holds on a running run.
  --    One statement: the rows are locked in id order and then compared as they are once locked.
  IF jsonb_array_length(p -> 'fenced') > 0 THEN
    v_live := v_live || COALESCE((
      SELECT array_agg(f.i) FROM jsonb_to_recordset(p -> 'fenced') AS f(i int, id text, token text)
      JOIN (SELECT id, lease_token, status FROM runs
            WHERE id IN (SELECT f.id FROM jsonb_to_recordset(p -> 'fenced') AS f(id text)) ORDER BY id FOR UPDATE) r
        ON r.id = f.id AND r.lease_token = f.token AND r.status = 'running'), '{}');
  END IF;

  -- 3. Rows the live ops add.
  IF jsonb_array_length(p -> 'journal') > 0 THEN
    INSERT INTO journal (run_id, seq, kind, name, status, input, output, error, attempts, started_at, ended_at, compensates)
    SELECT j.run_id, j.seq, j.kind, j.name, j.status, j.input, j.output, j.error, j.attempts, j.started_at, j.ended_at, j.compensates
    FROM jsonb_to_recordset(p -> 'journal') AS j(i int, run_id text, seq int, kind text, name text, status text, input text, output text,
      error text, attempts int, started_at bigint, ended_at bigint, compensates int)
    WHERE j.i = ANY(v_live);
  END IF;
  IF jsonb_array_length(p -> 'consumed') > 0 THEN
    UPDATE signals s SET consumed = 1
    FROM jsonb_to_recordset(p -> 'consumed') AS c(i int, run_id text, id bigint)
    WHERE c.i = ANY(v_live) AND s.id = c.id AND s.run_id = c.run_id AND s.consumed = 0;
  END IF;
  IF jsonb_array_length(p -> 'retries') > 0 THEN
    -- The last record per (run, position) wins (n numbers the rows): one statement may not update a row twice.
    INSERT INTO step_retries (run_id, seq, attempts, next_attempt_at, error)
    SELECT DISTINCT ON (r.run_id, r.seq) r.run_id, r.seq, r.attempts, r.next_attempt_at, r.error
    FROM jsonb_to_recordset(p -> 'retries') AS r(i int, run_id text, seq int, attempts int, next_attempt_at bigint, error text, n bigint)
    WHERE r.i = ANY(v_live)
    ORDER BY r.run_id, r.seq, r.n DESC
    ON CONFLICT (run_id, seq) DO UPDATE SET attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, error = excluded.error;
  END IF;
  IF jsonb_array_length(p -> 'newRuns') > 0 THEN
    WITH ins AS (
      INSERT INTO runs (id, workflow, version, status, input, queue, priority, parent_id, parent_seq, continued_from,
        concurrency_key, concurrency_limit, rate_key, rate_limit, namespace, tags, ready_at, created_at, updated_at)
      SELECT n.id, n.workflow, n.version, 'queued', n.input, n.queue, n.priority, n.parent_id, n.parent_seq, n.continued_from,
        n.concurrency_key, n.concurrency_limit, n.rate_key, n.rate_limit, COALESCE(n.namespace, 'default'), n.tags, p_now, p_now, p_now
      FROM jsonb_to_recordset(p -> 'newRuns') AS n(i int, id text, workflow text, version text, input text, queue text, priority int,
        parent_id text, parent_seq int, continued_from text, concurrency_key text, concurrency_limit int, rate_key text, rate_limit text,
        namespace text, tags text)
      WHERE n.i = ANY(v_live)
      ON CONFLICT (id) DO NOTHING RETURNING id
    )
    SELECT v_ready || COALESCE(array_agg(ins.id), '{}') INTO v_ready FROM ins;
  END IF;

  -- 4. Changes to the runs themselves. A run that leaves 'running' (ends, waits, is released) frees
  --    its concurrency slot: engines waiting for one are told to look again.
  IF jsonb_array_length(p -> 'finishes') + jsonb_array_length(p -> 'suspends') + jsonb_array_length(p -> 'releases') > 0 THEN
    SELECT v_ready || COALESCE(array_agg(r.id), '{}') INTO v_ready
    FROM runs r
    WHERE r.id IN (SELECT x.id FROM jsonb_to_recordset(p -> 'finishes') AS x(i int, id text) WHERE x.i = ANY(v_live)
                   UNION ALL SELECT x.id FROM jsonb_to_recordset(p -> 'suspends') AS x(i int, id text) WHERE x.i = ANY(v_live)
                   UNION ALL SELECT x.id FROM jsonb_to_recordset(p -> 'releases') AS x(i int, id text) WHERE x.i = ANY(v_live))
      AND (r.concurrency_key IS NOT NULL OR r.queue IN (SELECT q.name FROM queues q WHERE q.concurrency IS NOT NULL));
  END IF;

  IF jsonb_array_length(p -> 'progress') > 0 THEN
    UPDATE runs r SET progress = g.progress, updated_at = p_now
    FROM (SELECT DISTINCT ON (g.id) g.id, g.progress
          FROM jsonb_to_recordset(p -> 'progress') AS g(i int, id text, progress text, n bigint)
          WHERE g.i = ANY(v_live) ORDER BY g.id, g.n DESC) g
    WHERE r.id = g.id;
  END IF;
  IF jsonb_array_length(p -> 'compensate') > 0 THEN
    UPDATE runs r SET phase = 'compensating', end_status = c.end_status, error = c.error, compensation_plan = c.plan, updated_at = p_now
    FROM jsonb_to_recordset(p -> 'compensate') AS c(i int, id text, end_status text, error text, plan text)
    WHERE c.i = ANY(v_live) AND r.id = c.id;
  END IF;
  IF jsonb_array_length(p -> 'finishes') > 0 THEN
    DECLARE
      v_parents jsonb;
    BEGIN
      WITH f AS (
        SELECT * FROM jsonb_to_recordset(p -> 'finishes') AS f(i int, id text, status text, output text, error text, continued_to text, wakes_parent boolean)
        WHERE f.i = ANY(v_live)
      ), ended AS (
        UPDATE runs r SET status = f.status, output = f.output, error = COALESCE(f.error, r.error), continued_to = f.continued_to,
          ready_at = NULL, wake_at = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, ended_at = p_now, updated_at = p_now
        FROM f WHERE r.id = f.id
        RETURNING r.id, r.status, r.parent_id, f.wakes_parent
      )
      SELECT COALESCE(jsonb_agg(jsonb_build_array(id, status)), '[]'),
             COALESCE(jsonb_agg(jsonb_build_array(parent_id, id)) FILTER (WHERE wakes_parent AND parent_id IS NOT NULL), '[]')
        INTO v_finished, v_parents FROM ended;
      DELETE FROM step_retries WHERE run_id IN (SELECT e ->> 0 FROM jsonb_array_elements(v_finished) e);
      -- Runs held until one of these ended (a schedule's next run) are ready now.
      WITH released AS (
        UPDATE runs r SET ready_at = p_now, updated_at = p_now
        WHERE r.after_run IN (SELECT e ->> 0 FROM jsonb_array_elements(v_finished) e) AND r.status = 'queued' AND r.ready_at IS NULL
        RETURNING r.id
      )
      SELECT v_ready || COALESCE(array_agg(released.id), '{}') INTO v_ready FROM released;
      IF jsonb_array_length(v_parents) > 0 THEN
        -- Lock the parents first: a parent suspending right now either sees its child ended, or is woken here.
        PERFORM 1 FROM runs WHERE id IN (SELECT e ->> 0 FROM jsonb_array_elements(v_parents) e) ORDER BY id FOR UPDATE;
        WITH woke AS (
          UPDATE runs r SET ready_at = p_now, updated_at = p_now
          WHERE r.status = 'waiting' AND EXISTS (
            SELECT 1 FROM jsonb_array_elements(v_parents) e WHERE e ->> 0 = r.id AND (r.waits::jsonb -> 'children') ? (e ->> 1))
          RETURNING r.id
        )
        SELECT v_ready || COALESCE(array_agg(woke.id), '{}') INTO v_ready FROM woke;
      END IF;
    END;
  END IF;
  IF jsonb_array_length(p -> 'suspends') > 0 THEN
    -- A suspend whose wake condition already holds (a cancel, a due time, a signal or an ended child
    -- it waits for) leaves the run waiting but ready at once.
    WITH s AS (
      SELECT s.i, s.id, s.waits, s.wake_at, (
          r.cancel_requested = 1
          OR (s.wake_at IS NOT NULL AND s.wake_at <= p_now)
          OR EXISTS (SELECT 1 FROM signals g WHERE g.run_id = s.id AND g.consumed = 0
                     AND g.name IN (SELECT jsonb_array_elements_text(s.waits::jsonb -> 'signals')))
          OR EXISTS (SELECT 1 FROM runs c WHERE c.id IN (SELECT jsonb_array_elements_text(s.waits::jsonb -> 'children'))
                     AND c.status IN ('completed', 'failed', 'cancelled'))
        ) AS woken
      FROM jsonb_to_recordset(p -> 'suspends') AS s(i int, id text, waits text, wake_at bigint)
      JOIN runs r ON r.id = s.id
      WHERE s.i = ANY(v_live)
    ), upd AS (
      UPDATE runs r SET status = 'waiting', wake_at = s.wake_at, waits = s.waits, ready_at = CASE WHEN s.woken THEN p_now ELSE s.wake_at END,
        lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = p_now
      FROM s WHERE r.id = s.id
      RETURNING s.i, s.id, s.woken
    )
    SELECT COALESCE(array_agg(upd.i) FILTER (WHERE upd.woken), '{}'), v_ready || COALESCE(array_agg(upd.id) FILTER (WHERE upd.woken), '{}')
      INTO v_woken, v_ready FROM upd;
  END IF;
  IF jsonb_array_length(p -> 'releases') > 0 THEN
    WITH rel AS (
      -- With new limits (`relimit`) the run also counts as never started, so the next claim admits it within them.
      UPDATE runs r SET status = 'queued', ready_at = p_now, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = p_now,
        concurrency_key = CASE WHEN l.relimit THEN l.concurrency_key ELSE r.concurrency_key END,
        concurrency_limit = CASE WHEN l.relimit THEN l.concurrency_limit ELSE r.concurrency_limit END,
        rate_key = CASE WHEN l.relimit THEN l.rate_key ELSE r.rate_key END,
        rate_limit = CASE WHEN l.relimit THEN l.rate_limit ELSE r.rate_limit END,
        claims = CASE WHEN l.relimit THEN 0 ELSE r.claims END,
        started_at = CASE WHEN l.relimit THEN NULL ELSE r.started_at END
      FROM jsonb_to_recordset(p -> 'releases') AS l(i int, id text, relimit boolean, concurrency_key text, concurrency_limit int, rate_key text, rate_limit text)
      WHERE l.i = ANY(v_live) AND r.id = l.id
      RETURNING r.id
    )
    SELECT v_ready || COALESCE(array_agg(rel.id), '{}') INTO v_ready FROM rel;
  END IF;

  -- 5. The audit entries of the ops that applied (audited starts).
  IF jsonb_array_length(COALESCE(p -> 'audit', '[]')) > 0 THEN
    INSERT INTO audit_log (actor, namespace, action, target, result, detail, at)
    SELECT a.actor, a.namespace, a.action, a.target, a.result, a.detail, a.at
    FROM jsonb_to_recordset(p -> 'audit') AS a(i int, actor text, namespace text, action text, target text, result text, detail text, at bigint)
    WHERE a.i = ANY(v_live) OR a.i = ANY(v_queued);
  END IF;
  -- The inbox claims of the ops that applied (an escalation's reassign stage); the last one of a run wins.
  IF jsonb_array_length(COALESCE(p -> 'claims', '[]')) > 0 THEN
    INSERT INTO inbox_claims (run_id, assignee, claimed_by, claimed_at)
    SELECT DISTINCT ON (c.run_id) c.run_id, c.assignee, c.claimed_by, c.claimed_at
    FROM jsonb_to_recordset(p -> 'claims') AS c(i int, run_id text, assignee text, claimed_by text, claimed_at bigint)
    WHERE c.i = ANY(v_live)
    ORDER BY c.run_id, c.i DESC
    ON CONFLICT (run_id) DO UPDATE SET assignee = excluded.assignee, claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at;
  END IF;

  -- 6. Notices to every listening process, sent at commit (hints only: engines also poll). Past 50
  --    per-run notices one "look again" stands for all of them.
  --    A commit that made nothing ready and ended nothing (most journal writes) has none to send.
  IF p_channel IS NOT NULL AND (cardinality(v_ready) > 0 OR jsonb_array_length(v_finished) > 0) THEN
    SELECT array_agg(n) INTO v_notices FROM (
      SELECT 'ready' AS n WHERE cardinality(v_ready) > 0
      UNION ALL
      SELECT DISTINCT 'finished:' || (e ->> 1) || ':' || (e ->> 0) FROM jsonb_array_elements(v_finished) e
    ) notices;
    IF cardinality(v_notices) > 50 THEN
      v_notices := ARRAY['ready', 'finished:*'];
    END IF;
    PERFORM pg_notify(p_channel, n) FROM unnest(v_notices) n;
  END IF;

  RETURN jsonb_build_object('exists', v_exists, 'queued', v_queued, 'live', v_live, 'woken', v_woken, 'ready', v_ready, 'finished', v_finished);
END;
$fn$;
