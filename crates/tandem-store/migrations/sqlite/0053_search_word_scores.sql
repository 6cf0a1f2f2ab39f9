-- PostgreSQL's migration 53 keeps each word's weight in its index of
-- words, so that its search ranks without reading the rows. SQLite's
-- FTS5 ranks from its own index (`bm25`): nothing to do, the number kept
-- so both backends count the same migrations.
SELECT 1;
