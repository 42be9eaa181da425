package dsr

import "time"

// Text is a piece of user-facing text in Swedish and English.
type Text struct {
	SV string `json:"sv"`
	EN string `json:"en"`
}

// In returns the text in lang ("sv" or "en"), falling back to Swedish.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.SV
}

// Register describes one source register as the register catalogue declares
// it: the Art. 15(1)(a)–(h) information the extract must give.
type Register struct {
	ID                 string `json:"id"`
	Name               Text   `json:"name"`
	Purposes           Text   `json:"purposes"`   // (a)
	Categories         Text   `json:"categories"` // (b)
	Recipients         Text   `json:"recipients"` // (c), general text
	Retention          Text   `json:"retention"`  // (d)
	LegalBasis         Text   `json:"legal_basis"`
	Source             Text   `json:"source"`              // (g)
	AutomatedDecisions Text   `json:"automated_decisions"` // (h)
	// ThirdCountries says whether the data are transferred to a country
	// outside the EU/EEA or to an international organisation, and with
	// which safeguards (Art. 15(2)); "none" is said too.
	ThirdCountries Text `json:"third_countries"`
}

// Recipient is one named disclosure of the person's data (RULES §4(c)), such
// as a LEFI Online disclosure to an insurance company.
type Recipient struct {
	Organisation string
	OrgNumber    string
	Benefit      string
	Date         string
	LegalBasis   string
}

// Section is the part of an extract that one register contributes.
type Section struct {
	Register   Register
	Columns    []Text
	Fields     []string    // parallel to Columns: the catalogue's field names ("" for a column nothing changes)
	Rows       [][]Value   // typed until laid out
	RecordIDs  []string    // each row's record id in its register, parallel to Rows; never shown
	Restricted []bool      // parallel to Rows: the record is restricted and only stored (Art. 18)
	Statements []Statement // supplementary statements attached to the person's records (Art. 16)
	Recipients []Recipient // specific recipients, when the register is a disclosure log
	// Codes is the code list the register's codes are read with: for each
	// code (a benefit, a decision word) as the register stores it, the word
	// in Swedish and English, so that a letter in English says it in
	// English. Values of code columns and recipients' benefits missing
	// from it are shown as stored. Shared between sections: never written.
	Codes map[string]Text
	// Withheld counts the data of this register left out of the extract,
	// per provision (Art. 15(4)): redacted fields and withheld records.
	Withheld []WithheldCount
}

// Statement is a supplementary statement attached to a record.
type Statement struct {
	RecordID string
	Text     string
	On       string // YYYY-MM-DD
}

// Mark is a restriction or a statement as a source register lists it: the
// register and the record it belongs to.
type Mark struct {
	Register string
	Statement
}

// Extract is a register extract (Art. 15) ready to be rendered.
type Extract struct {
	CaseNumber  string
	Person      Person
	Lang        string
	GeneratedOn time.Time
	ReceivedOn  time.Time
	Sections    []Section
	// Scope, when the person asked for some registers or a period only,
	// says so on the cover letter; zero for the whole extract.
	Scope Scope
	// Recipient, when not nil, is who the extract is sent to in the
	// person's place: the guardian who asked for a child, or a
	// representative whose mandate covers delivery (RULES §1).
	Recipient *Person
}

// Scope is the part of their data a person asked for: some registers, a
// period, or both. The zero Scope is everything.
type Scope struct {
	Registers []Text     // the registers' names, as the cover letter lists them
	From, To  *time.Time // the period, inclusive; nil for open-ended
}

// IsZero reports whether the scope is the whole extract.
func (s Scope) IsZero() bool { return len(s.Registers) == 0 && s.From == nil && s.To == nil }

// Withheld is the number of data the extract leaves out, in all registers.
func (e *Extract) Withheld() int {
	n := 0
	for _, s := range e.Sections {
		for _, w := range s.Withheld {
			n += w.N
		}
	}
	return n
}

// Items is the number of data rows in the extract.
func (e *Extract) Items() int {
	n := 0
	for _, s := range e.Sections {
		n += len(s.Rows)
	}
	return n
}

// RegisterCount is one line of an extract summary: a register and how many
// items it contributed.
type RegisterCount struct {
	Name     string `json:"name"`
	Items    int    `json:"items"`
	Withheld int    `json:"withheld,omitempty"`
}

// ExtractSummary describes an assembled extract without its PDF.
type ExtractSummary struct {
	Pages     int
	SHA256    string
	Registers []RegisterCount
	Withheld  int  // data left out under Art. 15(4)
	NoData    bool // the registers hold nothing on the person: no extract, a "no data" answer
}

// SavedExtract is an assembled extract as the case store keeps it: the PDF
// the person receives, the copy staff see when they differ (a protected
// person's own address is shown only to them), its summary and the
// catalogue's default withholdings it applied.
type SavedExtract struct {
	PDF      []byte
	StaffPDF []byte // nil when staff see PDF
	Info     ExtractSummary
	Defaults []Withholding
}
