package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBackupWhileWritingHoldsEveryCommittedCase takes a backup while cases
// keep being created, and finds in the copy every case committed before the
// backup began, an intact file and a schema version.
func TestBackupWhileWritingHoldsEveryCommittedCase(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	create := func(id string) {
		c := newCase(id, day)
		if _, err := db.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
			t.Error(err)
		}
	}
	for i := range 50 {
		create(fmt.Sprintf("before-%03d", i))
	}
	stop := make(chan struct{})
	var during atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			create(fmt.Sprintf("during-%05d", i))
			during.Add(1)
		}
	}()
	for during.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	committed := 50 + int(during.Load())
	to := filepath.Join(t.TempDir(), "kopia.db")
	info, err := db.Backup(ctx, to, false)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.Cases < committed || info.Version < 1 || info.AuditEntries < info.Cases || info.Bytes == 0 {
		t.Fatalf("backup %+v, want at least %d cases", info, committed)
	}
	if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup, which holds personal data, can be read by others: %v %v", fi.Mode(), err)
	}
	for _, suffix := range []string{".part", "-wal", "-shm", "-journal"} {
		if _, err := os.Stat(to + suffix); err == nil {
			t.Errorf("%s is left beside the backup", suffix)
		}
	}
	copyDB, err := Open(ctx, to, Options{SealKey: testSealKey})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	for i := range 50 {
		if _, err := copyDB.Case(ctx, fmt.Sprintf("before-%03d", i)); err != nil {
			t.Fatalf("case before-%03d is not in the backup: %v", i, err)
		}
	}
	if _, err := db.Backup(ctx, to, false); !errors.Is(err, ErrFileExists) {
		t.Fatalf("a second backup over the first: %v", err)
	}
}

// TestRestoreRefusesAndReplaces walks restore's refusals — a file that is
// no case store, an existing store without overwrite, a store another
// connection holds open — and then a restore that keeps the old store
// beside.
func TestRestoreRefusesAndReplaces(t *testing.T) {
	ctx := context.Background()
	src, _ := mustOpen(t)
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	c := newCase("from-backup", day)
	if _, err := src.CreateCase(ctx, c, "hmac", "", "", received(c)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	backup := filepath.Join(dir, "kopia.db")
	if _, err := src.Backup(ctx, backup, false); err != nil {
		t.Fatal(err)
	}

	// Not a store: a text file, an empty SQLite database.
	text := filepath.Join(dir, "anteckning.txt")
	os.WriteFile(text, []byte("inte en databas, bara text som är längre än ett sidhuvud………………………………"), 0o600)
	empty := filepath.Join(dir, "tom.db")
	if d, err := sqlOpenForTest(empty); err == nil {
		d.Exec(`CREATE TABLE x (y)`)
		d.Close()
	}
	target := filepath.Join(t.TempDir(), "dsrdesk.db")
	for _, f := range []string{text, empty, filepath.Join(dir, "saknas.db")} {
		if _, err := Restore(ctx, f, target, true); err == nil {
			t.Errorf("restored from %s", filepath.Base(f))
		}
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a refused restore left a store")
	}

	// An existing store, open in another connection (a running server).
	live, err := Open(ctx, target, Options{SealKey: testSealKey})
	if err != nil {
		t.Fatal(err)
	}
	other := newCase("replaced", day)
	if _, err := live.CreateCase(ctx, other, "hmac", "", "", received(other)); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, backup, target, false); !errors.Is(err, ErrFileExists) {
		t.Fatalf("restore over a store without overwrite: %v", err)
	}
	if _, err := Restore(ctx, backup, target, true); !errors.Is(err, ErrStoreInUse) {
		t.Fatalf("restore over a store in use: %v", err)
	}
	if _, err := live.Case(ctx, "replaced"); err != nil {
		t.Fatalf("a refused restore disturbed the live store: %v", err)
	}
	live.Close()

	info, err := Restore(ctx, backup, target, true)
	if err != nil || info.Cases != 1 {
		t.Fatalf("restore: %+v %v", info, err)
	}
	restored, err := Open(ctx, target, Options{SealKey: testSealKey})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := restored.Case(ctx, "from-backup"); err != nil {
		t.Fatalf("the restored store lacks the backup's case: %v", err)
	}
	if _, err := restored.Case(ctx, "replaced"); err == nil {
		t.Fatal("the restored store still holds the replaced store's case")
	}
	kept, err := InspectBackup(ctx, target+".before-restore")
	if err != nil || kept.Cases != 1 {
		t.Fatalf("the replaced store is not kept whole beside: %+v %v", kept, err)
	}
	if _, err := os.Stat(target + ".restore-part"); err == nil {
		t.Error("the part file is left behind")
	}

	// A damaged store, the usual reason to restore, is replaced and kept.
	damaged := filepath.Join(t.TempDir(), "dsrdesk.db")
	garbage := []byte("SQLite format 3\x00 men sedan bara skräp, ingen databas längre ……………………………………………………")
	os.WriteFile(damaged, garbage, 0o600)
	if info, err := Restore(ctx, backup, damaged, true); err != nil || info.Cases != 1 {
		t.Fatalf("restore over a damaged store: %+v %v", info, err)
	}
	if b, _ := os.ReadFile(damaged + ".before-restore"); string(b) != string(garbage) {
		t.Error("the damaged store is not kept beside")
	}
	if _, err := InspectBackup(ctx, damaged); err != nil {
		t.Fatalf("the store restored over a damaged one: %v", err)
	}
}
