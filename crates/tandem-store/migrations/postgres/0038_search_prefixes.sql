-- SQLite's text indexes gain prefix terms here (see its migration 38).
-- PostgreSQL's GIN index finds the words a prefix begins in its own
-- sorted list of words: nothing to add. The versions of both backends
-- count up together.
SELECT 1;
