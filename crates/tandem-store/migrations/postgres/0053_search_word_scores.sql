-- Each word's weight in its text, kept beside the word (issue 15 item 5).
-- A search ranked the newest 500 matches of its words by `ts_rank`,
-- which reads each match's row: 500 reads scattered over the table, ten
-- to fifteen milliseconds at a million tasks, for tasks and again for
-- comments. With the weight in the index of words, the window is ranked
-- from the index alone and only the best few rows are read.
--
-- A word's weight is `ts_rank` of the text for that word alone, with the
-- text's length taken into account (normalisation 1, as the search ranked
-- before): a title word (A) weighs above a description word (B), a word
-- said twice above one said once. A search of several words adds up its
-- words' weights.
CREATE FUNCTION search_word_score(doc tsvector, word text) RETURNS real
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    -- The word as one quoted lexeme: a word holds no punctuation (the
    -- texts' punctuation is blanked before they are split), escaped all
    -- the same.
    RETURN ts_rank(doc, CAST('''' || replace(replace(word, '\', '\\'), '''', '\''') || '''' AS tsquery), 1);

-- Built anew rather than updated row by row: an update would leave a dead
-- version of every row behind.
CREATE TABLE search_words_scored (
    workspace_id BIGINT NOT NULL,
    word         TEXT COLLATE "C" NOT NULL,
    of_task      BOOLEAN NOT NULL,
    ref_id       BIGINT NOT NULL,
    score        REAL NOT NULL
);
INSERT INTO search_words_scored (workspace_id, word, of_task, ref_id, score)
SELECT t.workspace_id, w.word, TRUE, t.id, search_word_score(t.search, w.word)
FROM tasks t CROSS JOIN LATERAL unnest(tsvector_to_array(t.search)) AS w(word);
INSERT INTO search_words_scored (workspace_id, word, of_task, ref_id, score)
SELECT e.workspace_id, w.word, FALSE, e.id, search_word_score(e.search, w.word)
FROM search_entries e CROSS JOIN LATERAL unnest(tsvector_to_array(e.search)) AS w(word);
DROP TABLE search_words;
ALTER TABLE search_words_scored RENAME TO search_words;
-- The weight in the key's index, so that ranking reads the index alone.
ALTER TABLE search_words ADD CONSTRAINT search_words_pkey
    PRIMARY KEY (workspace_id, word, of_task, ref_id) INCLUDE (score);

CREATE OR REPLACE FUNCTION search_words_of_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (workspace_id, word, of_task, ref_id, score)
    SELECT n.workspace_id, w.word, TG_TABLE_NAME = 'tasks', n.id, search_word_score(n.search, w.word)
    FROM new_rows n CROSS JOIN LATERAL unnest(tsvector_to_array(n.search)) AS w(word);
    RETURN NULL;
END $$;

-- A changed text changes the weight of the words it kept too (their
-- count, the text's length): the words lost go, every other is written.
CREATE OR REPLACE FUNCTION search_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    is_task BOOLEAN := TG_TABLE_NAME = 'tasks';
BEGIN
    DELETE FROM search_words s
    WHERE s.workspace_id = OLD.workspace_id AND s.of_task = is_task
      AND s.ref_id = OLD.id
      AND s.word = ANY (ARRAY(SELECT unnest(tsvector_to_array(OLD.search))
                              EXCEPT SELECT unnest(tsvector_to_array(NEW.search))));
    INSERT INTO search_words (workspace_id, word, of_task, ref_id, score)
    SELECT NEW.workspace_id, w.word, is_task, NEW.id, search_word_score(NEW.search, w.word)
    FROM unnest(tsvector_to_array(NEW.search)) AS w(word)
    ON CONFLICT (workspace_id, word, of_task, ref_id) DO UPDATE SET score = EXCLUDED.score
    WHERE search_words.score IS DISTINCT FROM EXCLUDED.score;
    RETURN NULL;
END $$;

ANALYZE search_words;
