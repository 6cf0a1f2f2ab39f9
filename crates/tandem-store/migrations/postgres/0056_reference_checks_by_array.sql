-- Migration 55's statement checks, each reading its statement's rows once.
-- Each parent kind was counted and then looked up from the transition
-- table in two scans of its own (eight scans of 500 task rows for one
-- insert of the recurring job); and a lookup joined to that table, whose
-- size the planner cannot know, was planned as a hash join over a read of
-- the whole parent table: every series on every batch of the job, a cost
-- that grew with the number of series. Here one scan gathers each kind's
-- distinct ids into an array, and each parent is found by its key
-- (`= ANY`), held as before. Same refusals, same SQLSTATE.

CREATE OR REPLACE FUNCTION task_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    workspace_ids BIGINT[];
    project_ids BIGINT[];
    recurrence_ids BIGINT[];
    user_ids BIGINT[];
    missing TEXT;
BEGIN
    SELECT array_agg(DISTINCT workspace_id), array_agg(DISTINCT project_id),
           array_agg(DISTINCT recurrence_id),
           array_agg(DISTINCT owner_id) || array_agg(DISTINCT created_by)
    INTO workspace_ids, project_ids, recurrence_ids, user_ids
    FROM new_rows;
    -- `array_agg` keeps a null as an element; `= ANY` never matches one.
    SELECT CASE
        WHEN cardinality(array_remove(workspace_ids, NULL)) > (SELECT count(*) FROM
            (SELECT FROM workspaces p WHERE p.id = ANY (workspace_ids) FOR KEY SHARE) x)
            THEN 'workspaces'
        WHEN cardinality(array_remove(project_ids, NULL)) > (SELECT count(*) FROM
            (SELECT FROM projects p WHERE p.id = ANY (project_ids) FOR KEY SHARE) x)
            THEN 'projects'
        WHEN cardinality(array_remove(recurrence_ids, NULL)) > (SELECT count(*) FROM
            (SELECT FROM recurrences p WHERE p.id = ANY (recurrence_ids) FOR KEY SHARE) x)
            THEN 'recurrences'
        WHEN EXISTS (SELECT FROM unnest(user_ids) x(id)
            WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT FROM users u WHERE u.id = x.id))
            THEN 'users'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM refuse_missing('tasks', missing);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION activity_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    workspace_ids BIGINT[];
    user_ids BIGINT[];
    missing TEXT;
BEGIN
    SELECT array_agg(DISTINCT workspace_id), array_agg(DISTINCT actor_id)
    INTO workspace_ids, user_ids
    FROM new_rows;
    SELECT CASE
        WHEN cardinality(array_remove(workspace_ids, NULL)) > (SELECT count(*) FROM
            (SELECT FROM workspaces p WHERE p.id = ANY (workspace_ids) FOR KEY SHARE) x)
            THEN 'workspaces'
        WHEN EXISTS (SELECT FROM unnest(user_ids) x(id)
            WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT FROM users u WHERE u.id = x.id))
            THEN 'users'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM refuse_missing('activity', missing);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION occurrence_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    recurrence_ids BIGINT[];
    task_ids BIGINT[];
    missing TEXT;
BEGIN
    SELECT array_agg(DISTINCT recurrence_id), array_agg(DISTINCT task_id)
    INTO recurrence_ids, task_ids
    FROM new_rows;
    SELECT CASE
        WHEN cardinality(array_remove(recurrence_ids, NULL)) > (SELECT count(*) FROM
            (SELECT FROM recurrences p WHERE p.id = ANY (recurrence_ids) FOR KEY SHARE) x)
            THEN 'recurrences'
        WHEN cardinality(array_remove(task_ids, NULL)) > (SELECT count(*) FROM
            (SELECT FROM tasks p WHERE p.id = ANY (task_ids) FOR KEY SHARE) x)
            THEN 'tasks'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM refuse_missing('occurrences', missing);
    END IF;
    RETURN NULL;
END $$;
