-- What-if scenarios (issue 16 item 4): a branch of a project's plan kept
-- as its changes, never as a copy. Each change keeps what the plan held
-- of what it changes when it was made (its base): applying the scenario
-- refuses a change whose field or link the plan changed since, rather
-- than writing over it.
CREATE TABLE scenarios (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    UNIQUE (project_id, name)
);

CREATE TABLE scenario_tasks (
    scenario_id  BIGINT NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
    task_id      BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    -- The fields changed, as `tandem_domain::scenarios::TaskEdit` JSON.
    edit         TEXT NOT NULL,
    -- What the task held of those fields when they were changed here.
    base         TEXT NOT NULL,
    PRIMARY KEY (scenario_id, task_id)
);

-- Links a scenario adds, or (removed) takes away.
CREATE TABLE scenario_links (
    scenario_id    BIGINT NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
    predecessor_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    successor_id   BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    lag_days       DOUBLE PRECISION NOT NULL DEFAULT 0,
    removed        BOOLEAN NOT NULL DEFAULT FALSE,
    -- The plan's link between the two when this was changed (none: null).
    base_kind      TEXT,
    base_lag       DOUBLE PRECISION,
    PRIMARY KEY (scenario_id, predecessor_id, successor_id)
);
-- A task's deletion takes its scenario rows with it: found by index.
CREATE INDEX scenario_tasks_task ON scenario_tasks (task_id);
CREATE INDEX scenario_links_predecessor ON scenario_links (predecessor_id);
CREATE INDEX scenario_links_successor ON scenario_links (successor_id);
