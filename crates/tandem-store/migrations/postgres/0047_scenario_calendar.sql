-- What a what-if scenario changes of its project's calendar (issue 16
-- item 4): the working week and the exceptions it adds or takes away, as
-- JSON (`tandem_domain::scenarios::CalendarEdit`); '{}' changes nothing.
ALTER TABLE scenarios ADD COLUMN calendar TEXT NOT NULL DEFAULT '{}';
