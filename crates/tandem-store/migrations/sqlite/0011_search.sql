-- Indexes for the task list's filters (issue 11 item 4): text search,
-- tags and priority, each read from an index that starts at what the
-- filter names instead of from every task of the workspace.

-- Text search: an FTS5 index of each task's title and description. It
-- keeps only the index (`content='tasks'`): the text itself is read from
-- `tasks`, so the triggers below must tell it every change, with the old
-- text on delete (FTS5 removes what that text indexed). `unicode61` folds
-- case, and `remove_diacritics 2` folds accents, so "cafe" finds "Café".
CREATE VIRTUAL TABLE tasks_fts USING fts5 (
    title, description,
    content = 'tasks', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
END;
-- Most updates change neither text (status, dates, order on the board).
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description ON tasks
    WHEN old.title IS NOT new.title OR old.description IS NOT new.description
BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO tasks_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
-- Backfill: index every existing task.
INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild');

-- Tags carry their task's workspace, so a tag filter reads one
-- workspace's tasks of that tag, in id order, from one index range (the
-- old index of (tag, task_id) mixed every workspace's). SQLite cannot add
-- a NOT NULL column without a default, so the table is rebuilt. No
-- foreign key on the workspace: deleting the task deletes its tags.
CREATE TABLE task_tags_new (
    task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag          TEXT NOT NULL,
    workspace_id INTEGER NOT NULL,
    PRIMARY KEY (task_id, tag)
);
INSERT INTO task_tags_new (task_id, tag, workspace_id)
SELECT tt.task_id, tt.tag, t.workspace_id FROM task_tags tt JOIN tasks t ON t.id = tt.task_id;
DROP TABLE task_tags;
ALTER TABLE task_tags_new RENAME TO task_tags;
CREATE INDEX task_tags_workspace_tag ON task_tags (workspace_id, tag, task_id);

-- A priority filter reads that priority's tasks in id order, as
-- `tasks_status` does for a status.
CREATE INDEX tasks_priority ON tasks (workspace_id, priority, id);

-- Tasks by due date, with what the visibility of a task reads: a page
-- in due order reads the index in its order (`id` breaks ties), and a
-- range of due dates in id order picks its page's ids from the index
-- alone, sorting ids instead of looking up every task in the range (a
-- 60-day range of 100,000 tasks took 200 ms).
DROP INDEX tasks_due;
CREATE INDEX tasks_due_visible ON tasks (workspace_id, due_date, id, project_id, owner_id, created_by);
