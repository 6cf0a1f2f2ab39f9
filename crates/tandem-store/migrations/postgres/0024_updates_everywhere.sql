-- Status updates are posted on a portfolio or a goal too, not only on a
-- project: each row names exactly one of the three.
ALTER TABLE status_updates ALTER COLUMN project_id DROP NOT NULL;
ALTER TABLE status_updates ADD COLUMN portfolio_id BIGINT REFERENCES portfolios (id) ON DELETE CASCADE;
ALTER TABLE status_updates ADD COLUMN goal_id BIGINT REFERENCES goals (id) ON DELETE CASCADE;
ALTER TABLE status_updates ADD CONSTRAINT status_updates_one_subject CHECK (
    (project_id IS NOT NULL)::int + (portfolio_id IS NOT NULL)::int + (goal_id IS NOT NULL)::int = 1
);
CREATE INDEX status_updates_portfolio ON status_updates (portfolio_id, id);
CREATE INDEX status_updates_goal ON status_updates (goal_id, id);

-- How often a project's people are expected to post an update, in days;
-- 0 expects none. Weekly unless a project says otherwise.
ALTER TABLE projects ADD COLUMN update_cadence_days BIGINT NOT NULL DEFAULT 7;
