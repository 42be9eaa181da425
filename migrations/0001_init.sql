-- Staff accounts. Passwords are argon2id hashes in PHC string format.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('officer', 'dpo', 'print', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Browser sessions, server-side and revocable. Only a SHA-256 of the cookie
-- value is stored. An individual's session carries the identity established
-- by e-ID; it never reaches a URL or a log line.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('staff', 'individual')),
    user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    subject_pnr  TEXT NOT NULL DEFAULT '',
    subject_name TEXT NOT NULL DEFAULT '',
    subject_ref  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);

-- API bearer tokens; only a SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- The last case number handed out per year: DSR-YYYY-NNNNNN.
CREATE TABLE case_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    kinds            TEXT NOT NULL,            -- JSON array of kinds
    status           TEXT NOT NULL CHECK (status IN ('received', 'assembled', 'sent', 'closed')),
    channel          TEXT NOT NULL CHECK (channel IN ('eservice', 'letter', 'phone', 'desk')),
    subject_pnr      TEXT NOT NULL,            -- 12 digits
    subject_hmac     TEXT NOT NULL,            -- keyed HMAC for look-ups
    subject_name     TEXT NOT NULL DEFAULT '',
    representative   TEXT,                     -- JSON, NULL when the person asks themselves
    language         TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    details          TEXT NOT NULL DEFAULT '{}',
    received_on      TEXT NOT NULL,
    target_on        TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    extended_due_on  TEXT,
    extension_reason TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX cases_status_due ON cases (status, due_on);
CREATE INDEX cases_due ON cases (due_on);
CREATE INDEX cases_subject ON cases (subject_hmac);

-- The assembled extract of a case (latest assembly wins until it is sent).
CREATE TABLE extracts (
    case_id      TEXT PRIMARY KEY REFERENCES cases (id),
    pdf          BLOB NOT NULL,
    pages        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    summary      TEXT NOT NULL,                -- JSON [{"name","items"}]
    assembled_at TEXT NOT NULL,
    assembled_by TEXT NOT NULL
);

CREATE TABLE print_batches (
    id         TEXT PRIMARY KEY,
    route      TEXT NOT NULL CHECK (route IN ('ordinary', 'protected')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- Outgoing answers. One answer letter per case: the unique index is what
-- makes a repeated "send" unable to produce a second letter.
CREATE TABLE letters (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    channel       TEXT CHECK (channel IN ('digital_mailbox', 'postal', 'protected_postal')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'queued', 'batched')),
    message_id    TEXT NOT NULL UNIQUE,
    receipt       TEXT NOT NULL DEFAULT '',
    pdf           BLOB NOT NULL,
    pages         INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    address_lines TEXT NOT NULL DEFAULT '[]',  -- JSON; never an identity number
    postcode      TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT 'SE',
    batch_id      TEXT REFERENCES print_batches (id),
    attempt       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX letters_one_per_case ON letters (case_id);
CREATE INDEX letters_queue ON letters (status, channel);
CREATE INDEX letters_batch ON letters (batch_id);

-- The accountability record (RULES §10): append-only, each entry chained to
-- the previous one by a SHA-256 hash.
CREATE TABLE audit_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    case_id   TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_case ON audit_events (case_id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
