-- Scheduling: task constraints and actuals, baselines, and the stored
-- schedule of each project. Plan instants are local to the project's
-- calendar and kept as 'YYYY-MM-DDTHH:MM' text.

ALTER TABLE tasks ADD COLUMN constraint_type TEXT;
ALTER TABLE tasks ADD COLUMN constraint_date TEXT;
ALTER TABLE tasks ADD COLUMN actual_start TEXT;
ALTER TABLE tasks ADD COLUMN actual_finish TEXT;
-- A link's lag is in working days, elapsed days, or a percentage of the
-- predecessor's duration.
ALTER TABLE dependencies ADD COLUMN lag_format TEXT NOT NULL DEFAULT 'working_days';
-- When progress was last reported; uncompleted work is scheduled after it.
ALTER TABLE projects ADD COLUMN status_date TEXT;

CREATE TABLE baselines (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX baselines_project ON baselines (project_id, id);

CREATE TABLE baseline_tasks (
    baseline_id      BIGINT NOT NULL REFERENCES baselines (id) ON DELETE CASCADE,
    task_id          BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    start            TEXT NOT NULL,
    finish           TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    PRIMARY KEY (baseline_id, task_id)
);

-- Derived data: what the scheduler made of a project's plan, and the
-- fingerprint of the inputs it was made from (a different fingerprint
-- means it is stale and is recomputed).
CREATE TABLE project_schedules (
    project_id    BIGINT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    fingerprint   TEXT NOT NULL,
    computed_at   TIMESTAMPTZ NOT NULL,
    start         TEXT NOT NULL,
    finish        TEXT NOT NULL,
    critical_path TEXT NOT NULL,
    warnings      TEXT NOT NULL
);

CREATE TABLE task_schedules (
    task_id      BIGINT PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    early_start  TEXT NOT NULL,
    early_finish TEXT NOT NULL,
    late_start   TEXT NOT NULL,
    late_finish  TEXT NOT NULL,
    total_slack  BIGINT NOT NULL,
    free_slack   BIGINT NOT NULL,
    critical     BOOLEAN NOT NULL,
    summary      BOOLEAN NOT NULL,
    milestone    BOOLEAN NOT NULL
);
CREATE INDEX task_schedules_project ON task_schedules (project_id);
