-- A series' tasks, found without reading every task: when a series is
-- deleted (its tasks' link set to null) and when its occurrences are
-- looked up.
CREATE INDEX tasks_recurrence ON tasks (recurrence_id) WHERE recurrence_id IS NOT NULL;
