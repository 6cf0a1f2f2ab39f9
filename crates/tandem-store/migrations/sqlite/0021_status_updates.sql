-- Status updates: a project's health in its people's words, with the
-- figures of the moment (JSON of tandem_domain::health::StatusFigures),
-- newest read first.
CREATE TABLE status_updates (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    health       TEXT NOT NULL,
    body         TEXT NOT NULL,
    figures      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX status_updates_project ON status_updates (project_id, id);

-- A baseline's finish, kept with it: health compares the schedule with
-- the latest baseline on every read of a project, which must not read
-- the baseline's every task.
ALTER TABLE baselines ADD COLUMN finish TEXT;
UPDATE baselines SET finish = (
    SELECT MAX(finish) FROM baseline_tasks WHERE baseline_id = baselines.id
);
