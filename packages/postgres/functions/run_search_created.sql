-- The search index: each new run's id and the start of its input (statement trigger on runs).
CREATE OR REPLACE FUNCTION run_search_created() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  INSERT INTO run_search (run_id, input_head) SELECT id, left(input, 2048) FROM new_runs;
  RETURN NULL;
END $fn$;
