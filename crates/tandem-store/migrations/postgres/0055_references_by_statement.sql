-- The references of the rows the recurring job writes by the thousand
-- (issue 14), checked once a statement for all its rows, where a foreign
-- key checks each row with a query of its own: an occurrence made nine
-- such queries, and dropping the six moved here took a sixth off the
-- database's time on a day of 10,000 occurrences (docs/benchmarks.md).
--
-- Moved are only the references whose parents go by the rules below. A
-- task's or history row's workspace and project stay foreign keys: every
-- delete of a workspace or project cascades through them.
--
-- * A user is never deleted (a member leaves a workspace by being
--   deactivated, migration 40), and now cannot be: tasks' owners and
--   makers and the history's actors keep their user.
-- * A series goes only with its project or workspace (a stopped series
--   is `ended`); its dates go with it, and the tasks it made forget it.
-- * A task deleted leaves its occurrence's date taken, with no task.
--
-- A check holds the series and tasks it finds (`FOR KEY SHARE`, as a
-- foreign key's does), so a delete that comes after it waits for the
-- insert's commit, and the delete's cascade below then sees the new rows.

ALTER TABLE tasks DROP CONSTRAINT tasks_owner_id_fkey,
    DROP CONSTRAINT tasks_created_by_fkey,
    DROP CONSTRAINT tasks_recurrence_id_fkey;
ALTER TABLE activity DROP CONSTRAINT activity_actor_id_fkey;
ALTER TABLE occurrences DROP CONSTRAINT occurrences_recurrence_id_fkey,
    DROP CONSTRAINT occurrences_task_id_fkey;

CREATE FUNCTION users_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a user is never deleted: a member leaves a workspace by being deactivated'
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER users_are_kept BEFORE DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION users_are_kept();

-- Refused as a foreign key refuses a row whose parent is missing, with
-- the same SQLSTATE: `missing` of `child`'s rows name no `parent`.
CREATE FUNCTION refuse_missing(child TEXT, parent TEXT, missing BIGINT) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" refers to % % rows that do not exist',
        child, missing, parent
        USING ERRCODE = 'foreign_key_violation';
END $$;

-- Each check holds the parents it finds and counts them against the
-- distinct references: one lookup a parent, where a foreign key makes
-- one a row (the users of a batch are a few, its series hundreds).
CREATE FUNCTION task_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted BIGINT;
    found_rows BIGINT;
BEGIN
    SELECT count(DISTINCT recurrence_id) INTO wanted FROM new_rows;
    IF wanted > 0 THEN
        PERFORM 1 FROM recurrences r WHERE r.id IN (SELECT recurrence_id FROM new_rows)
        FOR KEY SHARE;
        GET DIAGNOSTICS found_rows = ROW_COUNT;
        IF found_rows < wanted THEN
            PERFORM refuse_missing('tasks', 'recurrences', wanted - found_rows);
        END IF;
    END IF;
    SELECT count(*) INTO wanted FROM
        (SELECT owner_id AS id FROM new_rows UNION SELECT created_by FROM new_rows) x
        WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.id);
    IF wanted > 0 THEN
        PERFORM refuse_missing('tasks', 'users', wanted);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER task_references_exist AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_references_exist();

-- An update checks only the rows whose references it changed, as a
-- foreign key does: a schedule's save rewrites thousands of rows' dates,
-- and a statement's check would read them all.
CREATE FUNCTION task_references_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.recurrence_id IS NOT NULL THEN
        PERFORM 1 FROM recurrences r WHERE r.id = NEW.recurrence_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM refuse_missing('tasks', 'recurrences', 1);
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM (VALUES (NEW.owner_id), (NEW.created_by)) x(id)
               WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.id)) THEN
        PERFORM refuse_missing('tasks', 'users', 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER task_references_changed AFTER UPDATE OF owner_id, created_by, recurrence_id ON tasks
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id
        OR OLD.created_by IS DISTINCT FROM NEW.created_by
        OR OLD.recurrence_id IS DISTINCT FROM NEW.recurrence_id)
    EXECUTE FUNCTION task_references_changed();

CREATE FUNCTION activity_actors_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    SELECT count(*) INTO missing FROM (SELECT DISTINCT actor_id FROM new_rows) n
        WHERE n.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = n.actor_id);
    IF missing > 0 THEN
        PERFORM refuse_missing('activity', 'users', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER activity_actors_exist AFTER INSERT ON activity
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_actors_exist();
-- The history is written, never rewritten: no update to check.

CREATE FUNCTION occurrence_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted BIGINT;
    found_rows BIGINT;
BEGIN
    SELECT count(DISTINCT recurrence_id) INTO wanted FROM new_rows;
    PERFORM 1 FROM recurrences r WHERE r.id IN (SELECT recurrence_id FROM new_rows) FOR KEY SHARE;
    GET DIAGNOSTICS found_rows = ROW_COUNT;
    IF found_rows < wanted THEN
        PERFORM refuse_missing('occurrences', 'recurrences', wanted - found_rows);
    END IF;
    SELECT count(DISTINCT task_id) INTO wanted FROM new_rows;
    IF wanted > 0 THEN
        PERFORM 1 FROM tasks t WHERE t.id IN (SELECT task_id FROM new_rows) FOR KEY SHARE;
        GET DIAGNOSTICS found_rows = ROW_COUNT;
        IF found_rows < wanted THEN
            PERFORM refuse_missing('occurrences', 'tasks', wanted - found_rows);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER occurrence_references_exist AFTER INSERT ON occurrences
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION occurrence_references_exist();

CREATE FUNCTION occurrence_references_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM recurrences r WHERE r.id = NEW.recurrence_id FOR KEY SHARE;
    IF NOT FOUND THEN
        PERFORM refuse_missing('occurrences', 'recurrences', 1);
    END IF;
    IF NEW.task_id IS NOT NULL THEN
        PERFORM 1 FROM tasks t WHERE t.id = NEW.task_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM refuse_missing('occurrences', 'tasks', 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER occurrence_references_changed AFTER UPDATE OF recurrence_id, task_id ON occurrences
    FOR EACH ROW WHEN (OLD.recurrence_id IS DISTINCT FROM NEW.recurrence_id
        OR OLD.task_id IS DISTINCT FROM NEW.task_id)
    EXECUTE FUNCTION occurrence_references_changed();

-- What the foreign keys did when their parent went.
CREATE FUNCTION recurrences_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM occurrences o WHERE o.recurrence_id IN (SELECT id FROM old_rows);
    UPDATE tasks t SET recurrence_id = NULL
    WHERE t.recurrence_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER recurrences_gone AFTER DELETE ON recurrences
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recurrences_gone();

CREATE FUNCTION occurrence_tasks_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE occurrences o SET task_id = NULL WHERE o.task_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER occurrence_tasks_gone AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION occurrence_tasks_gone();
