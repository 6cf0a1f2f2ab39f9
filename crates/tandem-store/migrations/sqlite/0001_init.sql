-- Tandem's first schema (SQLite). Migrations are append-only: never edit
-- one that has shipped; add the next file instead.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE workspaces (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE members (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key              TEXT NOT NULL,
    name             TEXT NOT NULL,
    objective        TEXT,
    scope_in         TEXT,
    scope_out        TEXT,
    owner_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    stage            TEXT NOT NULL,
    start_date       TEXT,
    target_date      TEXT,
    budget           REAL,
    ongoing          INTEGER NOT NULL DEFAULT 0,
    next_task_number INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (workspace_id, key)
);

CREATE TABLE phases (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    start_date   TEXT,
    end_date     TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX phases_project ON phases (project_id);

CREATE TABLE milestones (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase_id     INTEGER REFERENCES phases (id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    date         TEXT,
    description  TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX milestones_project ON milestones (project_id);

CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id       INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT,
    owner_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    priority         TEXT NOT NULL,
    start_date       TEXT,
    due_date         TEXT,
    estimate_days    REAL,
    effort_hours     REAL,
    optimistic_days  REAL,
    likely_days      REAL,
    pessimistic_days REAL,
    percent_complete INTEGER NOT NULL DEFAULT 0,
    parent_id        INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    phase_id         INTEGER REFERENCES phases (id) ON DELETE SET NULL,
    milestone_id     INTEGER REFERENCES milestones (id) ON DELETE SET NULL,
    blocked_reason   TEXT,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT
);
CREATE UNIQUE INDEX tasks_project_number ON tasks (project_id, number);
CREATE INDEX tasks_workspace ON tasks (workspace_id, id);
CREATE INDEX tasks_owner ON tasks (workspace_id, owner_id, id);
CREATE INDEX tasks_status ON tasks (workspace_id, status, id);
CREATE INDEX tasks_due ON tasks (workspace_id, due_date);
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE INDEX tasks_phase ON tasks (phase_id);
CREATE INDEX tasks_milestone ON tasks (milestone_id);

CREATE TABLE task_tags (
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (task_id, tag)
);
CREATE INDEX task_tags_tag ON task_tags (tag, task_id);

CREATE TABLE task_collaborators (
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, user_id)
);

CREATE TABLE dependencies (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    predecessor_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    successor_id   INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    lag_days       REAL NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (predecessor_id, successor_id)
);
CREATE INDEX dependencies_workspace ON dependencies (workspace_id);
CREATE INDEX dependencies_successor ON dependencies (successor_id);

CREATE TABLE stakeholders (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT,
    email        TEXT,
    role         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stakeholders_project ON stakeholders (project_id);
CREATE INDEX stakeholders_user ON stakeholders (user_id, project_id);

CREATE TABLE risks (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT,
    probability  INTEGER NOT NULL,
    impact       INTEGER NOT NULL,
    owner_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    mitigation   TEXT,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX risks_project ON risks (project_id);

CREATE TABLE risk_tasks (
    risk_id INTEGER NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, task_id)
);

CREATE TABLE risk_milestones (
    risk_id      INTEGER NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
    milestone_id INTEGER NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, milestone_id)
);

-- The history outlives what it describes: no foreign keys to the entity.
CREATE TABLE activity (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER,
    actor_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at           TEXT NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    entity_label TEXT NOT NULL,
    action       TEXT NOT NULL,
    changes      TEXT NOT NULL
);
CREATE INDEX activity_entity ON activity (workspace_id, entity_kind, entity_id, id);
CREATE INDEX activity_project ON activity (workspace_id, project_id, id);
