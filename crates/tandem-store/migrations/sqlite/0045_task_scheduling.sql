-- Two kinds of dates (issue 16 item 5), as Microsoft Project's manually
-- and auto scheduled tasks: whether a task keeps the dates a person gave
-- it (`dated`), is placed by the plan (`scheduled`), or, `auto`, is dated
-- while it has a date and nothing ties it into a plan.
ALTER TABLE tasks ADD COLUMN scheduling TEXT NOT NULL DEFAULT 'auto'
    CHECK (scheduling IN ('auto', 'dated', 'scheduled'));
