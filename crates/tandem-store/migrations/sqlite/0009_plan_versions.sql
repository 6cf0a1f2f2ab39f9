-- Which plan a stored schedule is the schedule of, so a reader can tell
-- it is current without reading the plan. Every write that changes a
-- project's plan bumps the project's plan_version in its transaction; a
-- stored schedule is current when it was computed from that version on
-- the same day (work not done is planned from today).
ALTER TABLE projects ADD COLUMN plan_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project_schedules ADD COLUMN plan_version INTEGER;
ALTER TABLE project_schedules ADD COLUMN planned_on TEXT;
