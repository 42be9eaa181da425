-- Queues over any number of cases: whether a case is still open, the
-- deadline in force and who it is assigned to, kept on the row so that
-- every queue is read from an index in deadline order and paged by
-- position (keyset), never by sorting or scanning the table.
ALTER TABLE cases ADD COLUMN open INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN due_effective TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN assigned_to TEXT NOT NULL DEFAULT '';
UPDATE cases SET open = (status NOT IN ('sent', 'closed')), due_effective = coalesce(extended_due_on, due_on);
CREATE INDEX cases_queue ON cases (open, due_effective, number);
CREATE INDEX cases_assigned ON cases (assigned_to, open, due_effective, number);
