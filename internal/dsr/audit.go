package dsr

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// AuditAction names one kind of entry in the accountability record
// (RULES §10). Every action dsrdesk records is declared here, so that the
// store and the pages never spell one as a literal.
type AuditAction string

// The audited actions.
const (
	ActionCaseReceived     AuditAction = "case.received"
	ActionCaseRead         AuditAction = "case.read" // a person read the case
	ActionCaseList         AuditAction = "case.list"
	ActionCaseExtended     AuditAction = "case.extended"
	ActionExtractAssembled AuditAction = "extract.assembled"
	ActionExtractRead      AuditAction = "extract.read"
	ActionLetterPrepared   AuditAction = "letter.prepared"
	ActionLetterDelivered  AuditAction = "letter.delivered"
	ActionLetterQueued     AuditAction = "letter.queued"
	ActionLetterDownloaded AuditAction = "letter.downloaded"  // the addressee downloaded a sent letter again
	ActionLetterPrinted    AuditAction = "letter.printed"     // the print shop reports it printed
	ActionLetterHandedOver AuditAction = "letter.handed_over" // the print shop reports it handed to the post
	ActionLetterReturned   AuditAction = "letter.returned"    // the post brought it back
	ActionLetterReprinted  AuditAction = "letter.reprinted"   // queued to be printed again
	ActionBatchCreated     AuditAction = "print.batch_created"
	ActionBatchExported    AuditAction = "print.batch_exported"
	ActionUserCreated      AuditAction = "user.created"
	ActionTokenCreated     AuditAction = "token.created"
	ActionSignedIn         AuditAction = "session.signed_in"
	ActionStoreBackedUp    AuditAction = "store.backed_up" // `dsrdesk backup` copied the case store
	ActionStoreRestored    AuditAction = "store.restored"  // `dsrdesk restore` put a backup in place
)

// AuditEvent is one append-only entry of the accountability record (RULES §10).
// Each entry's Hash covers its content and the previous entry's hash.
type AuditEvent struct {
	Seq      int64
	At       time.Time
	Actor    string
	Action   AuditAction
	CaseID   string
	Detail   string
	PrevHash string
	Hash     string
}

// Event is an audit entry a service has decided to record; the store gives
// it its place in the chain (Seq, At, PrevHash, Hash) when it saves it in
// the same transaction as the change it records.
func Event(actor Actor, action AuditAction, caseID, detail string) AuditEvent {
	return AuditEvent{Actor: actor.String(), Action: action, CaseID: caseID, Detail: detail}
}

// AuditGenesis is the previous-hash of the first entry of a chain.
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditTimeLayout is how an entry's time is written, both in the store and
// in the hashed content, so that a round trip never changes the hash.
const AuditTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// ComputeHash computes the hash of an event from its sequence number, content and
// the previous entry's hash. Fields are length-prefixed so that moving text
// from one field to another changes the hash.
func (e AuditEvent) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(AuditTimeLayout),
		e.Actor, string(e.Action), e.CaseID, e.Detail, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal places an event after the entry with sequence number seq and hash
// prev (AuditGenesis for the first), at time at, and fills in its hash.
func (e *AuditEvent) Seal(seq int64, prev string, at time.Time) {
	e.Seq, e.PrevHash = seq+1, prev
	e.At = at.UTC().Truncate(time.Nanosecond)
	e.Hash = e.ComputeHash()
}

// VerifyChain checks a chain read in sequence order. It returns the number
// of entries checked and an error naming the first broken entry.
func VerifyChain(events []AuditEvent) (int, error) {
	prev := AuditGenesis
	for i, e := range events {
		if e.PrevHash != prev {
			return i, fmt.Errorf("audit entry %d: does not follow entry before it (chain broken)", e.Seq)
		}
		if e.ComputeHash() != e.Hash {
			return i, fmt.Errorf("audit entry %d: content does not match its hash (altered)", e.Seq)
		}
		prev = e.Hash
	}
	return len(events), nil
}

// The audited actions of requests to change data.
const (
	ActionCaseEvaluated  AuditAction = "case.evaluated"
	ActionItemOverridden AuditAction = "item.overridden"
	ActionItemsExecuted  AuditAction = "items.executed"
	ActionValueCorrected AuditAction = "item.corrected"
	ActionNotified       AuditAction = "art19.notified"
	ActionCaseExecuted   AuditAction = "case.executed"
)

// ActionOwnDataRead records that a person signed in with e-ID was shown
// their own data (the rectification form shows what can be corrected).
const ActionOwnDataRead AuditAction = "registers.own_data_read"

// ActionItemAdded records an item an officer added to an evaluation.
const ActionItemAdded AuditAction = "item.added"

// The audited steps of lifting a restriction (Art. 18(3)).
const (
	ActionLiftAnnounced AuditAction = "restriction.lift_announced"
	ActionLifted        AuditAction = "restriction.lifted"
)

// ActionCaseAssigned records who a case was given to.
const ActionCaseAssigned AuditAction = "case.assigned"

// The case desk's actions (issue 7).
const (
	ActionOutcomeRecorded AuditAction = "case.outcome"          // how the case ends, with reasons
	ActionSignedOff       AuditAction = "case.signed_off"       // the DPO approved what leaves
	ActionSignOffReturned AuditAction = "case.signoff_returned" // the DPO returned it with a comment
	ActionSignOffAsked    AuditAction = "case.signoff_asked"    // the officer sent it back for sign-off
	ActionIdentityAsked   AuditAction = "identity.asked"        // proof of identity asked for (Art. 12(6))
	ActionIdentityProved  AuditAction = "identity.proved"       // the proof arrived; the case resumes
	ActionMandateVerified AuditAction = "mandate.verified"      // a representative's mandate checked
	ActionWithheld        AuditAction = "extract.withheld"      // data withheld from the extract (Art. 15(4))
	ActionDisclosed       AuditAction = "extract.disclosed"     // a withholding taken back
	ActionNoteAdded       AuditAction = "case.note"             // an internal note
	ActionScopeSet        AuditAction = "case.scope"            // the registers and period asked for
	ActionCaseSearch      AuditAction = "case.search"           // a search by case number or identity number (never logged)
	ActionAttachmentAdded AuditAction = "case.attachment"       // a document filed with the case
)

// The audited changes an administrator makes to accounts, API tokens and
// settings.
const (
	ActionUserRoleChanged AuditAction = "user.role_changed"
	ActionUserDisabled    AuditAction = "user.disabled"
	ActionUserEnabled     AuditAction = "user.enabled"
	ActionTokenRevoked    AuditAction = "token.revoked"
	ActionSettingsChanged AuditAction = "settings.changed"
)

// The statistics' actions.
const (
	ActionStatsRead AuditAction = "stats.read"      // the DPO read the dashboard or a year's statistics
	ActionCasesBulk AuditAction = "case.bulk_added" // synthetic demo cases added in bulk (dsrdesk demo bulk)
)
