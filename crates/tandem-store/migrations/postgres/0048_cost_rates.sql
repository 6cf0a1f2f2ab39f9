-- What an hour of a member's work costs, in the workspace's currency
-- (Microsoft Project's standard rate): what-if scenarios compare their
-- plans' cost by it (issue 16 item 4). NULL: not costed.
ALTER TABLE members ADD COLUMN cost_rate DOUBLE PRECISION
    CHECK (cost_rate IS NULL OR cost_rate >= 0);
-- Kept while a member is deactivated, as their hours are.
ALTER TABLE deactivated_members ADD COLUMN cost_rate DOUBLE PRECISION;
