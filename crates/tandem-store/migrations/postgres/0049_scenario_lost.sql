-- What a scenario lost when a task it changed (or a link's end) was
-- deleted from the plan: the task's and links' rows go with the task,
-- and a scenario must not drop a change without saying so. A JSON list
-- of `tandem_store::LostChange`.
ALTER TABLE scenarios ADD COLUMN lost TEXT NOT NULL DEFAULT '[]';
