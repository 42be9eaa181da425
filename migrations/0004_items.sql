-- Requests to rectify, complete, erase, restrict or object (GDPR Art. 16–18,
-- 21): what the request asks beyond its kinds, every affected item with the
-- outcome the exemption engine proposed and the outcome decided, and the
-- Art. 19 notifications to recipients of changed data.

ALTER TABLE cases ADD COLUMN change_request TEXT NOT NULL DEFAULT '{}'; -- JSON dsr.ChangeRequest

CREATE TABLE items (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    seq             INTEGER NOT NULL,        -- the engine's order
    kind            TEXT NOT NULL,
    register        TEXT NOT NULL,
    record          TEXT NOT NULL,
    field           TEXT NOT NULL DEFAULT '',
    value           TEXT NOT NULL DEFAULT '', -- the person's own data; shown only to staff and the person
    requested       TEXT NOT NULL DEFAULT '',
    proposed        TEXT NOT NULL,
    proposed_cite   TEXT NOT NULL,
    proposed_sv     TEXT NOT NULL,
    proposed_en     TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    cite            TEXT NOT NULL,
    ground_sv       TEXT NOT NULL,
    ground_en       TEXT NOT NULL,
    overridden_by   TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    executed_at     TEXT,
    UNIQUE (case_id, seq)
);

CREATE TABLE notifications (
    case_id    TEXT NOT NULL REFERENCES cases (id),
    org_no     TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'impossible')),
    reason     TEXT NOT NULL DEFAULT '{}', -- JSON dsr.Text
    letter_id  TEXT REFERENCES letters (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, org_no)
) WITHOUT ROWID;
