-- The health Tandem last judged each project to be in: a change of it is
-- an event (`project.health_changed`), told once however many nodes judge.
-- A new project starts on track (nothing is late in an empty plan), so
-- one made off track (imported, from a template) is told of. Projects
-- that were here before are judged first in silence (null): an upgrade
-- is not a change of anyone's health.
ALTER TABLE projects ADD COLUMN health TEXT DEFAULT 'on_track';
UPDATE projects SET health = NULL;
