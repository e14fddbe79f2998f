-- The runs list's search (text in a run's id or input) reads a trigram index: every run's id and the
-- first 2,048 characters of its input (SEARCHED_INPUT_CHARS), split into three-character pieces, case
-- folded. A contentless table: it keeps only the index; rows are found by the run's rowid.
--
-- Runs are indexed after they are written, a chunk at a time, by the store in the background (an
-- index written in every start's transaction would cost each start several times its own writes).
-- `indexed_to` is the highest rowid indexed; a search reads the index up to it and scans the runs
-- after it, so every run is found from the moment it exists.
CREATE VIRTUAL TABLE runs_search USING fts5(run_id, run_input, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TABLE runs_search_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_to INTEGER NOT NULL
);
INSERT INTO runs_search_state (id, indexed_to) VALUES (1, 0);

CREATE TRIGGER runs_search_delete AFTER DELETE ON runs WHEN old.rowid <= (SELECT indexed_to FROM runs_search_state) BEGIN
  DELETE FROM runs_search WHERE rowid = old.rowid;
END;
