-- Webhooks: a workspace's subscriptions to event kinds, and each delivery
-- of an event to one of them. A delivery keeps the body it sends, so a
-- retry or a redelivery sends the same bytes with the same signature.
-- The partial unique index is what keeps a consumer that ran twice (a
-- node that died after enqueueing) from sending an event twice (an event
-- may be two: task.updated and task.status_changed).
CREATE TABLE webhooks (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    secret         TEXT NOT NULL,
    -- Comma-separated event names, or '*' for every one.
    events         TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    -- Why it was turned off by Tandem (repeated failure), if it was.
    disabled_reason TEXT,
    failures_in_a_row INTEGER NOT NULL DEFAULT 0,
    -- Deliveries in a row that failed every attempt: three turn it off.
    given_up_in_a_row INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id);

CREATE TABLE webhook_deliveries (
    id             INTEGER PRIMARY KEY,
    webhook_id     INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id       INTEGER,
    event          TEXT NOT NULL,
    body           TEXT NOT NULL,
    -- pending, delivered or failed (every attempt made).
    status         TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until  TEXT,
    response_code  INTEGER,
    error          TEXT,
    duration_ms    INTEGER,
    redelivery_of  INTEGER REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    last_attempt_at TEXT
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, event_id, event)
    WHERE redelivery_of IS NULL AND event_id IS NOT NULL;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);

-- Which fields a change touched, by name (never by value): a webhook's
-- `task.status_changed` and `milestone.reached` are told from them.
ALTER TABLE events ADD COLUMN fields TEXT;
