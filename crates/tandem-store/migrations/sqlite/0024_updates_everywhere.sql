-- Status updates are posted on a portfolio or a goal too, not only on a
-- project: each row names exactly one of the three. SQLite cannot drop a
-- NOT NULL, so the table is rebuilt with its rows.
CREATE TABLE status_updates_new (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    portfolio_id INTEGER REFERENCES portfolios (id) ON DELETE CASCADE,
    goal_id      INTEGER REFERENCES goals (id) ON DELETE CASCADE,
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    health       TEXT NOT NULL,
    body         TEXT NOT NULL,
    figures      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK ((project_id IS NOT NULL) + (portfolio_id IS NOT NULL) + (goal_id IS NOT NULL) = 1)
);
INSERT INTO status_updates_new (id, workspace_id, project_id, author_id, health, body, figures, created_at)
    SELECT id, workspace_id, project_id, author_id, health, body, figures, created_at FROM status_updates;
DROP TABLE status_updates;
ALTER TABLE status_updates_new RENAME TO status_updates;
CREATE INDEX status_updates_project ON status_updates (project_id, id);
CREATE INDEX status_updates_portfolio ON status_updates (portfolio_id, id);
CREATE INDEX status_updates_goal ON status_updates (goal_id, id);

-- How often a project's people are expected to post an update, in days;
-- 0 expects none. Weekly unless a project says otherwise.
ALTER TABLE projects ADD COLUMN update_cadence_days INTEGER NOT NULL DEFAULT 7;
