-- Templates: a workspace's saved plans, each kept in every version it was
-- saved as (a project made from one records which, and the version). The
-- body is the domain's `ProjectTemplate` (or a task's) as JSON.
CREATE TABLE templates (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- What it makes: a project, or a task with its subtasks.
    kind         TEXT NOT NULL,
    -- The newest version's number.
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX templates_name ON templates (workspace_id, kind, lower(name));

CREATE TABLE template_versions (
    template_id    BIGINT NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    version        BIGINT NOT NULL,
    description    TEXT,
    body           TEXT NOT NULL,
    -- The project or task it was saved from.
    source         TEXT,
    created_by     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (template_id, version)
);

ALTER TABLE projects ADD COLUMN template_name TEXT;
ALTER TABLE projects ADD COLUMN template_version BIGINT;
