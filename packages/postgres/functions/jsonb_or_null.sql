-- A payload as jsonb, or NULL when it is not JSON (the overview reads model calls' results with it).
CREATE OR REPLACE FUNCTION jsonb_or_null(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $fn$;
