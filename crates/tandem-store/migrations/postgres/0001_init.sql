-- Tandem's first schema (PostgreSQL). Migrations are append-only: never edit
-- one that has shipped; add the next file instead.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE workspaces (
    id         BIGSERIAL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE projects (
    id               BIGSERIAL PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key              TEXT NOT NULL,
    name             TEXT NOT NULL,
    objective        TEXT,
    scope_in         TEXT,
    scope_out        TEXT,
    owner_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    stage            TEXT NOT NULL,
    start_date       DATE,
    target_date      DATE,
    budget           DOUBLE PRECISION,
    ongoing          BOOLEAN NOT NULL DEFAULT FALSE,
    next_task_number BIGINT NOT NULL DEFAULT 0,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, key)
);

CREATE TABLE phases (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     BIGINT NOT NULL DEFAULT 0,
    start_date   DATE,
    end_date     DATE,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX phases_project ON phases (project_id);

CREATE TABLE milestones (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase_id     BIGINT REFERENCES phases (id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    date         DATE,
    description  TEXT,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX milestones_project ON milestones (project_id);

CREATE TABLE tasks (
    id               BIGSERIAL PRIMARY KEY,
    workspace_id     BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id       BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    number           BIGINT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT,
    owner_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    priority         TEXT NOT NULL,
    start_date       DATE,
    due_date         DATE,
    estimate_days    DOUBLE PRECISION,
    effort_hours     DOUBLE PRECISION,
    optimistic_days  DOUBLE PRECISION,
    likely_days      DOUBLE PRECISION,
    pessimistic_days DOUBLE PRECISION,
    percent_complete BIGINT NOT NULL DEFAULT 0,
    parent_id        BIGINT REFERENCES tasks (id) ON DELETE CASCADE,
    phase_id         BIGINT REFERENCES phases (id) ON DELETE SET NULL,
    milestone_id     BIGINT REFERENCES milestones (id) ON DELETE SET NULL,
    blocked_reason   TEXT,
    created_by       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ
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
    task_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (task_id, tag)
);
CREATE INDEX task_tags_tag ON task_tags (tag, task_id);

CREATE TABLE task_collaborators (
    task_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, user_id)
);

CREATE TABLE dependencies (
    id             BIGSERIAL PRIMARY KEY,
    workspace_id   BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    predecessor_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    successor_id   BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    lag_days       DOUBLE PRECISION NOT NULL DEFAULT 0,
    version        BIGINT NOT NULL DEFAULT 1,
    UNIQUE (predecessor_id, successor_id)
);
CREATE INDEX dependencies_workspace ON dependencies (workspace_id);
CREATE INDEX dependencies_successor ON dependencies (successor_id);

CREATE TABLE stakeholders (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id      BIGINT REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT,
    email        TEXT,
    role         TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX stakeholders_project ON stakeholders (project_id);
CREATE INDEX stakeholders_user ON stakeholders (user_id, project_id);

CREATE TABLE risks (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT,
    probability  BIGINT NOT NULL,
    impact       BIGINT NOT NULL,
    owner_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    mitigation   TEXT,
    status       TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX risks_project ON risks (project_id);

CREATE TABLE risk_tasks (
    risk_id BIGINT NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
    task_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, task_id)
);

CREATE TABLE risk_milestones (
    risk_id      BIGINT NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
    milestone_id BIGINT NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, milestone_id)
);

-- The history outlives what it describes: no foreign keys to the entity.
CREATE TABLE activity (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT,
    actor_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at           TIMESTAMPTZ NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    BIGINT NOT NULL,
    entity_label TEXT NOT NULL,
    action       TEXT NOT NULL,
    changes      TEXT NOT NULL
);
CREATE INDEX activity_entity ON activity (workspace_id, entity_kind, entity_id, id);
CREATE INDEX activity_project ON activity (workspace_id, project_id, id);
