-- The outbox. Every accepted write records what happened in the same
-- transaction as the write; consumers (the rescheduler, live pages, later
-- notifications, automation and webhooks) read it from here.

CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL,
    -- The project the object belongs to; kept as a number, not a reference,
    -- so the event of a deleted project outlives it.
    project_id   INTEGER,
    kind         TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_key   TEXT NOT NULL,
    actor_id     INTEGER,
    at           TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);

-- What each consumer that must act once (not once per node) still has to
-- handle. A claim is a lease: a node that dies mid-way gives the event
-- back when its lease runs out.
CREATE TABLE event_deliveries (
    consumer      TEXT NOT NULL,
    event_id      INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    claimed_until TEXT,
    PRIMARY KEY (consumer, event_id)
);

-- Periodic jobs, run by whichever node claims them first when due.
CREATE TABLE jobs (
    name        TEXT PRIMARY KEY,
    due_at      TEXT NOT NULL,
    last_run_at TEXT
);
