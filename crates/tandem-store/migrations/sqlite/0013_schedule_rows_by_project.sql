-- A stored schedule is read a project at a time in task order (whole, or
-- a page after a task id): one index serves both the project's rows and
-- their order, where an index of the project alone left PostgreSQL to
-- sort them or to walk every project's rows by task id.
CREATE INDEX task_schedules_project_task ON task_schedules (project_id, task_id);
DROP INDEX task_schedules_project;
