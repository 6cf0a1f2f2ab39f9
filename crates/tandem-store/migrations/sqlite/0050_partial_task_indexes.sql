-- Most tasks have no parent, no phase and no milestone, yet each of the
-- three indexes held an entry for every task, written on every insert and
-- on every update that moved the row (PostgreSQL: each update that does
-- not fit on the row's page). They are read only to find the tasks under
-- one parent, in one phase or at one milestone, which a null never is:
-- kept for the tasks that have one.
DROP INDEX tasks_parent;
CREATE INDEX tasks_parent ON tasks (parent_id) WHERE parent_id IS NOT NULL;
DROP INDEX tasks_phase;
CREATE INDEX tasks_phase ON tasks (phase_id) WHERE phase_id IS NOT NULL;
DROP INDEX tasks_milestone;
CREATE INDEX tasks_milestone ON tasks (milestone_id) WHERE milestone_id IS NOT NULL;
