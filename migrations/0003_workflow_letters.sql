-- The vocabulary becomes data. Case statuses, letter statuses, letter
-- purposes and staff roles were CHECK lists, so adding one meant rebuilding a
-- table. They are now rows of small tables that the columns reference; the
-- store adds the values the program knows (internal/dsr) every time it
-- opens, so a new status or role needs no table rebuild.
--
-- Letters get a purpose (answer, extension notice, receipt, identity
-- request, Art. 19 notice), an addressee and a subject line; "never twice"
-- moves from one-letter-per-case to a unique key per purpose.
--
-- This migration runs with foreign-key enforcement off (as every migration
-- does) and is checked with PRAGMA foreign_key_check before it commits.

CREATE TABLE case_statuses (status TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO case_statuses (status) VALUES ('received'), ('assembled'), ('sent'), ('closed');

CREATE TABLE letter_statuses (status TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO letter_statuses (status) VALUES ('pending'), ('delivered'), ('queued'), ('batched');

CREATE TABLE letter_purposes (purpose TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO letter_purposes (purpose) VALUES ('answer'), ('extension_notice'), ('receipt'), ('identity_request'), ('art19_notice');

CREATE TABLE roles (role TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO roles (role) VALUES ('officer'), ('dpo'), ('print'), ('admin');

CREATE TABLE users_new (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL REFERENCES roles (role),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
INSERT INTO users_new (id, email, name, role, password_hash, created_at)
    SELECT id, email, name, role, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE cases_new (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    kinds            TEXT NOT NULL,            -- JSON array of kinds
    status           TEXT NOT NULL REFERENCES case_statuses (status),
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
    updated_at       TEXT NOT NULL,
    request_key      TEXT
);
INSERT INTO cases_new (id, number, kinds, status, channel, subject_pnr, subject_hmac, subject_name, representative, language,
        details, received_on, target_on, due_on, extended_due_on, extension_reason, created_at, updated_at, request_key)
    SELECT id, number, kinds, status, channel, subject_pnr, subject_hmac, subject_name, representative, language,
        details, received_on, target_on, due_on, extended_due_on, extension_reason, created_at, updated_at, request_key FROM cases;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE INDEX cases_status_due ON cases (status, due_on);
CREATE INDEX cases_due ON cases (due_on);
CREATE INDEX cases_subject ON cases (subject_hmac);
CREATE UNIQUE INDEX cases_request_key ON cases (request_key) WHERE request_key IS NOT NULL;

CREATE TABLE letters_new (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases (id),
    purpose        TEXT NOT NULL REFERENCES letter_purposes (purpose),
    addressee_kind TEXT NOT NULL CHECK (addressee_kind IN ('subject', 'representative', 'organisation')),
    addressee_name TEXT NOT NULL DEFAULT '',
    addressee_ref  TEXT NOT NULL DEFAULT '',   -- an organisation number; '' for the subject
    unique_key     TEXT NOT NULL UNIQUE,       -- one answer per case, one notice per recipient
    subject_line   TEXT NOT NULL DEFAULT '',
    channel        TEXT CHECK (channel IN ('digital_mailbox', 'postal', 'protected_postal')),
    status         TEXT NOT NULL REFERENCES letter_statuses (status),
    message_id     TEXT NOT NULL UNIQUE,
    receipt        TEXT NOT NULL DEFAULT '',
    pdf            BLOB NOT NULL,
    pages          INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    address_lines  TEXT NOT NULL DEFAULT '[]', -- JSON; never an identity number
    postcode       TEXT NOT NULL DEFAULT '',
    country        TEXT NOT NULL DEFAULT 'SE',
    batch_id       TEXT REFERENCES print_batches (id),
    attempt        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
INSERT INTO letters_new (id, case_id, purpose, addressee_kind, addressee_name, unique_key, subject_line, channel, status,
        message_id, receipt, pdf, pages, sha256, address_lines, postcode, country, batch_id, attempt, created_at, updated_at)
    SELECT l.id, l.case_id, 'answer', 'subject', c.subject_name, l.case_id || ':answer',
        CASE c.language WHEN 'en' THEN 'Register extract from Försäkringskassan, ' ELSE 'Registerutdrag från Försäkringskassan, ' END || c.number,
        l.channel, l.status, l.message_id, l.receipt, l.pdf, l.pages, l.sha256, l.address_lines, l.postcode, l.country,
        l.batch_id, l.attempt, l.created_at, l.updated_at
    FROM letters l JOIN cases c ON c.id = l.case_id;
DROP TABLE letters;
ALTER TABLE letters_new RENAME TO letters;
CREATE INDEX letters_case ON letters (case_id);
CREATE INDEX letters_queue ON letters (status, channel);
CREATE INDEX letters_batch ON letters (batch_id);
