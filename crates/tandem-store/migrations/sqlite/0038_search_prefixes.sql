-- Short beginnings of words as terms of their own (issue 15 item 5):
-- FTS5 answers a prefix by merging every word that begins with it, whole,
-- before it can read one match; "ka" merged 457,000 tasks' worth at a
-- million tasks (0.3 to 0.6 s). With prefix indexes of two and three
-- characters, such a beginning is one term, read like a word (24 ms);
-- longer beginnings begin few words. Both text indexes are made again
-- with them, from the rows they index (20 s at a million tasks); their
-- triggers name them and go on working.
DROP TABLE tasks_fts;
CREATE VIRTUAL TABLE tasks_fts USING fts5 (
    title, description,
    content = 'tasks', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild');

DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, body,
    content = 'search_entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
