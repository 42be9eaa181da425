package dsr

import (
	"fmt"
	"time"
)

// The weeding actions (RULES §10). Their details hold counts only, never
// personal data.
const (
	// ActionCasesWeeded records one transaction of weeding: the closed
	// cases it deleted with everything filed with them, and the print
	// batches it emptied.
	ActionCasesWeeded AuditAction = "weeding.deleted"
	// ActionWeedingRun is the summary of a whole weeding run.
	ActionWeedingRun AuditAction = "weeding.run"
)

// DefaultRetentionYears is how long the system keeps a closed case of its
// own when no one set retention_years. RULES §10 leaves the period to the
// setting; two years covers a complaint to IMY and its handling.
const DefaultRetentionYears = 2

// WeedCutoff is the first day whose closed cases are kept: a case closed
// (answered or decided) before this day, in UTC, is weeded.
func WeedCutoff(now time.Time, retentionYears int) time.Time {
	d := now.UTC().AddDate(-retentionYears, 0, 0)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// WeedCounts is what weeding deleted (or, in a dry run, would delete).
type WeedCounts struct {
	Cases         int `json:"cases"`
	Letters       int `json:"letters"`
	LetterEvents  int `json:"letter_events"`
	Notifications int `json:"notifications"`
	Extracts      int `json:"extracts"`
	Items         int `json:"items"`
	Withholdings  int `json:"withholdings"`
	Attachments   int `json:"attachments"`
	Notes         int `json:"notes"`
	// Batches are print batches deleted because none of their letters
	// are left.
	Batches int `json:"batches"`
	// BatchFiles are print-batch ZIP files removed from the data folder.
	BatchFiles int `json:"batch_files"`
}

// Add returns the sum of two counts.
func (c WeedCounts) Add(o WeedCounts) WeedCounts {
	return WeedCounts{Cases: c.Cases + o.Cases, Letters: c.Letters + o.Letters, LetterEvents: c.LetterEvents + o.LetterEvents,
		Notifications: c.Notifications + o.Notifications, Extracts: c.Extracts + o.Extracts, Items: c.Items + o.Items,
		Withholdings: c.Withholdings + o.Withholdings, Attachments: c.Attachments + o.Attachments, Notes: c.Notes + o.Notes,
		Batches: c.Batches + o.Batches, BatchFiles: c.BatchFiles + o.BatchFiles}
}

// String is the counts as an audit entry's detail.
func (c WeedCounts) String() string {
	return fmt.Sprintf("cases=%d letters=%d letter_events=%d notifications=%d extracts=%d items=%d withholdings=%d attachments=%d notes=%d batches=%d batch_files=%d",
		c.Cases, c.Letters, c.LetterEvents, c.Notifications, c.Extracts, c.Items, c.Withholdings, c.Attachments, c.Notes, c.Batches, c.BatchFiles)
}
