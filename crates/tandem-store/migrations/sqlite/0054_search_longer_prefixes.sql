-- Beginnings of words up to eight characters as terms of their own (issue
-- 15 item 5). A search's last word is read as a prefix, and FTS5 answers a
-- prefix longer than its prefix indexes by merging the matches of every
-- word it begins, whole, before it hands over the newest: a word as
-- common as one task in six, typed in full, took 10 ms to merge where its
-- own term is read in 0.3 ms, and a two-word search paid it for its last
-- word. With prefix indexes up to eight characters, such a word is one
-- term read newest first; the index of the tasks grew from 152 to 332 MB
-- at a million tasks. Both text indexes are made again from the rows they
-- index (about 25 s a million); their triggers name them and go on
-- working.
DROP TABLE tasks_fts;
CREATE VIRTUAL TABLE tasks_fts USING fts5 (
    title, description,
    content = 'tasks', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4 5 6 7 8'
);
INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild');

DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, body,
    content = 'search_entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4 5 6 7 8'
);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
