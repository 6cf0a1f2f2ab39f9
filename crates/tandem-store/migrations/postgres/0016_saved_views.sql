-- Saved views of a project's list: a person's name for its filters, sort,
-- grouping and columns (the list's query), theirs alone or shared with
-- everyone who may open the project.
CREATE TABLE saved_views (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    query        TEXT NOT NULL,
    shared       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_views_project ON saved_views (project_id, id);
