-- A run duration's bin in the overview's duration histogram (bins 5% wide).
CREATE OR REPLACE FUNCTION duration_bin(ms bigint) RETURNS int LANGUAGE sql IMMUTABLE AS $fn$
  SELECT floor(ln((1 + greatest(0, ms))::float8) / ln(1.05::float8))::int
$fn$;
