-- A column of the board in its order, read a window at a time: by
-- project and status, then each card's place (its rank, or for a card
-- never moved its id times the gap new ranks leave, UNRANKED_STEP), the
-- same expression the list query sorts by, so the index gives the order.
CREATE INDEX tasks_board ON tasks (project_id, status, COALESCE(board_rank, CAST(id AS DOUBLE PRECISION) * 1024));
