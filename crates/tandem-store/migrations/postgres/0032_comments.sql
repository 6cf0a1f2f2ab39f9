-- Comments on a task, a project, a milestone, a risk or a goal: which of
-- the subject columns is set says which (one, checked). Threads are one
-- level deep: a reply's parent is a thread's first comment. A deleted
-- comment keeps its row (its replies stay in place) without its words;
-- an edit keeps the text it replaced in comment_edits.
CREATE TABLE comments (
    id            BIGSERIAL PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The project it belongs to, for visibility; null on a personal task
    -- or a goal.
    project_id    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL,
    task_id       BIGINT REFERENCES tasks (id) ON DELETE CASCADE,
    milestone_id  BIGINT REFERENCES milestones (id) ON DELETE CASCADE,
    risk_id       BIGINT REFERENCES risks (id) ON DELETE CASCADE,
    goal_id       BIGINT REFERENCES goals (id) ON DELETE CASCADE,
    on_project    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    parent_id     BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    author_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body          TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    edited_at     TIMESTAMPTZ,
    deleted_at    TIMESTAMPTZ,
    version       BIGINT NOT NULL DEFAULT 1,
    CHECK (num_nonnulls(task_id, milestone_id, risk_id, goal_id, on_project) = 1)
);
CREATE INDEX comments_task ON comments (task_id, id) WHERE task_id IS NOT NULL;
CREATE INDEX comments_milestone ON comments (milestone_id, id) WHERE milestone_id IS NOT NULL;
CREATE INDEX comments_risk ON comments (risk_id, id) WHERE risk_id IS NOT NULL;
CREATE INDEX comments_goal ON comments (goal_id, id) WHERE goal_id IS NOT NULL;
CREATE INDEX comments_project ON comments (on_project, id) WHERE on_project IS NOT NULL;
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE comment_edits (
    comment_id    BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    replaced_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX comment_edits_comment ON comment_edits (comment_id, replaced_at);

CREATE TABLE comment_reactions (
    comment_id    BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reaction      TEXT NOT NULL,
    PRIMARY KEY (comment_id, user_id, reaction)
);
