-- Automation rules: a trigger, conditions and actions (their JSON, the
-- domain's `automation` types), per project or for the whole workspace.
-- Each run is kept; a run the clock sets off (a due date, a rule's date,
-- a slip) has a fire key, unique per rule, so it runs once across nodes
-- and restarts. A rule's writes carry it in their events (rule_id and
-- how deep a chain of rules they are) and their history (its name).
CREATE TABLE rules (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id    INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    enabled       INTEGER NOT NULL DEFAULT 1,
    -- The trigger's `on`: what the automation job filters by.
    trigger_kind  TEXT NOT NULL,
    definition    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_on    TEXT NOT NULL,
    runs          INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rules_workspace ON rules (workspace_id, trigger_kind);

CREATE TABLE rule_runs (
    id            INTEGER PRIMARY KEY,
    rule_id       INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    -- The task or project key it ran on.
    object        TEXT NOT NULL,
    -- done, failed or refused (a chain of rules too deep).
    outcome       TEXT NOT NULL,
    detail        TEXT,
    fire_key      TEXT
);
CREATE INDEX rule_runs_rule ON rule_runs (rule_id, id);
CREATE UNIQUE INDEX rule_runs_once ON rule_runs (rule_id, fire_key) WHERE fire_key IS NOT NULL;

ALTER TABLE events ADD COLUMN rule_id INTEGER;
ALTER TABLE events ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity ADD COLUMN rule_name TEXT;
-- Moved on by every change to the workspace's rules: what a node's copy
-- of them is checked against.
ALTER TABLE workspaces ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 0;
