-- One search across the workspace (issue 15 item 5): what is not a task
-- (projects, goals, risks, comments; documents later) has an entry here,
-- kept by triggers in the transaction of the write that changed it.
-- Tasks keep their own index (`tasks_fts`, migration 11), which the task
-- list reads too; a search reads both and ranks them together.
--
-- Each entry names what it stands for in the column of that kind, so
-- deleting the object deletes its entry. `project_id` and `task_id` are
-- for visibility: the project an entry belongs to, or, for a comment on
-- a personal task, that task; neither means the whole workspace's (a
-- goal and its talk). `owner_id` is the owner, or a comment's author.
CREATE TABLE search_entries (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    project_ref  INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    goal_ref     INTEGER REFERENCES goals (id) ON DELETE CASCADE,
    risk_ref     INTEGER REFERENCES risks (id) ON DELETE CASCADE,
    comment_ref  INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    project_id   INTEGER,
    task_id      INTEGER,
    owner_id     INTEGER,
    title        TEXT NOT NULL,
    body         TEXT
);
CREATE UNIQUE INDEX search_entries_project ON search_entries (project_ref) WHERE project_ref IS NOT NULL;
CREATE UNIQUE INDEX search_entries_goal ON search_entries (goal_ref) WHERE goal_ref IS NOT NULL;
CREATE UNIQUE INDEX search_entries_risk ON search_entries (risk_ref) WHERE risk_ref IS NOT NULL;
CREATE UNIQUE INDEX search_entries_comment ON search_entries (comment_ref) WHERE comment_ref IS NOT NULL;

-- The words, as `tasks_fts` keeps them (same tokenizer), over the
-- entries' text.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, body,
    content = 'search_entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_fts_insert AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER search_fts_delete AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER search_fts_update AFTER UPDATE OF title, body ON search_entries
    WHEN old.title IS NOT new.title OR old.body IS NOT new.body
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Projects: key and name, then what the charter says.
CREATE TRIGGER search_project_insert AFTER INSERT ON projects BEGIN
    INSERT INTO search_entries (workspace_id, kind, project_ref, project_id, owner_id, title, body)
    VALUES (new.workspace_id, 'project', new.id, new.id, new.owner_id, new.key || ' ' || new.name,
            concat_ws(' ', new.objective, new.scope_in, new.scope_out));
END;
CREATE TRIGGER search_project_update AFTER UPDATE OF key, name, objective, scope_in, scope_out, owner_id ON projects BEGIN
    UPDATE search_entries SET owner_id = new.owner_id, title = new.key || ' ' || new.name,
        body = concat_ws(' ', new.objective, new.scope_in, new.scope_out)
    WHERE project_ref = new.id;
END;

CREATE TRIGGER search_goal_insert AFTER INSERT ON goals BEGIN
    INSERT INTO search_entries (workspace_id, kind, goal_ref, owner_id, title, body)
    VALUES (new.workspace_id, 'goal', new.id, new.owner_id, new.title, new.description);
END;
CREATE TRIGGER search_goal_update AFTER UPDATE OF title, description, owner_id ON goals BEGIN
    UPDATE search_entries SET owner_id = new.owner_id, title = new.title, body = new.description
    WHERE goal_ref = new.id;
END;

CREATE TRIGGER search_risk_insert AFTER INSERT ON risks BEGIN
    INSERT INTO search_entries (workspace_id, kind, risk_ref, project_id, owner_id, title, body)
    VALUES (new.workspace_id, 'risk', new.id, new.project_id, new.owner_id, new.title,
            concat_ws(' ', new.description, new.mitigation));
END;
CREATE TRIGGER search_risk_update AFTER UPDATE OF title, description, mitigation, owner_id ON risks BEGIN
    UPDATE search_entries SET owner_id = new.owner_id, title = new.title,
        body = concat_ws(' ', new.description, new.mitigation)
    WHERE risk_ref = new.id;
END;

-- A comment's words; a deleted one (no body) has no entry.
CREATE TRIGGER search_comment_insert AFTER INSERT ON comments WHEN new.body IS NOT NULL BEGIN
    INSERT INTO search_entries (workspace_id, kind, comment_ref, project_id, task_id, owner_id, title, body)
    VALUES (new.workspace_id, 'comment', new.id, new.project_id,
            CASE WHEN new.project_id IS NULL THEN new.task_id END, new.author_id, '', new.body);
END;
CREATE TRIGGER search_comment_update AFTER UPDATE OF body, project_id ON comments BEGIN
    DELETE FROM search_entries WHERE comment_ref = new.id;
    INSERT INTO search_entries (workspace_id, kind, comment_ref, project_id, task_id, owner_id, title, body)
    SELECT new.workspace_id, 'comment', new.id, new.project_id,
           CASE WHEN new.project_id IS NULL THEN new.task_id END, new.author_id, '', new.body
    WHERE new.body IS NOT NULL;
END;

-- Backfill: what exists now (the triggers on search_entries index it).
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
