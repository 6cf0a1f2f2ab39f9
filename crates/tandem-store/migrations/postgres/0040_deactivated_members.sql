-- Members deactivated (issue 15 item 6): out of the workspace, with what
-- they were, until someone reactivates them. Their row leaves `members`,
-- so everything that asks who belongs (sign-in, pickers, mentions, who
-- may be given work) no longer finds them; their name stays on their
-- history and their work, which is flagged or handed on when they go.
CREATE TABLE deactivated_members (
    workspace_id    BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    capacity_hours  DOUBLE PRECISION NOT NULL,
    deactivated_at  TIMESTAMPTZ NOT NULL,
    deactivated_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (workspace_id, user_id)
);
