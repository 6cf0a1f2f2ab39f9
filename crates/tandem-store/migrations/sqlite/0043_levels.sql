-- Work that changes level (issue 16 item 2): a task promoted to a project
-- stays where it was and points at the project its work became; the
-- project remembers the task it came from, so a demotion can put the
-- work back under it.
ALTER TABLE tasks ADD COLUMN promoted_to INTEGER REFERENCES projects (id) ON DELETE SET NULL;
ALTER TABLE projects ADD COLUMN promoted_from INTEGER REFERENCES tasks (id) ON DELETE SET NULL;

-- Keys a task had before it moved to another project: an old key still
-- finds the task, even once its project is gone (a demoted project's
-- keys too). `project_id` is the project while it exists: only there is
-- the number the task's own to take back when it returns.
CREATE TABLE task_former_keys (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_key  TEXT NOT NULL,
    number       INTEGER NOT NULL,
    project_id   INTEGER REFERENCES projects (id) ON DELETE SET NULL,
    task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, project_key, number)
);
CREATE INDEX task_former_keys_task ON task_former_keys (task_id);
CREATE INDEX tasks_promoted_to ON tasks (promoted_to) WHERE promoted_to IS NOT NULL;
CREATE INDEX projects_promoted_from ON projects (promoted_from) WHERE promoted_from IS NOT NULL;
