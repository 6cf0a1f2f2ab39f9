-- The references of the rows the recurring job writes by the thousand
-- (issue 14), checked once a statement for all its rows, where a foreign
-- key checks each row with a query of its own: an occurrence made nine
-- such queries, the largest share of the database's time on a day of
-- 10,000 occurrences (docs/benchmarks.md). A statement's rows name few
-- parents (one workspace, a few projects and people, a series each), and
-- each is looked up once.
--
-- What the foreign keys did when a parent went is done by statement
-- triggers on the parents:
--
-- * A user is never deleted (a member leaves a workspace by being
--   deactivated, migration 40), and now cannot be: tasks' owners and
--   makers and the history's actors keep their user.
-- * A workspace deleted takes its tasks and history, a project its tasks.
-- * A series goes only with its project or workspace (a stopped series
--   is `ended`); its dates go with it, and the tasks it made forget it.
-- * A task deleted leaves its occurrence's date taken, with no task.
--
-- A check holds the parents it finds (`FOR KEY SHARE`, as a foreign key's
-- does), so a delete that comes after it waits for the insert's commit,
-- and the delete's trigger below then sees the new rows.

ALTER TABLE tasks DROP CONSTRAINT tasks_workspace_id_fkey,
    DROP CONSTRAINT tasks_project_id_fkey,
    DROP CONSTRAINT tasks_owner_id_fkey,
    DROP CONSTRAINT tasks_created_by_fkey,
    DROP CONSTRAINT tasks_recurrence_id_fkey;
ALTER TABLE activity DROP CONSTRAINT activity_workspace_id_fkey,
    DROP CONSTRAINT activity_actor_id_fkey;
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
-- the same SQLSTATE.
CREATE FUNCTION refuse_missing(child TEXT, parent TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" refers to % that do not exist', child, parent
        USING ERRCODE = 'foreign_key_violation';
END $$;

-- One row's reference to `parent` changed to `ref_id`: held, or refused when
-- missing. Updates change a reference seldom (a task moved, reassigned),
-- so one call a reference is cheap here, where the inserts' statement
-- checks below make one query for all of theirs.
CREATE FUNCTION hold_parent(child TEXT, parent TEXT, ref_id BIGINT) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF ref_id IS NULL THEN
        RETURN;
    END IF;
    CASE parent
    WHEN 'workspaces' THEN
        PERFORM FROM workspaces p WHERE p.id = ref_id FOR KEY SHARE;
    WHEN 'projects' THEN
        PERFORM FROM projects p WHERE p.id = ref_id FOR KEY SHARE;
    WHEN 'recurrences' THEN
        PERFORM FROM recurrences p WHERE p.id = ref_id FOR KEY SHARE;
    WHEN 'tasks' THEN
        PERFORM FROM tasks p WHERE p.id = ref_id FOR KEY SHARE;
    WHEN 'users' THEN
        PERFORM FROM users p WHERE p.id = ref_id;
    END CASE;
    IF NOT FOUND THEN
        PERFORM refuse_missing(child, parent);
    END IF;
END $$;

-- Each check is one query: it holds the distinct parents the statement's
-- rows name (`FOR KEY SHARE`, each found once) and counts them. A query
-- a parent, or a function a parent, cost a single task's insert more
-- than the foreign keys' checks did. Users are never deleted: nothing
-- to hold, only to find.
CREATE FUNCTION task_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
BEGIN
    SELECT CASE
        WHEN (SELECT count(DISTINCT workspace_id) FROM new_rows) > (SELECT count(*) FROM
            (SELECT FROM workspaces p WHERE p.id IN (SELECT workspace_id FROM new_rows)
             FOR KEY SHARE) x) THEN 'workspaces'
        WHEN (SELECT count(DISTINCT project_id) FROM new_rows) > (SELECT count(*) FROM
            (SELECT FROM projects p WHERE p.id IN (SELECT project_id FROM new_rows)
             FOR KEY SHARE) x) THEN 'projects'
        WHEN (SELECT count(DISTINCT recurrence_id) FROM new_rows) > (SELECT count(*) FROM
            (SELECT FROM recurrences p WHERE p.id IN (SELECT recurrence_id FROM new_rows)
             FOR KEY SHARE) x) THEN 'recurrences'
        WHEN EXISTS (SELECT FROM (SELECT owner_id AS id FROM new_rows
                                  UNION SELECT created_by FROM new_rows) x
            WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT FROM users u WHERE u.id = x.id))
            THEN 'users'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM refuse_missing('tasks', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER task_references_exist AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_references_exist();

-- An update checks only the references it changed, as a foreign key
-- does: a schedule's save rewrites thousands of rows' dates, and a
-- parent's delete sets references to null while its cascades are still
-- under way.
CREATE FUNCTION task_references_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.workspace_id IS DISTINCT FROM NEW.workspace_id THEN
        PERFORM hold_parent('tasks', 'workspaces', NEW.workspace_id);
    END IF;
    IF OLD.project_id IS DISTINCT FROM NEW.project_id THEN
        PERFORM hold_parent('tasks', 'projects', NEW.project_id);
    END IF;
    IF OLD.recurrence_id IS DISTINCT FROM NEW.recurrence_id THEN
        PERFORM hold_parent('tasks', 'recurrences', NEW.recurrence_id);
    END IF;
    IF OLD.owner_id IS DISTINCT FROM NEW.owner_id THEN
        PERFORM hold_parent('tasks', 'users', NEW.owner_id);
    END IF;
    IF OLD.created_by IS DISTINCT FROM NEW.created_by THEN
        PERFORM hold_parent('tasks', 'users', NEW.created_by);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER task_references_changed
    AFTER UPDATE OF workspace_id, project_id, owner_id, created_by, recurrence_id ON tasks
    FOR EACH ROW WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
        OR OLD.project_id IS DISTINCT FROM NEW.project_id
        OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
        OR OLD.created_by IS DISTINCT FROM NEW.created_by
        OR OLD.recurrence_id IS DISTINCT FROM NEW.recurrence_id)
    EXECUTE FUNCTION task_references_changed();

CREATE FUNCTION activity_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
BEGIN
    SELECT CASE
        WHEN (SELECT count(DISTINCT workspace_id) FROM new_rows) > (SELECT count(*) FROM
            (SELECT FROM workspaces p WHERE p.id IN (SELECT workspace_id FROM new_rows)
             FOR KEY SHARE) x) THEN 'workspaces'
        WHEN EXISTS (SELECT FROM (SELECT DISTINCT actor_id AS id FROM new_rows) x
            WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT FROM users u WHERE u.id = x.id))
            THEN 'users'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM refuse_missing('activity', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER activity_references_exist AFTER INSERT ON activity
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_references_exist();
-- A task moved to another project moves its history's `project_id`, a
-- plain number; the history's workspace and actor never change.

CREATE FUNCTION occurrence_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
BEGIN
    SELECT CASE
        WHEN (SELECT count(DISTINCT recurrence_id) FROM new_rows) > (SELECT count(*) FROM
            (SELECT FROM recurrences p WHERE p.id IN (SELECT recurrence_id FROM new_rows)
             FOR KEY SHARE) x) THEN 'recurrences'
        WHEN (SELECT count(DISTINCT task_id) FROM new_rows) > (SELECT count(*) FROM
            (SELECT FROM tasks p WHERE p.id IN (SELECT task_id FROM new_rows)
             FOR KEY SHARE) x) THEN 'tasks'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM refuse_missing('occurrences', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER occurrence_references_exist AFTER INSERT ON occurrences
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION occurrence_references_exist();

CREATE FUNCTION occurrence_references_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.recurrence_id IS DISTINCT FROM NEW.recurrence_id THEN
        PERFORM hold_parent('occurrences', 'recurrences', NEW.recurrence_id);
    END IF;
    IF OLD.task_id IS DISTINCT FROM NEW.task_id THEN
        PERFORM hold_parent('occurrences', 'tasks', NEW.task_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER occurrence_references_changed AFTER UPDATE OF recurrence_id, task_id ON occurrences
    FOR EACH ROW WHEN (OLD.recurrence_id IS DISTINCT FROM NEW.recurrence_id
        OR OLD.task_id IS DISTINCT FROM NEW.task_id)
    EXECUTE FUNCTION occurrence_references_changed();

-- What the foreign keys did when their parent went.
CREATE FUNCTION workspaces_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tasks t WHERE t.workspace_id IN (SELECT id FROM old_rows);
    DELETE FROM activity a WHERE a.workspace_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER workspaces_gone AFTER DELETE ON workspaces
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION workspaces_gone();

CREATE FUNCTION projects_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tasks t WHERE t.project_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER projects_gone AFTER DELETE ON projects
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_gone();

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
