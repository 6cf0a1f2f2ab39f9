-- A user is never deleted: a member leaves a workspace by being
-- deactivated (migration 40), and the history, tasks and series they
-- made keep them. Now a delete is refused, as on PostgreSQL, where the
-- references to users of the rows the recurring job writes by the
-- thousand are checked a statement at a time instead of by foreign keys
-- (its migration 55). SQLite checks a foreign key within the row's own
-- write, cheaply: its keys stay.
CREATE TRIGGER users_are_kept BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'a user is never deleted: a member leaves a workspace by being deactivated');
END;
