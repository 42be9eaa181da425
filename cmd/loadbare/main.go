//go:build loadbare

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	path := flag.String("db", "", "SQLite file (created)")
	synchronous := flag.String("synchronous", "FULL", "SQLite synchronous: FULL or NORMAL")
	flag.Parse()
	if *path == "" {
		fmt.Fprintln(os.Stderr, "loadbare: --db is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *path, *synchronous); err != nil {
		fmt.Fprintln(os.Stderr, "loadbare:", err)
		os.Exit(1)
	}
}

// intake is what the bare server reads from a body before storing it.
type intake struct {
	Kinds      []string `json:"kinds"`
	Subject    string   `json:"subject"`
	Channel    string   `json:"channel"`
	ReceivedOn string   `json:"received_on"`
}

func run(ctx context.Context, addr, path, synchronous string) error {
	// The same per-connection settings as the case store (internal/sqlite).
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", synchronous)
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_secure_delete", "on")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS requests (
		id TEXT PRIMARY KEY, subject TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)`); err != nil {
		return err
	}
	ins, err := db.PrepareContext(ctx, `INSERT INTO requests (id, subject, body, created_at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.POST("/api/v1/cases", func(c *gin.Context) {
		raw, err := c.GetRawData()
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": "unreadable body"})
			return
		}
		var in intake
		if err := json.Unmarshal(raw, &in); err != nil || in.Subject == "" {
			c.JSON(http.StatusBadRequest, gin.H{"error": "bad body"})
			return
		}
		id, err := uuid.NewV7()
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": "id"})
			return
		}
		// One statement outside an explicit transaction is one durable
		// transaction of its own.
		if _, err := ins.ExecContext(c.Request.Context(), id.String(), in.Subject, string(raw), time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": "insert"})
			return
		}
		c.JSON(http.StatusCreated, gin.H{"id": id.String(), "status": "received"})
	})

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("loadbare listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
