-- Comments on status updates too (issue 15 item 1): a sixth subject
-- column, and the check that exactly one is set counts it.
ALTER TABLE comments ADD COLUMN status_update_id BIGINT REFERENCES status_updates (id) ON DELETE CASCADE;
ALTER TABLE comments DROP CONSTRAINT comments_check;
ALTER TABLE comments ADD CONSTRAINT comments_one_subject
    CHECK (num_nonnulls(task_id, milestone_id, risk_id, goal_id, on_project, status_update_id) = 1);
CREATE INDEX comments_status_update ON comments (status_update_id, id) WHERE status_update_id IS NOT NULL;

-- What an inbox item or a follow is about can be an update as well.
ALTER TABLE notifications ADD COLUMN status_update_id BIGINT REFERENCES status_updates (id) ON DELETE CASCADE;
ALTER TABLE follows ADD COLUMN status_update_id BIGINT REFERENCES status_updates (id) ON DELETE CASCADE;
