-- Levellings written to a project: who applied each and when, and what
-- each task it delayed had before (JSON), so the newest can be taken back.
CREATE TABLE levellings (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    applied_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    applied_at   TIMESTAMPTZ NOT NULL,
    undone_at    TIMESTAMPTZ,
    tasks        TEXT NOT NULL
);
CREATE INDEX levellings_project ON levellings (project_id, id);
