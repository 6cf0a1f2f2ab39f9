-- Recurring tasks: a series (its RFC 5545 rule, how it recurs, from its
-- first date) and each date it has made an occurrence for. The primary
-- key of `occurrences` is what keeps a restart, or two nodes at once,
-- from making a date twice; a deleted occurrence's date stays taken.
CREATE TABLE recurrences (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    rule         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    reuse        TEXT NOT NULL,
    landing      TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    except_dates TEXT NOT NULL DEFAULT '',
    -- The newest date made: a series on a fixed schedule owes more once
    -- it is today or past.
    last_on      TEXT NOT NULL,
    ended        INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX recurrences_owing ON recurrences (last_on);

CREATE TABLE occurrences (
    recurrence_id INTEGER NOT NULL REFERENCES recurrences (id) ON DELETE CASCADE,
    occurs_on     TEXT NOT NULL,
    task_id       INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
    PRIMARY KEY (recurrence_id, occurs_on)
);
CREATE INDEX occurrences_task ON occurrences (task_id);

ALTER TABLE tasks ADD COLUMN recurrence_id INTEGER REFERENCES recurrences (id) ON DELETE SET NULL;
