-- Comments on status updates too (issue 15 item 1): a sixth subject
-- column. SQLite cannot change a CHECK, so the table is built anew with
-- its rows; the runner does not enforce foreign keys while migrating
-- (dropping the old table would delete every edit, reaction, file and
-- search entry of a comment) and checks them all before it commits.
CREATE TABLE comments_new (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The project it belongs to, for visibility; null on a personal task,
    -- a goal, or an update of a portfolio or a goal.
    project_id       INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    subject_kind     TEXT NOT NULL,
    task_id          INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    milestone_id     INTEGER REFERENCES milestones (id) ON DELETE CASCADE,
    risk_id          INTEGER REFERENCES risks (id) ON DELETE CASCADE,
    goal_id          INTEGER REFERENCES goals (id) ON DELETE CASCADE,
    on_project       INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    status_update_id INTEGER REFERENCES status_updates (id) ON DELETE CASCADE,
    parent_id        INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    author_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body             TEXT,
    created_at       TEXT NOT NULL,
    edited_at        TEXT,
    deleted_at       TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    CHECK ((task_id IS NOT NULL) + (milestone_id IS NOT NULL) + (risk_id IS NOT NULL)
           + (goal_id IS NOT NULL) + (on_project IS NOT NULL)
           + (status_update_id IS NOT NULL) = 1)
);
INSERT INTO comments_new (id, workspace_id, project_id, subject_kind, task_id, milestone_id,
                          risk_id, goal_id, on_project, parent_id, author_id, body, created_at,
                          edited_at, deleted_at, version)
SELECT id, workspace_id, project_id, subject_kind, task_id, milestone_id, risk_id, goal_id,
       on_project, parent_id, author_id, body, created_at, edited_at, deleted_at, version
FROM comments;
DROP TABLE comments;
-- Triggers of other tables (a file's search entry) name comments; the
-- legacy rename leaves them be, and they find the new table by its name.
PRAGMA legacy_alter_table = ON;
ALTER TABLE comments_new RENAME TO comments;
PRAGMA legacy_alter_table = OFF;

CREATE INDEX comments_task ON comments (task_id, id) WHERE task_id IS NOT NULL;
CREATE INDEX comments_milestone ON comments (milestone_id, id) WHERE milestone_id IS NOT NULL;
CREATE INDEX comments_risk ON comments (risk_id, id) WHERE risk_id IS NOT NULL;
CREATE INDEX comments_goal ON comments (goal_id, id) WHERE goal_id IS NOT NULL;
CREATE INDEX comments_project ON comments (on_project, id) WHERE on_project IS NOT NULL;
CREATE INDEX comments_status_update ON comments (status_update_id, id) WHERE status_update_id IS NOT NULL;
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

-- The search's triggers went with the old table (as in 0035).
CREATE TRIGGER search_comment_insert AFTER INSERT ON comments WHEN new.body IS NOT NULL BEGIN
    INSERT INTO search_entries (workspace_id, kind, comment_ref, project_id, task_id, owner_id, title, body)
    VALUES (new.workspace_id, 'comment', new.id, new.project_id,
            CASE WHEN new.project_id IS NULL THEN new.task_id END, new.author_id, '', new.body);
END;
CREATE TRIGGER search_comment_update AFTER UPDATE OF body, project_id ON comments BEGIN
    DELETE FROM search_entries WHERE comment_ref = new.id;
    INSERT INTO search_entries (workspace_id, kind, comment_ref, project_id, task_id, owner_id, title, body)
    SELECT new.workspace_id, 'comment', new.id, new.project_id,
           CASE WHEN new.project_id IS NULL THEN new.task_id END, new.author_id, '', new.body
    WHERE new.body IS NOT NULL;
END;

-- What an inbox item or a follow is about can be an update as well.
ALTER TABLE notifications ADD COLUMN status_update_id INTEGER REFERENCES status_updates (id) ON DELETE CASCADE;
ALTER TABLE follows ADD COLUMN status_update_id INTEGER REFERENCES status_updates (id) ON DELETE CASCADE;
