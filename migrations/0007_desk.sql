-- The case desk (issue 7): how each case ended and why, the DPO's
-- sign-off, what a case waits for, the flags that need a human judgement,
-- the day the answer reached the person, and the work queue (stage) each
-- open case belongs to, kept on the row so that every queue is read from
-- an index. Data withheld from extracts (Art. 15(4)), the documents filed
-- with a case (scanned letters, phone notes, mandates), internal notes and
-- the settings an administrator changes.
ALTER TABLE cases ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN outcome_reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN decided_on TEXT;
ALTER TABLE cases ADD COLUMN signoff TEXT NOT NULL DEFAULT '{}';     -- JSON dsr.SignOff
ALTER TABLE cases ADD COLUMN signoff_state TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN waiting TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN waiting_since TEXT;
ALTER TABLE cases ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';       -- JSON []dsr.Flag
ALTER TABLE cases ADD COLUMN answered_on TEXT;
ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT '';
UPDATE cases SET outcome = 'answered', decided_on = substr(updated_at, 1, 10), answered_on = substr(updated_at, 1, 10)
    WHERE status IN ('sent', 'closed');
CREATE INDEX cases_stage ON cases (stage, open, due_effective, number) WHERE stage <> '';

CREATE TABLE withholdings (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases (id),
    register  TEXT NOT NULL,
    record    TEXT NOT NULL,
    field     TEXT NOT NULL DEFAULT '',      -- '' when the whole record is withheld
    kind      TEXT NOT NULL CHECK (kind IN ('redact', 'item', 'disclose')), -- disclose: a catalogue default taken back
    provision TEXT NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('catalogue', 'officer')),
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    UNIQUE (case_id, register, record, field)
);

ALTER TABLE extracts ADD COLUMN staff_pdf BLOB; -- a protected person's extract as staff see it; NULL when the same

CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    purpose      TEXT NOT NULL CHECK (purpose IN ('request', 'phone_note', 'mandate', 'identity')),
    filename     TEXT NOT NULL,              -- as uploaded, shown to staff only
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    posted       INTEGER NOT NULL DEFAULT 0, -- a document that came by post and is kept on paper
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

CREATE TABLE notes (
    id      TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    actor   TEXT NOT NULL,
    body    TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE users ADD COLUMN disabled_at TEXT;
