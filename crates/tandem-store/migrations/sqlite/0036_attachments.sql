-- Files attached to tasks, projects and comments (issue 15 item 4).
--
-- A file's bytes are kept once per content, named by their SHA-256:
-- attaching the same file twice stores it once. `content` holds them
-- here, the default; it stays null where the server keeps them in an S3
-- bucket instead, under the same name.
CREATE TABLE blobs (
    hash         TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    content      BLOB,
    created_at   TEXT NOT NULL
);

-- An attachment names its subject in the column of that kind (one,
-- checked), so deleting the subject deletes its files. `project_id` is
-- for visibility: the subject's project, null on a personal task's.
-- Attaching a file under a name the subject already has adds a version:
-- the newest is the document, the older ones stay to be read.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id    INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL,
    task_id       INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    on_project    INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    comment_id    INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    hash          TEXT NOT NULL REFERENCES blobs (hash),
    uploaded_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    CHECK ((task_id IS NOT NULL) + (on_project IS NOT NULL) + (comment_id IS NOT NULL) = 1)
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
ALTER TABLE search_entries ADD COLUMN attachment_ref INTEGER REFERENCES attachments (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX search_entries_attachment ON search_entries (attachment_ref) WHERE attachment_ref IS NOT NULL;

CREATE TRIGGER search_attachment_insert AFTER INSERT ON attachments BEGIN
    DELETE FROM search_entries WHERE attachment_ref IN (
        SELECT id FROM attachments
        WHERE name = new.name AND id <> new.id
          AND task_id IS new.task_id AND on_project IS new.on_project AND comment_id IS new.comment_id);
    INSERT INTO search_entries (workspace_id, kind, attachment_ref, project_id, task_id, owner_id, title, body)
    SELECT new.workspace_id, 'attachment', new.id, new.project_id,
           CASE WHEN new.project_id IS NULL
                THEN COALESCE(new.task_id, (SELECT c.task_id FROM comments c WHERE c.id = new.comment_id)) END,
           new.uploaded_by, new.name,
           CASE WHEN new.content_type IN ('text/plain', 'text/markdown') AND new.size <= 1048576
                THEN (SELECT CAST(b.content AS TEXT) FROM blobs b WHERE b.hash = new.hash) END;
END;
-- Removing the newest version makes the one before it the document.
CREATE TRIGGER search_attachment_delete AFTER DELETE ON attachments BEGIN
    INSERT INTO search_entries (workspace_id, kind, attachment_ref, project_id, task_id, owner_id, title, body)
    SELECT a.workspace_id, 'attachment', a.id, a.project_id,
           CASE WHEN a.project_id IS NULL
                THEN COALESCE(a.task_id, (SELECT c.task_id FROM comments c WHERE c.id = a.comment_id)) END,
           a.uploaded_by, a.name,
           CASE WHEN a.content_type IN ('text/plain', 'text/markdown') AND a.size <= 1048576
                THEN (SELECT CAST(b.content AS TEXT) FROM blobs b WHERE b.hash = a.hash) END
    FROM attachments a
    WHERE a.name = old.name
      AND a.task_id IS old.task_id AND a.on_project IS old.on_project AND a.comment_id IS old.comment_id
      AND NOT EXISTS (SELECT 1 FROM attachments n WHERE n.name = a.name AND n.version > a.version
                      AND n.task_id IS a.task_id AND n.on_project IS a.on_project AND n.comment_id IS a.comment_id)
      AND NOT EXISTS (SELECT 1 FROM search_entries s WHERE s.attachment_ref = a.id);
END;
