-- Statistics and queue totals (issue 7). The DPO's dashboard and the total
-- of every queue are read from counts that triggers keep as cases are
-- inserted, changed and deleted, so that no request counts or scans a
-- million cases. Two views say once what a case contributes; the triggers
-- take a case's contribution away before it changes and add it back after,
-- and the same views fill the counts from the cases already stored.
--
-- Counts that fall to zero stay as rows with n = 0; readers skip them.

-- What a case contributes to the queue totals: an open case once under its
-- status, its deadline in force, its assignee ('' for no one) and its
-- stage; an answered case once under 'closed'. These are the columns the
-- queues filter on (sqlite.ListCases).
CREATE VIEW case_count_facts (id, dim, key) AS
              SELECT id, 'open_status', status FROM cases WHERE open = 1
    UNION ALL SELECT id, 'open_due', due_effective FROM cases WHERE open = 1
    UNION ALL SELECT id, 'open_assignee', assigned_to FROM cases WHERE open = 1
    UNION ALL SELECT id, 'open_stage', stage FROM cases WHERE open = 1
    UNION ALL SELECT id, 'closed', '' FROM cases WHERE open = 0;

CREATE TABLE case_counts (
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    n   INTEGER NOT NULL,
    PRIMARY KEY (dim, key)
) WITHOUT ROWID;

-- What a case contributes to the statistics of a calendar month (YYYY-MM):
-- by the month it was received, the request, its channel, each kind it asks
-- for and an extension; by the month it was answered (answered_on: the day
-- the letter reached the person), its days to answer, whether that was on
-- or before the deadline in force, and for an access request whether it
-- was answered the day it arrived; by the month its outcome was decided,
-- the outcome.
CREATE VIEW stats_facts (id, month, metric, key) AS
              SELECT id, substr(received_on, 1, 7), 'received', '' FROM cases
    UNION ALL SELECT id, substr(received_on, 1, 7), 'channel', channel FROM cases
    UNION ALL SELECT c.id, substr(c.received_on, 1, 7), 'kind', k.value FROM cases c, json_each(c.kinds) k WHERE k.type = 'text'
    UNION ALL SELECT id, substr(received_on, 1, 7), 'extended', '' FROM cases WHERE extended_due_on IS NOT NULL
    UNION ALL SELECT id, substr(answered_on, 1, 7), 'days', CAST(julianday(answered_on) - julianday(received_on) AS INTEGER)
                  FROM cases WHERE julianday(answered_on) IS NOT NULL AND julianday(received_on) IS NOT NULL
    UNION ALL SELECT id, substr(answered_on, 1, 7), 'on_time', '' FROM cases WHERE answered_on IS NOT NULL AND answered_on <= due_effective
    UNION ALL SELECT id, substr(answered_on, 1, 7), 'access_answered', '' FROM cases
                  WHERE answered_on IS NOT NULL AND instr(kinds, '"access"') > 0
    UNION ALL SELECT id, substr(answered_on, 1, 7), 'access_same_day', '' FROM cases
                  WHERE answered_on IS NOT NULL AND instr(kinds, '"access"') > 0 AND answered_on = received_on
    UNION ALL SELECT id, substr(decided_on, 1, 7), 'outcome', outcome FROM cases WHERE outcome <> '' AND decided_on IS NOT NULL;

CREATE TABLE stats_month (
    month  TEXT NOT NULL,   -- YYYY-MM
    metric TEXT NOT NULL,
    key    TEXT NOT NULL,   -- a kind, channel or outcome; days to answer for 'days'; '' for a plain count
    n      INTEGER NOT NULL,
    PRIMARY KEY (month, metric, key)
) WITHOUT ROWID;

INSERT INTO case_counts (dim, key, n) SELECT dim, key, count(*) FROM case_count_facts GROUP BY dim, key;
INSERT INTO stats_month (month, metric, key, n) SELECT month, metric, key, count(*) FROM stats_facts GROUP BY month, metric, key;

CREATE TRIGGER cases_counts_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_counts (dim, key, n) SELECT dim, key, 1 FROM case_count_facts WHERE id = NEW.id
        ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO stats_month (month, metric, key, n) SELECT month, metric, key, 1 FROM stats_facts WHERE id = NEW.id
        ON CONFLICT (month, metric, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cases_counts_delete BEFORE DELETE ON cases
BEGIN
    INSERT INTO case_counts (dim, key, n) SELECT dim, key, -1 FROM case_count_facts WHERE id = OLD.id
        ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
    INSERT INTO stats_month (month, metric, key, n) SELECT month, metric, key, -1 FROM stats_facts WHERE id = OLD.id
        ON CONFLICT (month, metric, key) DO UPDATE SET n = n - 1;
END;

-- An update takes the case's old contribution away (before) and adds its
-- new one (after), only when a column the counts read changes (the
-- deadline in force matters to the statistics only once answered).
CREATE TRIGGER cases_counts_before_update BEFORE UPDATE ON cases
WHEN OLD.open IS NOT NEW.open OR OLD.status IS NOT NEW.status OR OLD.due_effective IS NOT NEW.due_effective
    OR OLD.assigned_to IS NOT NEW.assigned_to OR OLD.stage IS NOT NEW.stage
BEGIN
    INSERT INTO case_counts (dim, key, n) SELECT dim, key, -1 FROM case_count_facts WHERE id = OLD.id
        ON CONFLICT (dim, key) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER cases_counts_after_update AFTER UPDATE ON cases
WHEN OLD.open IS NOT NEW.open OR OLD.status IS NOT NEW.status OR OLD.due_effective IS NOT NEW.due_effective
    OR OLD.assigned_to IS NOT NEW.assigned_to OR OLD.stage IS NOT NEW.stage
BEGIN
    INSERT INTO case_counts (dim, key, n) SELECT dim, key, 1 FROM case_count_facts WHERE id = NEW.id
        ON CONFLICT (dim, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cases_stats_before_update BEFORE UPDATE ON cases
WHEN OLD.received_on IS NOT NEW.received_on OR OLD.channel IS NOT NEW.channel OR OLD.kinds IS NOT NEW.kinds
    OR OLD.extended_due_on IS NOT NEW.extended_due_on OR OLD.answered_on IS NOT NEW.answered_on
    OR OLD.due_effective IS NOT NEW.due_effective AND coalesce(OLD.answered_on, NEW.answered_on) IS NOT NULL
    OR OLD.outcome IS NOT NEW.outcome OR OLD.decided_on IS NOT NEW.decided_on
BEGIN
    INSERT INTO stats_month (month, metric, key, n) SELECT month, metric, key, -1 FROM stats_facts WHERE id = OLD.id
        ON CONFLICT (month, metric, key) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER cases_stats_after_update AFTER UPDATE ON cases
WHEN OLD.received_on IS NOT NEW.received_on OR OLD.channel IS NOT NEW.channel OR OLD.kinds IS NOT NEW.kinds
    OR OLD.extended_due_on IS NOT NEW.extended_due_on OR OLD.answered_on IS NOT NEW.answered_on
    OR OLD.due_effective IS NOT NEW.due_effective AND coalesce(OLD.answered_on, NEW.answered_on) IS NOT NULL
    OR OLD.outcome IS NOT NEW.outcome OR OLD.decided_on IS NOT NEW.decided_on
BEGIN
    INSERT INTO stats_month (month, metric, key, n) SELECT month, metric, key, 1 FROM stats_facts WHERE id = NEW.id
        ON CONFLICT (month, metric, key) DO UPDATE SET n = n + 1;
END;
