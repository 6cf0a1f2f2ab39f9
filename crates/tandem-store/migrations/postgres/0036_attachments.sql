-- Files attached to tasks, projects and comments (issue 15 item 4).
--
-- A file's bytes are kept once per content, named by their SHA-256:
-- attaching the same file twice stores it once. `content` holds them
-- here, the default; it stays null where the server keeps them in an S3
-- bucket instead, under the same name.
CREATE TABLE blobs (
    hash         TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    content      BYTEA,
    created_at   TIMESTAMPTZ NOT NULL
);

-- An attachment names its subject in the column of that kind (one,
-- checked), so deleting the subject deletes its files. `project_id` is
-- for visibility: the subject's project, null on a personal task's.
-- Attaching a file under a name the subject already has adds a version:
-- the newest is the document, the older ones stay to be read.
CREATE TABLE attachments (
    id            BIGSERIAL PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL,
    task_id       BIGINT REFERENCES tasks (id) ON DELETE CASCADE,
    on_project    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    comment_id    BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    version       BIGINT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    hash          TEXT NOT NULL REFERENCES blobs (hash),
    uploaded_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK (num_nonnulls(task_id, on_project, comment_id) = 1)
);
CREATE UNIQUE INDEX attachments_task ON attachments (task_id, name, version) WHERE task_id IS NOT NULL;
CREATE UNIQUE INDEX attachments_project ON attachments (on_project, name, version) WHERE on_project IS NOT NULL;
CREATE UNIQUE INDEX attachments_comment ON attachments (comment_id, name, version) WHERE comment_id IS NOT NULL;
CREATE INDEX attachments_hash ON attachments (hash);

-- The search finds a document by its name, and a text document (plain
-- or Markdown, under a megabyte) by its words: the newest version of
-- each name only, so a document is one hit. Its visibility is its
-- subject's: the project's, or for a personal task's file (or a file on
-- a comment on one) that task.
ALTER TABLE search_entries ADD COLUMN attachment_ref BIGINT REFERENCES attachments (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX search_entries_attachment ON search_entries (attachment_ref) WHERE attachment_ref IS NOT NULL;

-- Indexes the newest version of the document `a` belongs to.
CREATE FUNCTION search_document(a attachments) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    newest attachments;
    words TEXT;
BEGIN
    SELECT * INTO newest FROM attachments n
    WHERE n.name = a.name AND n.task_id IS NOT DISTINCT FROM a.task_id
      AND n.on_project IS NOT DISTINCT FROM a.on_project
      AND n.comment_id IS NOT DISTINCT FROM a.comment_id
    ORDER BY n.version DESC LIMIT 1;
    DELETE FROM search_entries WHERE attachment_ref IN (
        SELECT id FROM attachments n
        WHERE n.name = a.name AND n.task_id IS NOT DISTINCT FROM a.task_id
          AND n.on_project IS NOT DISTINCT FROM a.on_project
          AND n.comment_id IS NOT DISTINCT FROM a.comment_id);
    IF newest.id IS NULL THEN
        RETURN;
    END IF;
    IF newest.content_type IN ('text/plain', 'text/markdown') AND newest.size <= 1048576 THEN
        BEGIN
            SELECT convert_from(b.content, 'UTF8') INTO words FROM blobs b WHERE b.hash = newest.hash;
        EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
            -- Not UTF-8 text after all: found by its name only.
            words := NULL;
        END;
    END IF;
    INSERT INTO search_entries (workspace_id, kind, attachment_ref, project_id, task_id, owner_id, title, body)
    VALUES (newest.workspace_id, 'attachment', newest.id, newest.project_id,
            CASE WHEN newest.project_id IS NULL
                 THEN COALESCE(newest.task_id, (SELECT c.task_id FROM comments c WHERE c.id = newest.comment_id)) END,
            newest.uploaded_by, newest.name, words);
END $$;

CREATE FUNCTION search_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_document(OLD);
    ELSE
        PERFORM search_document(NEW);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_attachment AFTER INSERT OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION search_attachment();
