-- SQLite's text indexes gain prefix terms up to eight characters here
-- (see its migration 54). PostgreSQL finds the words a prefix begins in
-- its index of words (migration 52): nothing to add. The versions of both
-- backends count up together.
SELECT 1;
