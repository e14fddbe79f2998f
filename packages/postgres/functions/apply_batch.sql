-- The group commit: applies a whole batch of write ops in one statement (fenced by lease tokens) by
-- calling apply_batch_0010, then writes the plans of the compensations it let through; returns the
-- ops' outcomes and the runs made ready or ended, and sends the commit's notices.
CREATE OR REPLACE FUNCTION apply_batch(p jsonb, p_now bigint, p_channel text) RETURNS jsonb
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
