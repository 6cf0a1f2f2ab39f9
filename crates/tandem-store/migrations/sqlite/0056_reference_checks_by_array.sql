-- PostgreSQL's migration 56 rewrites its statement checks of references
-- (its migration 55); SQLite keeps its foreign keys, a lookup each that
-- costs little in process: nothing to do, the number kept so both
-- backends count the same migrations.
SELECT 1;
