-- Scheduled publishing: a change set with `publish_at` is published by the scheduler inside
-- the server once that time has come, exactly once however many servers share the file (the
-- publish and the check that it is still due are one `BEGIN IMMEDIATE` transaction).
--
-- How late the scheduler published it (milliseconds after `publish_at`: a server that was not
-- running at the time publishes it on its next start), and, when a scheduled publish was
-- refused (conflicts, a page that would not be valid), why: the schedule is then cleared, and
-- the change set stays open for an editor to resolve.
ALTER TABLE change_sets ADD COLUMN scheduled_by TEXT;
ALTER TABLE change_sets ADD COLUMN published_late_ms INTEGER;
ALTER TABLE change_sets ADD COLUMN schedule_error TEXT;

CREATE INDEX change_sets_scheduled ON change_sets (publish_at)
    WHERE state = 'open' AND publish_at IS NOT NULL;
