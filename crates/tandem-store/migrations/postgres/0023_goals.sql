-- Goals: a tree of what the organisation wants by the end of a period,
-- measured by key results, sub-goals, or the projects and tasks serving
-- them. Progress and status are computed on read from these and the
-- projects' kept roll-ups; only a key result's current value is typed.
CREATE TABLE goals (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT,
    owner_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    parent_id    BIGINT REFERENCES goals (id) ON DELETE SET NULL,
    period_start DATE,
    period_end   DATE,
    status       TEXT,
    measure      TEXT,
    weight       DOUBLE PRECISION NOT NULL DEFAULT 1,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX goals_workspace ON goals (workspace_id);
CREATE INDEX goals_parent ON goals (parent_id);

CREATE TABLE key_results (
    id            BIGSERIAL PRIMARY KEY,
    goal_id       BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    unit          TEXT,
    start_value   DOUBLE PRECISION NOT NULL,
    target_value  DOUBLE PRECISION NOT NULL,
    current_value DOUBLE PRECISION NOT NULL,
    position      BIGINT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (goal_id, name)
);

CREATE TABLE goal_projects (
    goal_id    BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    PRIMARY KEY (goal_id, project_id)
);
CREATE INDEX goal_projects_project ON goal_projects (project_id);

CREATE TABLE goal_tasks (
    goal_id  BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    task_id  BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (goal_id, task_id)
);
CREATE INDEX goal_tasks_task ON goal_tasks (task_id);
