-- A series' last date moves on each time the recurring job makes its
-- occurrence: 10,000 rows rewritten on a day of 10,000 series. With
-- `last_on` indexed, each rewrite made a new entry in both of the table's
-- indexes, and on full pages went to another page. Without the index, and
-- with half of each page kept free (as for tasks, migration 51), every one
-- is written beside the old row without touching an index (a HOT update):
-- on copies of one seeded database the job's day took the server 5 % less
-- CPU, and every one of its 10,000 updates was HOT, against none before.
--
-- The index served the job's question, which series owe a date, asked
-- once a minute: now a read of the whole table (4 ms for 10,000 series,
-- 10 ms when every one owes and is sorted), against a rewrite of an
-- index entry for every series every time it moves on. Pages already
-- full stay so until their rows move.
DROP INDEX recurrences_owing;
ALTER TABLE recurrences SET (fillfactor = 50);
