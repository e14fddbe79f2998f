-- The steps a compensating run undoes, in order, as JSON [{ "seq", "name" }]: written when
-- compensation begins, cleared when the run is requeued.
ALTER TABLE runs ADD COLUMN compensation_plan TEXT;
