-- Milestones in an order their project's people choose, as phases are.
-- The order they were listed in becomes their first: dated ones by date,
-- then the undated, each tie as added.
ALTER TABLE milestones ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
UPDATE milestones SET position = (
    SELECT ranked.n FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY date IS NULL, date, id) AS n
        FROM milestones
    ) AS ranked
    WHERE ranked.id = milestones.id
);
