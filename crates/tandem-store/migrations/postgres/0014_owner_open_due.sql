-- A person's open tasks by due date, kept by each write as
-- `project_open_due` is (`queries/rollups.rs`): My Work counts its
-- due-date bands by summing over a person's dates, not by counting their
-- tasks. Tasks without a due date are kept under 9999-12-31, after every
-- band's start, so they count in the last band as the list puts them last.
CREATE TABLE owner_open_due (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    due_date     DATE NOT NULL,
    open_tasks   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, owner_id, due_date)
);

-- Backfill: every open task with an owner, as the writes count it.
INSERT INTO owner_open_due (workspace_id, owner_id, due_date, open_tasks)
SELECT workspace_id, owner_id, COALESCE(due_date, DATE '9999-12-31'), COUNT(*)
FROM tasks
WHERE owner_id IS NOT NULL AND status NOT IN ('done', 'cancelled')
GROUP BY workspace_id, owner_id, COALESCE(due_date, DATE '9999-12-31');
