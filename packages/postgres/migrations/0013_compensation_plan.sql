-- The steps a compensating run undoes, in order, as JSON [{ "seq", "name" }]: written when
-- compensation begins, cleared when the run is requeued.
-- Applied with search_path set to the deployment's schema.

ALTER TABLE runs ADD COLUMN compensation_plan TEXT;

-- The group commit of 0010_step_input.sql stays as it is, under another name; apply_batch calls it,
-- then writes the plans of the compensations it let through (rare: once per compensating run).
ALTER FUNCTION apply_batch(jsonb, bigint, text) RENAME TO apply_batch_0010;

CREATE FUNCTION apply_batch(p jsonb, p_now bigint, p_channel text) RETURNS jsonb
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  v_outcome jsonb := apply_batch_0010(p, p_now, p_channel);
BEGIN
  IF jsonb_array_length(p -> 'compensate') > 0 THEN
    UPDATE runs r SET compensation_plan = c.plan
    FROM jsonb_to_recordset(p -> 'compensate') AS c(i int, id text, plan text)
    WHERE r.id = c.id AND c.i IN (SELECT jsonb_array_elements_text(v_outcome -> 'live')::int);
  END IF;
  RETURN v_outcome;
END;
$fn$;
