-- Indexes for the task list's filters (issue 11 item 4): text search,
-- tags and priority, each read from an index that starts at what the
-- filter names instead of from every task of the workspace.

-- Text search: each task's title and description as words, kept by
-- PostgreSQL itself, and a GIN index of them. The `simple` configuration
-- folds case and keeps every word as written (no stemming, no stop
-- words). Punctuation becomes space first, so that words are split where
-- SQLite's index and the search's own words are split: PostgreSQL's
-- parser alone keeps `ana@example.org` or `v1.5` whole and reads
-- `LAUNCH-2` as `launch` and `-2`. Adding the column computes it for
-- every existing task.
ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', regexp_replace(title || ' ' || COALESCE(description, ''), '[[:punct:]]+', ' ', 'g'))
) STORED;
CREATE INDEX tasks_search ON tasks USING GIN (search);

-- Tags carry their task's workspace, so a tag filter reads one
-- workspace's tasks of that tag, in id order, from one index range (the
-- old index of (tag, task_id) mixed every workspace's). No foreign key
-- on the workspace: deleting the task deletes its tags.
ALTER TABLE task_tags ADD COLUMN workspace_id BIGINT;
UPDATE task_tags tt SET workspace_id = t.workspace_id FROM tasks t WHERE t.id = tt.task_id;
ALTER TABLE task_tags ALTER COLUMN workspace_id SET NOT NULL;
DROP INDEX task_tags_tag;
CREATE INDEX task_tags_workspace_tag ON task_tags (workspace_id, tag, task_id);

-- A priority filter reads that priority's tasks in id order, as
-- `tasks_status` does for a status.
CREATE INDEX tasks_priority ON tasks (workspace_id, priority, id);

-- Tasks by due date, with what the visibility of a task reads: a page
-- in due order reads the index in its order (`id` breaks ties), and a
-- range of due dates in id order picks its page's ids from the index
-- alone, sorting ids instead of looking up every task in the range (a
-- 60-day range of 100,000 tasks took 200 ms).
DROP INDEX tasks_due;
CREATE INDEX tasks_due_visible ON tasks (workspace_id, due_date, id, project_id, owner_id, created_by);

-- Statistics of the new column and indexes now, not at autovacuum's
-- leisure: without them the planner guessed a search matches most tasks
-- and read the whole table in id order (120 ms at 100,000 tasks instead
-- of a few through the GIN index).
ANALYZE tasks, task_tags;
