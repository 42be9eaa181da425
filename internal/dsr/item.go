package dsr

import "time"

// Outcome is what is decided for one affected item of a request to change
// data (Art. 16–18, 21; RULES §5).
type Outcome string

// The outcomes.
const (
	OutcomeErase      Outcome = "erase"      // the datum is erased (Art. 17(1))
	OutcomeKeep       Outcome = "keep"       // kept, with the exemption or reason cited
	OutcomeRectify    Outcome = "rectify"    // corrected to the value the person gave (Art. 16)
	OutcomeSupplement Outcome = "supplement" // a supplementary statement is attached (Art. 16)
	OutcomeRestrict   Outcome = "restrict"   // only stored from now on (Art. 18)
	OutcomeRefer      Outcome = "refer"      // corrected at its source, another authority
	OutcomeStop       Outcome = "stop"       // processing stops after an objection (Art. 21(1))
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{OutcomeErase, OutcomeKeep, OutcomeRectify, OutcomeSupplement, OutcomeRestrict, OutcomeRefer, OutcomeStop}

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	for _, x := range Outcomes {
		if o == x {
			return true
		}
	}
	return false
}

// Granted reports whether the outcome does what the person asked; anything
// else is a (partial) refusal and needs reasons, IMY and appeal (RULES §3).
func (o Outcome) Granted() bool { return o != OutcomeKeep && o != OutcomeRefer }

// Changes reports whether carrying the outcome out changes a register.
func (o Outcome) Changes() bool {
	switch o {
	case OutcomeErase, OutcomeRectify, OutcomeSupplement, OutcomeRestrict, OutcomeStop:
		return true
	}
	return false
}

// Ground is the legal ground an outcome cites, in Swedish and English, with
// the provision in short (for the API and the audit trail).
type Ground struct {
	Cite string // e.g. "GDPR Art. 17(3)(b), (d)"
	Text Text   // what it means for the person, citing the register's rule
}

// Item is one affected datum of a request to change data: a register, a
// record in it, a field (empty for the whole record) and its current value,
// with the outcome the exemption engine proposed and the outcome decided.
type Item struct {
	ID        string
	CaseID    string
	Register  string // catalogue id
	Record    string // the record's id in its register
	Field     string // catalogue field name; "" for the whole record
	Value     string // the current value as shown to the person
	Requested string // for rectification: the value the person says is right
	Kind      Kind   // which request the item answers

	Proposed       Outcome // by the engine
	ProposedGround Ground
	Outcome        Outcome // decided: the proposal, or the DPO's override
	Ground         Ground
	OverriddenBy   string // actor of an override
	Reason         string // the written reason of an override
	ExecutedAt     *time.Time
	LiftedAt       *time.Time // a restriction lifted after the person was told (Art. 18(3))
}

// Overridden reports whether the DPO changed the engine's proposal.
func (it *Item) Overridden() bool { return it.OverriddenBy != "" }

// Change is a correction the person asks for: a register, a field and the
// value they say is right. Record, when set, names the record.
type Change struct {
	Register string `json:"register"`
	Record   string `json:"record,omitempty"`
	Field    string `json:"field"`
	Value    string `json:"value"`
}

// Grounds of a request (Art. 17(1), 18(1)) as the person gives them.
const (
	GroundNoLongerNecessary = "17.1.a"
	GroundConsentWithdrawn  = "17.1.b"
	GroundObjection         = "17.1.c"
	GroundUnlawful          = "17.1.d"
	GroundLegalObligation   = "17.1.e"
	GroundChildService      = "17.1.f"
	GroundContested         = "18.1.a"
	GroundUnlawfulRestrict  = "18.1.b"
	GroundLegalClaims       = "18.1.c"
	GroundObjectionPending  = "18.1.d"
)

// groundKinds are the grounds a person may give and the kind of request
// each belongs to.
var groundKinds = map[string]Kind{
	GroundNoLongerNecessary: KindErasure, GroundConsentWithdrawn: KindErasure, GroundObjection: KindErasure,
	GroundUnlawful: KindErasure, GroundLegalObligation: KindErasure, GroundChildService: KindErasure,
	GroundContested: KindRestriction, GroundUnlawfulRestrict: KindRestriction,
	GroundLegalClaims: KindRestriction, GroundObjectionPending: KindRestriction,
}

// GroundKind returns the kind of request a ground belongs to (Art. 17(1)
// grounds to erasure, Art. 18(1) grounds to restriction).
func GroundKind(g string) (Kind, bool) {
	k, ok := groundKinds[g]
	return k, ok
}

// The kinds of change an Op makes in a source register.
const (
	OpErase      = "erase"
	OpCorrect    = "correct"
	OpRestrict   = "restrict"
	OpAnnotate   = "annotate"
	OpUnrestrict = "unrestrict"
)

// Op is one change to a person's record in a source register, as the
// execution of a decision carries it out.
type Op struct {
	Kind   string // OpErase, OpCorrect, OpRestrict, OpUnrestrict or OpAnnotate
	Record string
	Field  string // OpCorrect: the field corrected
	Value  string // OpCorrect: the new value
	Ground string // OpRestrict: the Art. 18(1) ground
	Text   string // OpAnnotate: the statement
	Key    string // OpAnnotate: unique per item, so that it is attached once
	Today  string // YYYY-MM-DD
}
