-- People's inboxes. A notification is about one object (which of the
-- subject columns is set says which, as a comment's) and, for some, a
-- comment or an approval; it is kept once per person and reason
-- (once_key: the event and kind, or the task and date a clock job told
-- of), so a job run twice, or on two nodes, tells nobody twice.
CREATE TABLE notifications (
    id            BIGSERIAL PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    once_key      TEXT NOT NULL,
    -- The project the object is in, for visibility when it is read.
    project_id    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    subject_kind  TEXT NOT NULL,
    task_id       BIGINT REFERENCES tasks (id) ON DELETE CASCADE,
    on_project    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    milestone_id  BIGINT REFERENCES milestones (id) ON DELETE CASCADE,
    risk_id       BIGINT REFERENCES risks (id) ON DELETE CASCADE,
    goal_id       BIGINT REFERENCES goals (id) ON DELETE CASCADE,
    comment_id    BIGINT REFERENCES comments (id) ON DELETE SET NULL,
    approval_id   BIGINT REFERENCES approvals (id) ON DELETE SET NULL,
    actor_id      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    note          TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    read_at       TIMESTAMPTZ,
    archived_at   TIMESTAMPTZ,
    UNIQUE (user_id, once_key)
);
CREATE INDEX notifications_inbox ON notifications (user_id, workspace_id, id);

-- Following an object, or not: a row overrides what Tandem would infer
-- (a task's owner, creator, collaborators and commenters follow it).
CREATE TABLE follows (
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_key   TEXT NOT NULL,
    task_id       BIGINT REFERENCES tasks (id) ON DELETE CASCADE,
    on_project    BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    milestone_id  BIGINT REFERENCES milestones (id) ON DELETE CASCADE,
    risk_id       BIGINT REFERENCES risks (id) ON DELETE CASCADE,
    goal_id       BIGINT REFERENCES goals (id) ON DELETE CASCADE,
    following     BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, subject_key)
);

-- Which kinds each person keeps in their inbox; no row is yes.
CREATE TABLE notification_prefs (
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    inbox         BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);
