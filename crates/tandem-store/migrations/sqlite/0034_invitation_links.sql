-- An invitation's link: the SHA-256 of a secret shown once to whoever
-- invited (no email is sent), so the person can open it and accept.
-- Invitations made before have none; they are accepted from the list of
-- one's own invitations, as before.
ALTER TABLE invitations ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash) WHERE token_hash IS NOT NULL;
