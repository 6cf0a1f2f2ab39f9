-- Levelling recorded as Microsoft Project's leveling delay (issue 16 item
-- 5): the working minutes levelling put a task's start off by, after its
-- links and constraint, which clearing levelling sets back to 0; not a
-- start-no-earlier-than date that outlives its cause.
ALTER TABLE tasks ADD COLUMN levelling_delay INTEGER NOT NULL DEFAULT 0
    CHECK (levelling_delay >= 0);
