-- A person's picture (issue 15 item 6); without one their initials stand
-- in. Small (512 KiB at most), one a person, so kept with the user rather
-- than as a file's content-addressed blob.
CREATE TABLE avatars (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    content_type  TEXT NOT NULL,
    content       BYTEA NOT NULL,
    version       BIGINT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
