-- Where a task sits in its board column. NULL until someone moves it; the
-- board orders unranked tasks by id * 1024, which leaves room to place a
-- moved card between any two neighbours.

ALTER TABLE tasks ADD COLUMN board_rank REAL;
