-- Portfolios: named sets of projects and of other portfolios.
CREATE TABLE portfolios (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    owner_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE portfolio_projects (
    portfolio_id BIGINT NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    PRIMARY KEY (portfolio_id, project_id)
);
CREATE INDEX portfolio_projects_project ON portfolio_projects (project_id);

CREATE TABLE portfolio_children (
    portfolio_id BIGINT NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    child_id     BIGINT NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    PRIMARY KEY (portfolio_id, child_id)
);
CREATE INDEX portfolio_children_child ON portfolio_children (child_id);
