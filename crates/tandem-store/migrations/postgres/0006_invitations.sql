-- Invitations to a workspace: adding someone takes their consent. An
-- invitation names an email; whoever signs in with it accepts or declines.

CREATE TABLE invitations (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL,
    invited_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, email)
);
CREATE INDEX invitations_email ON invitations (email);
