-- Working calendars: each project's working week (seven days of hours,
-- Monday first, '|'-separated; an empty day is a day off) and hours per
-- day, and dated exceptions to it (holidays, short days).

ALTER TABLE projects ADD COLUMN work_week TEXT NOT NULL
    DEFAULT '08:00-12:00 13:00-17:00|08:00-12:00 13:00-17:00|08:00-12:00 13:00-17:00|08:00-12:00 13:00-17:00|08:00-12:00 13:00-17:00||';
ALTER TABLE projects ADD COLUMN hours_per_day REAL NOT NULL DEFAULT 8;

CREATE TABLE calendar_exceptions (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL,
    -- The hours worked on each day of it; empty for none.
    hours        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calendar_exceptions_project ON calendar_exceptions (project_id, start_date);
