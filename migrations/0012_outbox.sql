-- One outbox for every letter (issue 9). A letter is written pending; the
-- outbox decides its route once and records it: digital (sending until the
-- mailbox operator's receipt, retried with backoff) or paper (queued for a
-- batch). The print shop's status file moves paper letters on: printed,
-- handed over to the post, or returned. Every change is kept in the
-- letter's history.
INSERT INTO letter_statuses (status) VALUES ('sending'), ('printed'), ('handed_over'), ('returned');
ALTER TABLE letters ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE letters ADD COLUMN next_try_at TEXT;
CREATE INDEX letters_outbox ON letters (next_try_at) WHERE status IN ('pending', 'sending') AND next_try_at IS NOT NULL;
CREATE TABLE letter_events (
    seq       INTEGER PRIMARY KEY,
    letter_id TEXT NOT NULL REFERENCES letters (id),
    at        TEXT NOT NULL,
    status    TEXT NOT NULL REFERENCES letter_statuses (status),
    channel   TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX letter_events_letter ON letter_events (letter_id, seq);
INSERT INTO letter_events (letter_id, at, status, channel, detail)
    SELECT id, updated_at, status, coalesce(channel, ''), 'before the outbox' FROM letters;
