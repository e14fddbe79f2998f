-- What each journal entry worked on (a step's input, a compensation's step result), encoded like
-- its output; NULL for entries without one. Set-aside entries keep theirs.
ALTER TABLE journal ADD COLUMN input TEXT;
ALTER TABLE journal_history ADD COLUMN input TEXT;
