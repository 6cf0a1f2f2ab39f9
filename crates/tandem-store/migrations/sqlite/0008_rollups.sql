-- Progress and counts kept current by each write, so no read rolls a
-- project up from all of its tasks (`queries/rollups.rs` keeps them).
--
-- One cell per project, phase and milestone a task can sit in (0: none):
-- the sums the domain's roll-up makes of its leaf tasks, and its open
-- tasks. Weights are whole milli-hours, so a sum kept by adding and
-- subtracting equals one made afresh.
CREATE TABLE rollup_cells (
    project_id   INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase_id     INTEGER NOT NULL DEFAULT 0,
    milestone_id INTEGER NOT NULL DEFAULT 0,
    leaf_tasks   INTEGER NOT NULL DEFAULT 0,
    done_tasks   INTEGER NOT NULL DEFAULT 0,
    weight_mh    INTEGER NOT NULL DEFAULT 0,
    -- Σ weight × percent complete (a done task counts 100).
    done_mh_pct  INTEGER NOT NULL DEFAULT 0,
    open_tasks   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, phase_id, milestone_id)
) WITHOUT ROWID;

-- A project's open tasks by due date: overdue is a sum over dates, not a
-- count over tasks.
CREATE TABLE project_open_due (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    due_date   TEXT NOT NULL,
    open_tasks INTEGER NOT NULL,
    PRIMARY KEY (project_id, due_date)
) WITHOUT ROWID;

-- Backfill: the same sums as `Contribution::of` in Rust.
INSERT INTO rollup_cells (project_id, phase_id, milestone_id, leaf_tasks, done_tasks, weight_mh, done_mh_pct, open_tasks)
SELECT project_id, phase, milestone,
       SUM(leaf), SUM(leaf * done), SUM(leaf * weight), SUM(leaf * weight * pct), SUM(open)
FROM (
    SELECT t.project_id,
           COALESCE(t.phase_id, 0) AS phase,
           COALESCE(t.milestone_id, 0) AS milestone,
           CASE WHEN t.status <> 'cancelled'
                 AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) THEN 1 ELSE 0 END AS leaf,
           CASE WHEN t.status = 'done' THEN 1 ELSE 0 END AS done,
           CASE WHEN t.status IN ('done', 'cancelled') THEN 0 ELSE 1 END AS open,
           CASE WHEN t.effort_hours > 0 THEN CAST(ROUND(t.effort_hours * 1000.0) AS INTEGER)
                WHEN t.estimate_days > 0 THEN CAST(ROUND(t.estimate_days * 8.0 * 1000.0) AS INTEGER)
                ELSE 8000 END AS weight,
           CASE WHEN t.status = 'done' THEN 100
                ELSE MIN(MAX(t.percent_complete, 0), 100) END AS pct
    FROM tasks t
    WHERE t.project_id IS NOT NULL
) AS contributions
GROUP BY project_id, phase, milestone;

INSERT INTO project_open_due (project_id, due_date, open_tasks)
SELECT project_id, due_date, COUNT(*)
FROM tasks
WHERE project_id IS NOT NULL AND due_date IS NOT NULL AND status NOT IN ('done', 'cancelled')
GROUP BY project_id, due_date;
