-- Levellings written to a project: who applied each and when, and what
-- each task it delayed had before (JSON), so the newest can be taken back.
CREATE TABLE levellings (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    applied_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    applied_at   TEXT NOT NULL,
    undone_at    TEXT,
    tasks        TEXT NOT NULL
);
CREATE INDEX levellings_project ON levellings (project_id, id);
