-- A person's picture (issue 15 item 6); without one their initials stand
-- in. Small (512 KiB at most), one a person, so kept with the user rather
-- than as a file's content-addressed blob.
CREATE TABLE avatars (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    content_type  TEXT NOT NULL,
    content       BLOB NOT NULL,
    version       INTEGER NOT NULL,
    updated_at    TEXT NOT NULL
);
