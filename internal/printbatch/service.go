package printbatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
	"dsrdesk/internal/printzip"
)

// Store is what print batches need from the case store.
type Store interface {
	CreateBatch(ctx context.Context, batchID string, route dsr.PrintRoute, actor dsr.Actor, record func(letters int) dsr.AuditEvent) (*dsr.PrintBatch, error)
	Batch(ctx context.Context, batchID string) (*dsr.PrintBatch, error)
	Batches(ctx context.Context, limit int) ([]dsr.PrintBatch, error)
	// BatchLetters calls fn with each letter of a batch and its PDF, one
	// at a time, in PostNord's sort order (printzip.SortsBefore); fn must
	// not keep pdf.
	BatchLetters(ctx context.Context, batchID string, fn func(l *dsr.Letter, pdf []byte) error) error
	PendingBatchFile(ctx context.Context) (string, error)
	SetBatchFile(ctx context.Context, batchID string, f dsr.BatchFile) error
	QueuedLetters(ctx context.Context) (map[dsr.DeliveryChannel]int, error)
	Case(ctx context.Context, id string) (*dsr.Case, error)
	Record(ctx context.Context, events ...dsr.AuditEvent) error
	ApplyPrintReports(ctx context.Context, reports []dsr.PrintReport, protected bool, decide func(*dsr.Case, *dsr.Letter, dsr.PrintReport) ([]dsr.AuditEvent, error)) (applied, unchanged int, rejected []dsr.Rejection, err error)
	Reprint(ctx context.Context, letterID string, may, readdress func(*dsr.Letter) error, record func(*dsr.Letter) (dsr.AuditEvent, error)) (*dsr.Letter, error)
}

// Addresses puts on a letter printed again the address its addressee has
// in the population register today (returned mail after a move).
type Addresses interface {
	Readdress(ctx context.Context, l *dsr.Letter) error
}

// Sheets renders the inner-envelope sheet of a protected person's paper
// letter (RULES §7): their identity number and name, nothing else.
type Sheets interface {
	InnerSheetBytes(p pnr.PNR, name string) ([]byte, int, error)
}

// ProductClass is the postal product of every letter: PostNord's sorted
// first-class business mail.
const ProductClass = "B-ekonomi-sorterat"

// Deps is what the print-batch service is made of.
type Deps struct {
	Store  Store
	Sheets Sheets // the protected route's inner sheets
	// Addresses readdresses a reprinted letter; nil keeps its address.
	Addresses Addresses
	// Dir is the folder in the data folder where batch files are built and
	// kept, and where a manifest waits while its letters are written.
	// Empty keeps no files: a download is written as it is sent.
	Dir string
	Log zerolog.Logger
}

// Service makes and exports print batches. The server builds each new
// batch's ZIP in the background into Dir (StartBuilding), one batch at a
// time, so that the operator's page can show the build's progress and a
// large batch is downloaded from a finished file; a build cut off by a
// crash is done again when the server starts.
type Service struct {
	store  Store
	sheets Sheets
	addrs  Addresses
	dir    string
	log    zerolog.Logger

	ctx    context.Context // the background builds'; ends with Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	builds     map[string]*build // batch files being built, by batch id
	background bool              // StartBuilding was called
	running    bool              // the builder goroutine runs
	kicked     bool              // a batch may have become due since the builder last looked
}

// build is a batch file being built.
type build struct {
	done    chan struct{}
	err     error
	written atomic.Int64
	total   int
}

// NewService returns a print-batch service; it builds nothing in the
// background until StartBuilding.
func NewService(d Deps) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{store: d.Store, sheets: d.Sheets, addrs: d.Addresses, dir: d.Dir, log: d.Log, ctx: ctx, cancel: cancel, builds: map[string]*build{}}
}

// Create gathers every letter queued for a print route into a new batch,
// whose file the background then builds.
// The protected route needs the protected-print permission.
func (s *Service) Create(ctx context.Context, route dsr.PrintRoute, actor dsr.Actor) (*dsr.PrintBatch, error) {
	if err := dsr.Require(actor, route.Permission()); err != nil {
		return nil, err
	}
	id := pnr.OpaqueID(func() string { return uuid.Must(uuid.NewV7()).String() })
	b, err := s.store.CreateBatch(ctx, id, route, actor, func(n int) dsr.AuditEvent {
		return dsr.Event(actor, dsr.ActionBatchCreated, "", fmt.Sprintf("batch=%s route=%s letters=%d", id, route, n))
	})
	if err != nil {
		return nil, err
	}
	s.Kick()
	return b, nil
}

func errNoBatch() error {
	return dsr.Errorf(dsr.ENOTFOUND, "print.batch_not_found", "No print batch with that id.")
}

// batch returns a batch the actor may export: a protected batch does not
// exist for an ordinary operator.
func (s *Service) batch(ctx context.Context, id string, actor dsr.Actor) (*dsr.PrintBatch, error) {
	if err := dsr.Require(actor, dsr.PermPrintOrdinary); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoBatch()
	}
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if !dsr.Can(actor, b.Route.Permission()) {
		return nil, errNoBatch()
	}
	return b, nil
}

// exported records a download of a batch: who, which batch, its route and
// how many letters. It is written before the first byte leaves.
func (s *Service) exported(ctx context.Context, b *dsr.PrintBatch, actor dsr.Actor) error {
	return s.store.Record(ctx, dsr.Event(actor, dsr.ActionBatchExported, "", fmt.Sprintf("batch=%s route=%s letters=%d", b.ID, b.Route, b.Count)))
}

// Export writes a batch's ZIP to w as it is built, letter by letter, and
// records the download; progress (optional) hears how many of how many
// letters are written. It is what `dsrdesk print export` runs. Exporting
// again gives the same letters in the same order, so a lost download can
// simply be repeated.
func (s *Service) Export(ctx context.Context, id string, w io.Writer, actor dsr.Actor, progress func(written, total int)) error {
	b, err := s.batch(ctx, id, actor)
	if err != nil {
		return err
	}
	if err := s.exported(ctx, b, actor); err != nil {
		return err
	}
	return s.write(ctx, b, w, func(n int) {
		if progress != nil {
			progress(n, b.Count)
		}
	})
}

// Download is a batch's finished ZIP, to be sent to whoever asked for it.
type Download struct {
	Name    string // the file name to offer: batch-<id>.zip
	File    *os.File
	Size    int64
	ModTime time.Time
}

// Download opens a batch's ZIP for the page's and the API's download and
// records the download. The file is built first if it is not yet: when a
// build is under way it waits for it; otherwise it builds it now (a batch
// made before files were kept, or one whose build failed).
func (s *Service) Download(ctx context.Context, id string, actor dsr.Actor) (*Download, error) {
	b, err := s.batch(ctx, id, actor)
	if err != nil {
		return nil, err
	}
	if s.dir == "" {
		return nil, errors.New("print batches: no folder for batch files")
	}
	f, err := os.Open(s.path(b.ID))
	if b.File != dsr.BatchFileReady || err != nil {
		if f != nil {
			f.Close()
		}
		if err := s.buildFile(ctx, b); err != nil {
			return nil, err
		}
		if f, err = os.Open(s.path(b.ID)); err != nil {
			return nil, fmt.Errorf("batch %s: open file: %w", b.ID, err)
		}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("batch %s: file: %w", b.ID, err)
	}
	if err := s.exported(ctx, b, actor); err != nil {
		f.Close()
		return nil, err
	}
	return &Download{Name: "batch-" + b.ID + ".zip", File: f, Size: st.Size(), ModTime: b.CreatedAt}, nil
}

// path is where a batch's finished file is kept.
func (s *Service) path(id string) string { return filepath.Join(s.dir, id+".zip") }

// partSuffix marks a batch file being built: never served, removed at
// start.
const partSuffix = ".zip.part"

// buildFile has a batch's file built, unless a build of it is under way,
// and waits for it (or for ctx to end, which leaves the build going).
func (s *Service) buildFile(ctx context.Context, b *dsr.PrintBatch) error {
	bl := s.startBuild(b)
	select {
	case <-bl.done:
		return bl.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startBuild starts building a batch's file in the background, or returns
// the build under way. The build belongs to the service, not to whoever
// asked: a download given up does not cut it off.
func (s *Service) startBuild(b *dsr.PrintBatch) *build {
	s.mu.Lock()
	defer s.mu.Unlock()
	if bl, ok := s.builds[b.ID]; ok {
		return bl
	}
	bl := &build{done: make(chan struct{}), total: b.Count}
	if err := s.ctx.Err(); err != nil {
		bl.err = err
		close(bl.done)
		return bl
	}
	s.builds[b.ID] = bl
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		bl.err = s.runBuild(b, bl)
		s.mu.Lock()
		delete(s.builds, b.ID)
		s.mu.Unlock()
		close(bl.done)
	}()
	return bl
}

// runBuild builds a batch's file: into <id>.zip.part, synced, then renamed
// to <id>.zip, so that a file of that name is always whole; only then is
// the batch marked ready. A build that fails is marked failed (a download
// builds it again and shows why), so that it is not retried in a loop; one
// cut off by shutdown stays due, for the next start.
func (s *Service) runBuild(b *dsr.PrintBatch, bl *build) error {
	began := time.Now()
	err := s.buildInto(s.ctx, b, bl)
	if err == nil {
		err = s.store.SetBatchFile(s.ctx, b.ID, dsr.BatchFileReady)
	}
	if err == nil {
		s.log.Info().Str("batch_id", b.ID).Int("letters", b.Count).Dur("took", time.Since(began)).Msg("print batch file built")
		return nil
	}
	if s.ctx.Err() != nil {
		return err
	}
	s.log.Error().Err(err).Str("batch_id", b.ID).Msg("print batch file not built")
	if ferr := s.store.SetBatchFile(s.ctx, b.ID, dsr.BatchFileFailed); ferr != nil {
		s.log.Error().Err(ferr).Str("batch_id", b.ID).Msg("print batch files")
	}
	return err
}

func (s *Service) buildInto(ctx context.Context, b *dsr.PrintBatch, bl *build) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("print batch folder: %w", err)
	}
	part := filepath.Join(s.dir, b.ID+partSuffix)
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("batch %s: create file: %w", b.ID, err)
	}
	err = s.write(ctx, b, f, func(n int) { bl.written.Store(int64(n)) })
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, s.path(b.ID))
	}
	if err == nil {
		err = syncDir(s.dir)
	}
	if err != nil {
		os.Remove(part)
		if dsr.ErrorCode(err) == dsr.EINTERNAL {
			err = fmt.Errorf("batch %s: build file: %w", b.ID, err)
		}
		return err
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// write writes a batch's ZIP to w, streaming its letters from the store in
// sort order; the batch is never held in memory. A letter of the protected
// route gets its inner sheet, and its manifest address is Skatteverket's
// forwarding (RULES §7). A letter whose route is not the batch's stops the
// batch: the ordinary batch never holds a protected letter.
func (s *Service) write(ctx context.Context, b *dsr.PrintBatch, w io.Writer, progress func(int)) error {
	protected := b.Route == dsr.RouteProtected
	if s.dir != "" {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("print batch folder: %w", err)
		}
	}
	zw, err := printzip.NewWriter(w, b.ID, printzip.Options{Protected: protected, Modified: b.CreatedAt, SpoolDir: s.dir, Progress: progress})
	if err != nil {
		return err
	}
	defer zw.Discard()
	err = s.store.BatchLetters(ctx, b.ID, func(l *dsr.Letter, pdf []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if l.Channel != b.Route.Channel() {
			return fmt.Errorf("batch %s: letter %s of channel %s in a batch of the %s route", b.ID, l.ID, l.Channel, b.Route)
		}
		e := printzip.Entry{RecordID: l.ID, PDF: pdf, Pages: l.Pages, AddressLines: l.AddressLines,
			Postcode: l.Postcode, Country: l.Country, ProductClass: ProductClass}
		if protected {
			sheet, err := s.innerSheet(ctx, l)
			if err != nil {
				return err
			}
			fw := dsr.ProtectedForwarding
			e.InnerSheet, e.AddressLines, e.Postcode, e.Country = sheet, fw.Lines, fw.Postcode, fw.Country
		}
		_, err := zw.Add(e)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := zw.Finish(); err != nil {
		return err
	}
	return nil
}

// innerSheet renders a protected letter's inner sheet: the identity number
// and name of its addressee, the person the case is about or the
// representative the answer goes to.
func (s *Service) innerSheet(ctx context.Context, l *dsr.Letter) ([]byte, error) {
	if s.sheets == nil {
		return nil, errors.New("print batches: no renderer for the protected route's inner sheets")
	}
	c, err := s.store.Case(ctx, l.CaseID)
	if err != nil {
		return nil, err
	}
	var p pnr.PNR
	switch l.Addressee.Kind {
	case dsr.AddresseeSubject:
		p = c.SubjectPNR
	case dsr.AddresseeRepresentative:
		if c.Representative != nil {
			p = c.Representative.PNR
		}
	}
	if p == "" {
		return nil, fmt.Errorf("letter %s: no identity number for its %s addressee's inner sheet", l.ID, l.Addressee.Kind)
	}
	name := strings.TrimSpace(l.Addressee.Name)
	if name == "" && len(l.AddressLines) > 0 {
		name = l.AddressLines[0] // a protected letter's address block is the name alone
	}
	sheet, _, err := s.sheets.InnerSheetBytes(p, name)
	if err != nil {
		return nil, fmt.Errorf("letter %s: inner sheet: %w", l.ID, err)
	}
	return sheet, nil
}

// StartBuilding makes the service build batch files in the background, as
// the server does: it removes what a crash left in the folder (a file cut
// off part-way, a manifest spool), then builds every batch whose file is
// due, including one whose build the crash cut off, and from now on each
// new batch's.
func (s *Service) StartBuilding() error {
	if s.dir == "" {
		return nil
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) { // made with the first batch file
		return fmt.Errorf("print batch folder: %w", err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, partSuffix) || strings.HasPrefix(n, printzip.SpoolPrefix) {
			if err := os.Remove(filepath.Join(s.dir, n)); err != nil {
				return fmt.Errorf("print batch folder: %w", err)
			}
		}
	}
	s.mu.Lock()
	s.background = true
	s.mu.Unlock()
	s.Kick()
	return nil
}

// Kick has the background builder look for batches whose file is due
// (after StartBuilding; otherwise it does nothing). The server's
// background loop kicks it too, for batches made by another process
// (`dsrdesk print export`).
func (s *Service) Kick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.background || s.ctx.Err() != nil {
		return
	}
	s.kicked = true
	if s.running {
		return
	}
	s.running = true
	s.wg.Add(1)
	go s.builder()
}

// builder builds the due batch files one at a time until none is left.
func (s *Service) builder() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if !s.kicked || s.ctx.Err() != nil {
			s.running = false
			s.mu.Unlock()
			return
		}
		s.kicked = false
		s.mu.Unlock()
		for s.ctx.Err() == nil {
			id, err := s.store.PendingBatchFile(s.ctx)
			if err != nil {
				s.log.Error().Err(err).Msg("print batch files")
				break
			}
			if id == "" {
				break
			}
			s.buildDue(id)
		}
	}
}

// buildDue builds one due batch file and waits for it.
func (s *Service) buildDue(id string) {
	b, err := s.store.Batch(s.ctx, id)
	if err != nil {
		if s.ctx.Err() == nil {
			s.log.Error().Err(err).Str("batch_id", id).Msg("print batch files")
			_ = s.store.SetBatchFile(s.ctx, id, dsr.BatchFileFailed)
		}
		return
	}
	<-s.startBuild(b).done
}

// Close stops the background builds and waits for them: a build cut off
// leaves its batch due, to be built at the next start.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

// BatchStatus is a batch as the print operator follows it: its counts, and
// while its file is built, how far that is.
type BatchStatus struct {
	dsr.PrintBatch
	Building bool // its file is being built now
	Written  int  // letters written into the file so far
}

// status adds what the service knows of a batch's build.
func (s *Service) status(b dsr.PrintBatch) BatchStatus {
	st := BatchStatus{PrintBatch: b}
	s.mu.Lock()
	if bl, ok := s.builds[b.ID]; ok {
		st.Building, st.Written = true, int(bl.written.Load())
	}
	s.mu.Unlock()
	return st
}

// Status returns one batch as the print operator follows it.
func (s *Service) Status(ctx context.Context, id string, actor dsr.Actor) (BatchStatus, error) {
	b, err := s.batch(ctx, id, actor)
	if err != nil {
		return BatchStatus{}, err
	}
	return s.status(*b), nil
}

// Overview is what the print operator's page shows.
type Overview struct {
	Queued int // letters waiting for the ordinary route
	// Protected is the letters waiting for the protected route; only an
	// operator with the protected-print permission learns it (and
	// CanProtected).
	Protected    int
	CanProtected bool
	Batches      []BatchStatus // newest first; only those the operator may export
}

// Overview tells the print operator what is queued and which batches exist.
func (s *Service) Overview(ctx context.Context, actor dsr.Actor) (Overview, error) {
	if err := dsr.Require(actor, dsr.PermPrintOrdinary); err != nil {
		return Overview{}, err
	}
	q, err := s.store.QueuedLetters(ctx)
	if err != nil {
		return Overview{}, err
	}
	all, err := s.store.Batches(ctx, 50)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Queued: q[dsr.DeliveryPostal], CanProtected: dsr.Can(actor, dsr.PermPrintProtected)}
	if o.CanProtected {
		o.Protected = q[dsr.DeliveryProtected]
	}
	for _, b := range all {
		if dsr.Can(actor, b.Route.Permission()) {
			o.Batches = append(o.Batches, s.status(b))
		}
	}
	return o, nil
}
