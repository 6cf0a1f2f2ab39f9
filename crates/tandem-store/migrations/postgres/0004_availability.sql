-- People's availability: hours a week each member works, and their time off.

ALTER TABLE members ADD COLUMN capacity_hours DOUBLE PRECISION NOT NULL DEFAULT 40;

CREATE TABLE time_off (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL,
    note         TEXT
);
CREATE INDEX time_off_user ON time_off (workspace_id, user_id, start_date);
