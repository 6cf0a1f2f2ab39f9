-- What it takes to add tasks to a stored schedule without recomputing the
-- whole plan (tandem_usecases::planning::add_to_schedule): the day the plan
-- starts on (the timeline its working minutes count from) and the finish,
-- in those minutes, its late dates count back from. NULL in schedules
-- stored before: those are recomputed whole once.
ALTER TABLE project_schedules ADD COLUMN plan_start TEXT;
ALTER TABLE project_schedules ADD COLUMN late_from INTEGER;

-- The plan version an event's write made: the changes since a stored
-- schedule are the events after its version, looked up by project.
ALTER TABLE events ADD COLUMN plan_version INTEGER;
CREATE INDEX events_plan_versions ON events (project_id, plan_version)
    WHERE plan_version IS NOT NULL;

-- A task's part of its plan's fingerprint, kept when the task was loose
-- (no parent, subtask or link) as the schedule was computed: what an edit
-- of it takes out of the fingerprint. NULL for every other task.
ALTER TABLE task_schedules ADD COLUMN loose_digest INTEGER;
