-- One search across the workspace (issue 15 item 5): what is not a task
-- (projects, goals, risks, comments; documents later) has an entry here,
-- kept by triggers in the transaction of the write that changed it.
-- Tasks keep their own words (`tasks.search`, migration 11), which the
-- task list reads too; a search reads both and ranks them together.
--
-- Each entry names what it stands for in the column of that kind, so
-- deleting the object deletes its entry. `project_id` and `task_id` are
-- for visibility: the project an entry belongs to, or, for a comment on
-- a personal task, that task; neither means the whole workspace's (a
-- goal and its talk). `owner_id` is the owner, or a comment's author.
-- A task's words weigh its title above its description, as an entry's
-- do below, so that ranking reads them alike (SQLite weighs the columns
-- when it ranks). Dropping the column drops its index.
ALTER TABLE tasks DROP COLUMN search;
ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', regexp_replace(title, '[[:punct:]]+', ' ', 'g')), 'A')
    || setweight(to_tsvector('simple', regexp_replace(COALESCE(description, ''), '[[:punct:]]+', ' ', 'g')), 'B')
) STORED;
CREATE INDEX tasks_search ON tasks USING GIN (search);

CREATE TABLE search_entries (
    id           BIGSERIAL PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    project_ref  BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    goal_ref     BIGINT REFERENCES goals (id) ON DELETE CASCADE,
    risk_ref     BIGINT REFERENCES risks (id) ON DELETE CASCADE,
    comment_ref  BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    project_id   BIGINT,
    task_id      BIGINT,
    owner_id     BIGINT,
    title        TEXT NOT NULL,
    body         TEXT,
    -- As `tasks.search`, with the title weighed above the body.
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', regexp_replace(title, '[[:punct:]]+', ' ', 'g')), 'A')
        || setweight(to_tsvector('simple', regexp_replace(COALESCE(body, ''), '[[:punct:]]+', ' ', 'g')), 'B')
    ) STORED
);
CREATE UNIQUE INDEX search_entries_project ON search_entries (project_ref) WHERE project_ref IS NOT NULL;
CREATE UNIQUE INDEX search_entries_goal ON search_entries (goal_ref) WHERE goal_ref IS NOT NULL;
CREATE UNIQUE INDEX search_entries_risk ON search_entries (risk_ref) WHERE risk_ref IS NOT NULL;
CREATE UNIQUE INDEX search_entries_comment ON search_entries (comment_ref) WHERE comment_ref IS NOT NULL;
CREATE INDEX search_entries_search ON search_entries USING GIN (search);

-- Projects: key and name, then what the charter says.
CREATE FUNCTION search_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_entries (workspace_id, kind, project_ref, project_id, owner_id, title, body)
    VALUES (NEW.workspace_id, 'project', NEW.id, NEW.id, NEW.owner_id, NEW.key || ' ' || NEW.name,
            concat_ws(' ', NEW.objective, NEW.scope_in, NEW.scope_out))
    ON CONFLICT (project_ref) WHERE project_ref IS NOT NULL DO UPDATE
        SET owner_id = EXCLUDED.owner_id, title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NULL;
END $$;
CREATE TRIGGER search_project AFTER INSERT OR UPDATE OF key, name, objective, scope_in, scope_out, owner_id
    ON projects FOR EACH ROW EXECUTE FUNCTION search_project();

CREATE FUNCTION search_goal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_entries (workspace_id, kind, goal_ref, owner_id, title, body)
    VALUES (NEW.workspace_id, 'goal', NEW.id, NEW.owner_id, NEW.title, NEW.description)
    ON CONFLICT (goal_ref) WHERE goal_ref IS NOT NULL DO UPDATE
        SET owner_id = EXCLUDED.owner_id, title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NULL;
END $$;
CREATE TRIGGER search_goal AFTER INSERT OR UPDATE OF title, description, owner_id
    ON goals FOR EACH ROW EXECUTE FUNCTION search_goal();

CREATE FUNCTION search_risk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_entries (workspace_id, kind, risk_ref, project_id, owner_id, title, body)
    VALUES (NEW.workspace_id, 'risk', NEW.id, NEW.project_id, NEW.owner_id, NEW.title,
            concat_ws(' ', NEW.description, NEW.mitigation))
    ON CONFLICT (risk_ref) WHERE risk_ref IS NOT NULL DO UPDATE
        SET owner_id = EXCLUDED.owner_id, title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NULL;
END $$;
CREATE TRIGGER search_risk AFTER INSERT OR UPDATE OF title, description, mitigation, owner_id
    ON risks FOR EACH ROW EXECUTE FUNCTION search_risk();

-- A comment's words; a deleted one (no body) has no entry.
CREATE FUNCTION search_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entries WHERE comment_ref = NEW.id;
    IF NEW.body IS NOT NULL THEN
        INSERT INTO search_entries (workspace_id, kind, comment_ref, project_id, task_id, owner_id, title, body)
        VALUES (NEW.workspace_id, 'comment', NEW.id, NEW.project_id,
                CASE WHEN NEW.project_id IS NULL THEN NEW.task_id END, NEW.author_id, '', NEW.body);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_comment AFTER INSERT OR UPDATE OF body, project_id
    ON comments FOR EACH ROW EXECUTE FUNCTION search_comment();

-- Backfill: what exists now.
INSERT INTO search_entries (workspace_id, kind, project_ref, project_id, owner_id, title, body)
SELECT workspace_id, 'project', id, id, owner_id, key || ' ' || name, concat_ws(' ', objective, scope_in, scope_out)
FROM projects;
INSERT INTO search_entries (workspace_id, kind, goal_ref, owner_id, title, body)
SELECT workspace_id, 'goal', id, owner_id, title, description FROM goals;
INSERT INTO search_entries (workspace_id, kind, risk_ref, project_id, owner_id, title, body)
SELECT workspace_id, 'risk', id, project_id, owner_id, title, concat_ws(' ', description, mitigation) FROM risks;
INSERT INTO search_entries (workspace_id, kind, comment_ref, project_id, task_id, owner_id, title, body)
SELECT workspace_id, 'comment', id, project_id, CASE WHEN project_id IS NULL THEN task_id END, author_id, '', body
FROM comments WHERE body IS NOT NULL;
ANALYZE tasks, search_entries;
