-- Comments on a task, a project, a milestone, a risk or a goal: which of
-- the subject columns is set says which (one, checked). Threads are one
-- level deep: a reply's parent is a thread's first comment. A deleted
-- comment keeps its row (its replies stay in place) without its words;
-- an edit keeps the text it replaced in comment_edits.
CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The project it belongs to, for visibility; null on a personal task
    -- or a goal.
    project_id    INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL,
    task_id       INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
    milestone_id  INTEGER REFERENCES milestones (id) ON DELETE CASCADE,
    risk_id       INTEGER REFERENCES risks (id) ON DELETE CASCADE,
    goal_id       INTEGER REFERENCES goals (id) ON DELETE CASCADE,
    on_project    INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body          TEXT,
    created_at    TEXT NOT NULL,
    edited_at     TEXT,
    deleted_at    TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((task_id IS NOT NULL) + (milestone_id IS NOT NULL) + (risk_id IS NOT NULL)
           + (goal_id IS NOT NULL) + (on_project IS NOT NULL) = 1)
);
CREATE INDEX comments_task ON comments (task_id, id) WHERE task_id IS NOT NULL;
CREATE INDEX comments_milestone ON comments (milestone_id, id) WHERE milestone_id IS NOT NULL;
CREATE INDEX comments_risk ON comments (risk_id, id) WHERE risk_id IS NOT NULL;
CREATE INDEX comments_goal ON comments (goal_id, id) WHERE goal_id IS NOT NULL;
CREATE INDEX comments_project ON comments (on_project, id) WHERE on_project IS NOT NULL;
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE comment_edits (
    comment_id    INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    replaced_at   TEXT NOT NULL
);
CREATE INDEX comment_edits_comment ON comment_edits (comment_id, replaced_at);

CREATE TABLE comment_reactions (
    comment_id    INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reaction      TEXT NOT NULL,
    PRIMARY KEY (comment_id, user_id, reaction)
);
