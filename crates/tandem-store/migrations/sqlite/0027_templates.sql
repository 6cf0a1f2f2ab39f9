-- Templates: a workspace's saved plans, each kept in every version it was
-- saved as (a project made from one records which, and the version). The
-- body is the domain's `ProjectTemplate` (or a task's) as JSON.
CREATE TABLE templates (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- What it makes: a project, or a task with its subtasks.
    kind         TEXT NOT NULL,
    -- The newest version's number.
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX templates_name ON templates (workspace_id, kind, lower(name));

CREATE TABLE template_versions (
    template_id    INTEGER NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    description    TEXT,
    body           TEXT NOT NULL,
    -- The project or task it was saved from.
    source         TEXT,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (template_id, version)
);

ALTER TABLE projects ADD COLUMN template_name TEXT;
ALTER TABLE projects ADD COLUMN template_version INTEGER;
