-- Email (issue 15 item 3): which kinds a person wants by email (of those
-- kept in the inbox), which notifications went out, and the links in a
-- digest that stop one kind.
ALTER TABLE notification_prefs ADD COLUMN email INTEGER NOT NULL DEFAULT 1;
ALTER TABLE notifications ADD COLUMN emailed_at TEXT;
-- What was told before email existed is not mailed now.
UPDATE notifications SET emailed_at = created_at;
CREATE INDEX notifications_unmailed ON notifications (user_id, workspace_id, id) WHERE emailed_at IS NULL;

-- A link's token is its whole secret, kept as it is sent: all it can do
-- is stop one kind of email to one person, which they can undo.
CREATE TABLE unsubscribe_links (
    token    TEXT PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    UNIQUE (user_id, kind)
);
