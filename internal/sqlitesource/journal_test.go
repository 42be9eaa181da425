package sqlitesource

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"dsrdesk/internal/demodata"
)

// TestOpenAfterAKillMidChange: a process killed (SIGKILL) while it changes
// the source registers leaves a hot rollback journal beside registers.db.
// The next start must roll it back and open — the change undone, as if it
// never began — not fail because its read-only connections cannot.
// The killed process is this test binary run again as a child
// (DSRDESK_JOURNAL_CHILD), killed while its transaction is open.
func TestOpenAfterAKillMidChange(t *testing.T) {
	if path := os.Getenv("DSRDESK_JOURNAL_CHILD"); path != "" {
		halfChange(path)
		return
	}
	dir := mustSeed(t)
	path := filepath.Join(dir, demodata.DatabaseFile)
	count := func() int {
		db, err := sql.Open("sqlite3", writeDSN(path))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM payments`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()

	child := exec.Command(os.Args[0], "-test.run", "^TestOpenAfterAKillMidChange$")
	child.Env = append(os.Environ(), "DSRDESK_JOURNAL_CHILD="+path)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "changing\n" {
		child.Process.Kill()
		t.Fatalf("the child did not begin its change: %q", line)
	}
	child.Process.Kill()
	child.Wait()
	if _, err := os.Stat(path + "-journal"); err != nil {
		t.Fatalf("the killed change left no journal: %v", err)
	}

	src, _ := mustOpen(t, dir)
	var n int
	if err := src.db.QueryRowContext(context.Background(), `SELECT count(*) FROM payments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != before {
		t.Fatalf("after the restart the registers hold %d payments, want the %d from before the killed change", n, before)
	}
}

// halfChange deletes every payment in a transaction it never ends, says so
// on stdout, and waits to be killed.
func halfChange(path string) {
	db, err := sql.Open("sqlite3", writeDSN(path))
	if err != nil {
		os.Exit(2)
	}
	tx, err := db.Begin()
	if err != nil {
		os.Exit(2)
	}
	if _, err := tx.Exec(`DELETE FROM payments`); err != nil {
		os.Exit(2)
	}
	// Force the change out of SQLite's cache into the file, as a large
	// change does: the journal is then hot.
	if _, err := tx.Exec(`PRAGMA cache_spill = true`); err != nil {
		os.Exit(2)
	}
	if _, err := tx.Exec(`PRAGMA shrink_memory`); err != nil {
		os.Exit(2)
	}
	os.Stdout.WriteString("changing\n")
	select {}
}
