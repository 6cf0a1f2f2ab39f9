-- Approvals: a sign-off asked of people on a task, a milestone (a gate:
-- it cannot be marked reached until its latest approval passes) or a
-- project's move to another stage (made when approved). Each approver
-- answers once; resubmitting after changes clears the answers, whose
-- earlier values the activity history keeps.
ALTER TABLE milestones ADD COLUMN reached TEXT;

CREATE TABLE approvals (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- task, milestone or stage: which of the three columns after it is set.
    subject_kind  TEXT NOT NULL,
    task_id       INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    milestone_id  INTEGER REFERENCES milestones (id) ON DELETE CASCADE,
    stage         TEXT,
    note          TEXT,
    state         TEXT NOT NULL,
    requested_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    requested_at  TEXT NOT NULL,
    decided_at    TEXT,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX approvals_project ON approvals (project_id, id);
CREATE INDEX approvals_task ON approvals (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX approvals_milestone ON approvals (milestone_id) WHERE milestone_id IS NOT NULL;

CREATE TABLE approval_answers (
    approval_id   INTEGER NOT NULL REFERENCES approvals (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    -- approve, request_changes or reject; none while it waits.
    decision      TEXT,
    comment       TEXT,
    answered_at   TEXT,
    PRIMARY KEY (approval_id, user_id)
);
-- What waits for a person's answer (My Work).
CREATE INDEX approval_answers_waiting ON approval_answers (user_id) WHERE decision IS NULL;
