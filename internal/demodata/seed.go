package demodata

import (
	"dsrdesk/internal/pnr"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver

	"dsrdesk/internal/catalogue"
)

// The files Seed writes in the data folder.
const (
	DatabaseFile  = "registers.db"
	CatalogueFile = "registers.json"
)

// schema is the simulated source systems. Dates are ISO text in TEXT columns
// (a DATE column would make the driver turn them into timestamps); amounts
// are whole kronor.
const schema = `
CREATE TABLE population (
	pnr        TEXT PRIMARY KEY CHECK (length(pnr) = 12 AND pnr NOT GLOB '*[^0-9]*'),
	name       TEXT NOT NULL,
	care_of    TEXT NOT NULL DEFAULT '',
	street     TEXT NOT NULL DEFAULT '',
	postcode   TEXT NOT NULL DEFAULT '',
	town       TEXT NOT NULL DEFAULT '',
	country    TEXT NOT NULL DEFAULT 'SE',
	protection TEXT NOT NULL DEFAULT 'none'
		CHECK (protection IN ('none', 'sekretessmarkering', 'skyddad_folkbokforing', 'fingerade_personuppgifter')),
	born_on    TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD; '' when Skatteverket does not know it
	-- The särskild postadress, where the person has asked for their post
	-- instead of the registered address above; all '' when there is none.
	special_care_of  TEXT NOT NULL DEFAULT '',
	special_street   TEXT NOT NULL DEFAULT '',
	special_postcode TEXT NOT NULL DEFAULT '',
	special_town     TEXT NOT NULL DEFAULT '',
	special_country  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Who has custody of a child (vårdnadshavare), as the population register says.
CREATE TABLE guardians (
	child_pnr    TEXT NOT NULL REFERENCES population (pnr),
	guardian_pnr TEXT NOT NULL REFERENCES population (pnr),
	PRIMARY KEY (child_pnr, guardian_pnr)
) WITHOUT ROWID;
CREATE INDEX guardians_guardian ON guardians (guardian_pnr);

CREATE TABLE benefit_decisions (
	id             INTEGER PRIMARY KEY,
	pnr            TEXT NOT NULL REFERENCES population (pnr),
	benefit        TEXT NOT NULL,
	decided_on     TEXT NOT NULL,
	period_from    TEXT,
	period_to      TEXT,
	amount_per_day INTEGER,
	decision       TEXT NOT NULL
);
CREATE INDEX benefit_decisions_pnr ON benefit_decisions (pnr, decided_on);

CREATE TABLE payments (
	id             INTEGER PRIMARY KEY,
	pnr            TEXT NOT NULL REFERENCES population (pnr),
	paid_on        TEXT NOT NULL,
	benefit        TEXT NOT NULL,
	amount_sek     INTEGER NOT NULL,
	account_masked TEXT NOT NULL
);
CREATE INDEX payments_pnr ON payments (pnr, paid_on);

CREATE TABLE contacts (
	id           INTEGER PRIMARY KEY,
	pnr          TEXT NOT NULL REFERENCES population (pnr),
	contacted_on TEXT NOT NULL,
	channel      TEXT NOT NULL,
	subject      TEXT NOT NULL
);
CREATE INDEX contacts_pnr ON contacts (pnr, contacted_on);

CREATE TABLE lefi_disclosures (
	id               INTEGER PRIMARY KEY,
	pnr              TEXT NOT NULL REFERENCES population (pnr),
	disclosed_on     TEXT NOT NULL,
	recipient        TEXT NOT NULL,
	recipient_org_no TEXT NOT NULL,
	benefit          TEXT NOT NULL,
	legal_basis      TEXT NOT NULL,
	purpose          TEXT NOT NULL
);
CREATE INDEX lefi_disclosures_pnr ON lefi_disclosures (pnr, disclosed_on);

-- LEFI Prenumeration: organisations that receive changes to the benefit data
-- they subscribe to.
CREATE TABLE lefi_subscriptions (
	id                INTEGER PRIMARY KEY,
	pnr               TEXT NOT NULL REFERENCES population (pnr),
	subscriber        TEXT NOT NULL,
	subscriber_org_no TEXT NOT NULL,
	benefit           TEXT NOT NULL,
	since             TEXT NOT NULL,
	legal_basis       TEXT NOT NULL
);
CREATE INDEX lefi_subscriptions_pnr ON lefi_subscriptions (pnr);

-- Housing allowance decisions (bostadsbidrag). A spouse's or co-habitant's
-- income counts towards the household's; it is NULL for a person who lives
-- alone, and the catalogue withholds it from the person's extract.
CREATE TABLE housing_allowance (
	id                    INTEGER PRIMARY KEY,
	pnr                   TEXT NOT NULL REFERENCES population (pnr),
	decided_on            TEXT NOT NULL,
	period_from           TEXT,
	period_to             TEXT,
	allowance_sek         INTEGER,
	own_income_sek        INTEGER,
	cohabitant_income_sek INTEGER,
	decision              TEXT NOT NULL
);
CREATE INDEX housing_allowance_pnr ON housing_allowance (pnr, decided_on);

-- Documents registered in a person's case files: applications, medical
-- certificates, income statements.
CREATE TABLE case_documents (
	id          INTEGER PRIMARY KEY,
	pnr         TEXT NOT NULL REFERENCES population (pnr),
	received_on TEXT NOT NULL,
	doc_type    TEXT NOT NULL,
	benefit     TEXT NOT NULL,
	case_ref    TEXT NOT NULL,
	sender      TEXT NOT NULL
);
CREATE INDEX case_documents_pnr ON case_documents (pnr, received_on);

-- People who are a party in someone else's case without being the
-- applicant, such as the child a parent's temporary parental benefit is for.
-- pnr is the party; applicant_name is the other person's, which the
-- catalogue withholds from the party's extract.
CREATE TABLE case_parties (
	id             INTEGER PRIMARY KEY,
	pnr            TEXT NOT NULL REFERENCES population (pnr),
	case_date      TEXT NOT NULL,
	benefit        TEXT NOT NULL,
	role           TEXT NOT NULL,
	concerns       TEXT NOT NULL,
	applicant_name TEXT NOT NULL
);
CREATE INDEX case_parties_pnr ON case_parties (pnr, case_date);

-- E-mail reminders the person asked for: processed on consent.
CREATE TABLE reminders (
	id    INTEGER PRIMARY KEY,
	pnr   TEXT NOT NULL REFERENCES population (pnr),
	email TEXT NOT NULL,
	topic TEXT NOT NULL,
	since TEXT NOT NULL
);
CREATE INDEX reminders_pnr ON reminders (pnr);

-- Restricted records (GDPR Art. 18): while a record is here it is only stored.
CREATE TABLE restrictions (
	register  TEXT NOT NULL,
	record_id TEXT NOT NULL,
	pnr       TEXT NOT NULL,
	ground    TEXT NOT NULL,
	since     TEXT NOT NULL,
	PRIMARY KEY (register, record_id)
) WITHOUT ROWID;
CREATE INDEX restrictions_pnr ON restrictions (pnr);

-- Supplementary statements attached to records (GDPR Art. 16). key makes
-- attaching the same statement twice attach it once.
CREATE TABLE statements (
	key       TEXT PRIMARY KEY,
	register  TEXT NOT NULL,
	record_id TEXT NOT NULL,
	pnr       TEXT NOT NULL,
	text      TEXT NOT NULL,
	added_on  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX statements_pnr ON statements (pnr);
`

// rowsPerTx is how many rows go into one insert transaction.
const rowsPerTx = 5000

// Seed creates or replaces dir/registers.db with the demonstration registers
// and writes dir/registers.json from the default catalogue if it is missing
// (an operator's edited catalogue is never overwritten). The database is
// built in a temporary file and renamed into place, so a crash leaves either
// the old database or the new one, never half of one. Seeding is
// deterministic: every run writes the same data.
func Seed(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".registers-*.db")
	if err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	tmpPath := tmp.Name()
	_ = tmp.Close()
	renamed := false
	defer func() {
		if !renamed {
			_ = os.Remove(tmpPath)
		}
	}()

	if err := build(ctx, tmpPath); err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	if err := os.Rename(tmpPath, filepath.Join(dir, DatabaseFile)); err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	renamed = true
	if err := syncFile(dir); err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	if err := writeIfMissing(filepath.Join(dir, CatalogueFile), catalogue.Default()); err != nil {
		return fmt.Errorf("seed registers: %w", err)
	}
	return nil
}

// build writes the schema and the demonstration data into a new database
// file. The file is private until renamed, so it is written without fsyncs;
// Seed syncs it once at the end.
func build(ctx context.Context, path string) error {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite3", "file:"+esc+"?_journal_mode=MEMORY&_synchronous=OFF&_foreign_keys=on&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}

	recs := demoRecords()
	var population, decisionRows, payments, contacts, disclosures, subscriptions, reminders [][]any
	var housing, documents, parties, guardianRows [][]any
	for _, r := range recs {
		sp := r.special
		population = append(population, []any{string(r.PNR), r.Name, r.careOf, r.street, r.Postcode, r.town, r.country, string(r.Protection), bornOn(r.PNR),
			sp.CareOf, sp.Street, sp.Postcode, sp.Town, sp.Country})
		if r.GuardianPNR != "" {
			guardianRows = append(guardianRows, []any{string(r.PNR), string(r.GuardianPNR)})
		}
		for _, d := range r.decisions {
			decisionRows = append(decisionRows, []any{string(r.PNR), d.benefit, d.decidedOn, nullIfEmpty(d.from), nullIfEmpty(d.to), nullIfZero(d.perDay), d.decision})
			if r.payments != nil {
				continue // the payments are listed; do not derive more
			}
			for _, p := range decisionPayments(d, r.account) {
				payments = append(payments, []any{string(r.PNR), p.paidOn, p.benefit, p.amount, p.account})
			}
		}
		for _, p := range r.payments {
			payments = append(payments, []any{string(r.PNR), p.paidOn, p.benefit, p.amount, p.account})
		}
		for _, c := range r.contacts {
			contacts = append(contacts, []any{string(r.PNR), c.on, c.channel, c.subject})
		}
		for _, d := range r.disclosures {
			disclosures = append(disclosures, []any{string(r.PNR), d.on, d.recipient, d.orgNo, d.benefit, d.basis, d.purpose})
		}
		for _, s := range r.subscriptions {
			subscriptions = append(subscriptions, []any{string(r.PNR), s.subscriber, s.orgNo, s.benefit, s.since, s.basis})
		}
		for _, m := range r.reminders {
			reminders = append(reminders, []any{string(r.PNR), m.email, m.topic, m.since})
		}
		for _, h := range r.housing {
			housing = append(housing, []any{string(r.PNR), h.decidedOn, nullIfEmpty(h.from), nullIfEmpty(h.to), nullIfZero(h.perMonth),
				nullIfZero(h.ownIncome), nullIfZero(h.cohabitantIncome), h.decision})
			for _, p := range housingPayments(h, r.account) {
				payments = append(payments, []any{string(r.PNR), p.paidOn, p.benefit, p.amount, p.account})
			}
		}
		for _, d := range r.documents {
			documents = append(documents, []any{string(r.PNR), d.receivedOn, d.docType, d.benefit, d.caseRef, d.sender})
		}
		for _, p := range r.parties {
			parties = append(parties, []any{string(r.PNR), p.caseDate, p.benefit, p.role, p.concerns, p.applicant})
		}
	}

	for _, t := range []struct {
		insert string
		rows   [][]any
	}{
		{`INSERT INTO population (pnr, name, care_of, street, postcode, town, country, protection, born_on,
			special_care_of, special_street, special_postcode, special_town, special_country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, population},
		{`INSERT INTO guardians (child_pnr, guardian_pnr) VALUES (?, ?)`, guardianRows},
		{`INSERT INTO benefit_decisions (pnr, benefit, decided_on, period_from, period_to, amount_per_day, decision) VALUES (?, ?, ?, ?, ?, ?, ?)`, decisionRows},
		{`INSERT INTO payments (pnr, paid_on, benefit, amount_sek, account_masked) VALUES (?, ?, ?, ?, ?)`, payments},
		{`INSERT INTO contacts (pnr, contacted_on, channel, subject) VALUES (?, ?, ?, ?)`, contacts},
		{`INSERT INTO lefi_disclosures (pnr, disclosed_on, recipient, recipient_org_no, benefit, legal_basis, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)`, disclosures},
		{`INSERT INTO lefi_subscriptions (pnr, subscriber, subscriber_org_no, benefit, since, legal_basis) VALUES (?, ?, ?, ?, ?, ?)`, subscriptions},
		{`INSERT INTO reminders (pnr, email, topic, since) VALUES (?, ?, ?, ?)`, reminders},
		{`INSERT INTO housing_allowance (pnr, decided_on, period_from, period_to, allowance_sek, own_income_sek, cohabitant_income_sek, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, housing},
		{`INSERT INTO case_documents (pnr, received_on, doc_type, benefit, case_ref, sender) VALUES (?, ?, ?, ?, ?, ?)`, documents},
		{`INSERT INTO case_parties (pnr, case_date, benefit, role, concerns, applicant_name) VALUES (?, ?, ?, ?, ?, ?)`, parties},
	} {
		if err := insertAll(ctx, db, t.insert, t.rows); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return db.Close()
}

// insertAll inserts rows with one prepared statement, rowsPerTx rows to a
// transaction.
func insertAll(ctx context.Context, db *sql.DB, insert string, rows [][]any) error {
	for start := 0; start < len(rows); start += rowsPerTx {
		end := min(start+rowsPerTx, len(rows))
		if err := insertChunk(ctx, db, insert, rows[start:end]); err != nil {
			return err
		}
	}
	return nil
}

func insertChunk(ctx context.Context, db *sql.DB, insert string, rows [][]any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	st, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("prepare %q: %w", insert, err)
	}
	defer st.Close()
	for _, row := range rows {
		if _, err := st.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return tx.Commit()
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// syncFile flushes a file or directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// writeIfMissing writes data to path unless a file is already there. It
// writes a temporary file and links it into place, so that an existing
// file is never replaced and a crash never leaves half a file.
func writeIfMissing(path string, data []byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".registers-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	switch {
	case err == nil, errors.Is(err, fs.ErrExist):
		return nil
	case errors.Is(err, errors.ErrUnsupported), errors.Is(err, fs.ErrPermission):
		// No hard links on this file system: rename instead, accepting the
		// small race with an operator creating the file at the same moment.
		return os.Rename(tmp.Name(), path)
	}
	return err
}

// bornOn is the birth date the demo population register records: the
// fictional people are born on the date their numbers show (a
// samordningsnummer's day less 60), and "" (unknown) for a samordningsnummer
// with month 00 or day 60. Real population data carry the date themselves;
// dsrdesk never derives it from a number.
func bornOn(p pnr.PNR) string {
	y, m, d, ok := p.DateShown()
	if !ok || m == 0 || d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
