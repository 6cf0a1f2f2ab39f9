-- Every task of a project with its phase, read whole by the timeline and
-- the plan on each request: from the index alone, not a lookup of each
-- task's row (20,000 of them in a big project).
CREATE INDEX tasks_project_phase ON tasks (project_id, workspace_id, phase_id);
