-- Each word of each searchable text, in word order and, within a word,
-- newest first (issue 15 item 5). A GIN index hands over every match of
-- a word at once and in no order, so the newest 500 matches of a word in
-- a sixth of a million tasks meant reading all of them (450 ms at the
-- p95). Here a word's newest matches are the first entries of one range
-- of a B-tree, read in order and left as soon as a search has its
-- window; a prefix is the words that begin with it, found by skipping
-- from one word to the next in the same index.
--
-- A row is one lexeme of `tasks.search` (`of_task`) or of
-- `search_entries.search`, so a search read here matches exactly what
-- `@@` would. Kept by the triggers below in the transaction of the write.
-- No foreign key: a task's forty-odd words would each check it; the
-- delete triggers take the words away instead. The words compare
-- byte by byte (`C`), so a prefix is one range whatever the database's
-- collation.
CREATE TABLE search_words (
    workspace_id BIGINT NOT NULL,
    word         TEXT COLLATE "C" NOT NULL,
    of_task      BOOLEAN NOT NULL,
    ref_id       BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, word, of_task, ref_id)
);

-- New rows, of either table (`of_task` from the table's name).
CREATE FUNCTION search_words_of_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (workspace_id, word, of_task, ref_id)
    SELECT n.workspace_id, w.word, TG_TABLE_NAME = 'tasks', n.id
    FROM new_rows n CROSS JOIN LATERAL unnest(tsvector_to_array(n.search)) AS w(word);
    RETURN NULL;
END $$;
CREATE TRIGGER search_words_of_new_tasks AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_of_new_rows();
CREATE TRIGGER search_words_of_new_entries AFTER INSERT ON search_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_of_new_rows();

-- A changed text: the words it lost go, the words it gained come. Fired
-- only by an update that sets the text, and only when its words changed
-- (a task's levelling, progress or version rewrites the row, not this).
CREATE FUNCTION search_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    is_task BOOLEAN := TG_TABLE_NAME = 'tasks';
BEGIN
    DELETE FROM search_words s
    WHERE s.workspace_id = OLD.workspace_id AND s.of_task = is_task
      AND s.ref_id = OLD.id
      AND s.word = ANY (ARRAY(SELECT unnest(tsvector_to_array(OLD.search))
                              EXCEPT SELECT unnest(tsvector_to_array(NEW.search))));
    INSERT INTO search_words (workspace_id, word, of_task, ref_id)
    SELECT NEW.workspace_id, w.word, is_task, NEW.id
    FROM (SELECT unnest(tsvector_to_array(NEW.search))
          EXCEPT SELECT unnest(tsvector_to_array(OLD.search))) AS w(word);
    RETURN NULL;
END $$;
CREATE TRIGGER search_words_changed AFTER UPDATE OF title, description ON tasks
    FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search)
    EXECUTE FUNCTION search_words_changed();
CREATE TRIGGER search_words_changed AFTER UPDATE OF title, body ON search_entries
    FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search)
    EXECUTE FUNCTION search_words_changed();

-- Deleted rows (by hand, or by a project's or workspace's cascade) take
-- their words with them, found by their words.
CREATE FUNCTION search_words_of_old_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_words s
    USING old_rows o CROSS JOIN LATERAL unnest(tsvector_to_array(o.search)) AS w(word)
    WHERE s.workspace_id = o.workspace_id AND s.word = w.word
      AND s.of_task = (TG_TABLE_NAME = 'tasks') AND s.ref_id = o.id;
    RETURN NULL;
END $$;
CREATE TRIGGER search_words_of_old_tasks AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_of_old_rows();
CREATE TRIGGER search_words_of_old_entries AFTER DELETE ON search_entries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_of_old_rows();

-- What exists now.
INSERT INTO search_words (workspace_id, word, of_task, ref_id)
SELECT t.workspace_id, w.word, TRUE, t.id
FROM tasks t CROSS JOIN LATERAL unnest(tsvector_to_array(t.search)) AS w(word);
INSERT INTO search_words (workspace_id, word, of_task, ref_id)
SELECT e.workspace_id, w.word, FALSE, e.id
FROM search_entries e CROSS JOIN LATERAL unnest(tsvector_to_array(e.search)) AS w(word);
ANALYZE search_words;
