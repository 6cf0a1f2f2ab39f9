-- Saved views of a project's list: a person's name for its filters, sort,
-- grouping and columns (the list's query), theirs alone or shared with
-- everyone who may open the project.
CREATE TABLE saved_views (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    query        TEXT NOT NULL,
    shared       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX saved_views_project ON saved_views (project_id, id);
