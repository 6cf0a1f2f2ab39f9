-- A person's open tasks by due date: My Work and the task list sorted by
-- due date (`sort=due`) read a page of them in order, and count them per
-- due-date band, from this index alone. Only open tasks are in it, so a
-- person's years of finished work cost nothing here. `status` is a column
-- only so that counting needs nothing but the index.
CREATE INDEX tasks_open_owner_due ON tasks (workspace_id, owner_id, due_date, id, status)
    WHERE status NOT IN ('done', 'cancelled');
