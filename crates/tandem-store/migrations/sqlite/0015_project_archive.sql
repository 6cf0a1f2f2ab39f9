-- When a project was archived: set, it is out of the projects index and
-- the pickers (kept, readable, and unarchived by setting it back to NULL).
ALTER TABLE projects ADD COLUMN archived_at TEXT;
