package sqlite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"dsrdesk/internal/dsr"
)

// rawHolds reports whether the store's files (the database and its
// write-ahead log) hold s as bytes.
func rawHolds(t *testing.T, path, s string) bool {
	t.Helper()
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// A store written before identity numbers were sealed holds them plain;
// opening it with this program seals every one (subject, representative,
// session) and leaves no plain copy in the files, and the cases read as
// before.
func TestOpenSealsPlainIdentityNumbers(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpen(t)
	c := newCase("case-plain", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	c.Representative = &dsr.Representative{Role: dsr.RoleGuardian, Name: "Vårdnadshavare Provsson", PNR: "197001019816"}
	if _, err := db.CreateCase(ctx, c, "hmac", "rep-hmac", "", received(c)); err != nil {
		t.Fatal(err)
	}
	s := &dsr.Session{TokenHash: "tok", Kind: "individual", SubjectPNR: "198112189876", ExpiresAt: time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)}
	if err := db.CreateSession(ctx, s, dsr.Event(officer, dsr.ActionSignedIn, "", "")); err != nil {
		t.Fatal(err)
	}
	if rawHolds(t, path, "198112189876") || rawHolds(t, path, "197001019816") {
		t.Fatal("a new case or session holds an identity number in plain text")
	}
	// As an older program wrote them.
	for _, q := range []string{
		`UPDATE cases SET subject_pnr = '198112189876', representative = '{"role":"guardian","name":"Vårdnadshavare Provsson","pnr":"197001019816"}'`,
		`UPDATE sessions SET subject_pnr = '198112189876'`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if !rawHolds(t, path, "197001019816") {
		t.Fatal("the test did not manage to write a plain identity number")
	}

	again, err := Open(ctx, path, Options{SealKey: testSealKey, Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if rawHolds(t, path, "198112189876") || rawHolds(t, path, "197001019816") {
		t.Error("after opening, the store's files still hold an identity number in plain text")
	}
	got, err := again.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SubjectPNR != c.SubjectPNR || got.Representative == nil || got.Representative.PNR != "197001019816" || got.Representative.Name != "Vårdnadshavare Provsson" {
		t.Errorf("the case reads back as %s, representative %+v", got.SubjectPNR, got.Representative)
	}
	if sess, err := again.Session(ctx, "tok"); err != nil || sess.SubjectPNR != s.SubjectPNR {
		t.Errorf("the session reads back as %+v, %v", sess, err)
	}
}

// A store opened with another key than it was sealed with is refused at
// once, with an error that says which key to use, rather than failing on
// every case it reads.
func TestOpenRefusesAnotherSealKey(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpen(t)
	c := newCase("case-key", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	other := bytes.Repeat([]byte{7}, 32)
	if _, err := Open(ctx, path, Options{SealKey: other}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("opening with another key: %v, want ErrWrongKey", err)
	}
	if _, err := Open(ctx, path, Options{}); err == nil {
		t.Fatal("a store opened without a key")
	}
}

// A sealed number is bound to its row: copied into another case, it does
// not open there.
func TestSealedNumberIsBoundToItsRow(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	a := newCase("case-a", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	b := newCase("case-b", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	b.SubjectPNR = "197001019816"
	for _, c := range []*dsr.Case{a, b} {
		if _, err := db.CreateCase(ctx, c, "hmac-"+c.ID, "", "", received(c)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE cases SET subject_pnr = (SELECT subject_pnr FROM cases WHERE id = 'case-a') WHERE id = 'case-b'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Case(ctx, b.ID); err == nil {
		t.Fatal("case b read with case a's sealed identity number")
	}
	if got, err := db.Case(ctx, a.ID); err != nil || got.SubjectPNR != a.SubjectPNR {
		t.Fatalf("case a: %v %v", got, err)
	}
}
