-- Portfolios: named sets of projects and of other portfolios.
CREATE TABLE portfolios (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    owner_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE portfolio_projects (
    portfolio_id INTEGER NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (portfolio_id, project_id)
);
CREATE INDEX portfolio_projects_project ON portfolio_projects (project_id);

CREATE TABLE portfolio_children (
    portfolio_id INTEGER NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    child_id     INTEGER NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (portfolio_id, child_id)
);
CREATE INDEX portfolio_children_child ON portfolio_children (child_id);
