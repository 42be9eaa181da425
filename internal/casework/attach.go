package casework

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// Limits on documents filed with a case.
const (
	MaxAttachment  = 10 << 20 // bytes of one document
	maxAttachments = 5        // documents with one request
)

// File is a document as it arrives: uploaded, or registered as posted and
// kept on paper.
type File struct {
	Purpose  dsr.AttachmentPurpose
	Filename string
	Content  []byte // empty for a posted document
	Posted   bool
}

// acceptedTypes are the document types an officer may upload: PDF and the
// images a scanner or a phone makes.
var acceptedTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// attachment checks a document and prepares it for filing. Its type is
// read from its content, never from its name.
func attachment(f File, actor dsr.Actor) (*dsr.Attachment, error) {
	if !f.Purpose.Valid() {
		return nil, dsr.FieldError("purpose", "attachment.purpose_unknown", "Say what the document is: request, phone_note, mandate or identity.")
	}
	name := path.Base(strings.ReplaceAll(strings.TrimSpace(f.Filename), `\`, "/"))
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	a := &dsr.Attachment{ID: uuid.Must(uuid.NewV7()).String(), Purpose: f.Purpose, Filename: name, Posted: f.Posted, Actor: actor.String()}
	if f.Posted {
		if name == "" || name == "." {
			return nil, dsr.FieldError("filename", "attachment.posted_name", "Describe the posted document (what it is and when it came).")
		}
		a.ContentType = "text/plain"
		return a, nil
	}
	switch {
	case len(f.Content) == 0:
		return nil, dsr.FieldError("file", "attachment.empty", "The file is empty.")
	case len(f.Content) > MaxAttachment:
		return nil, dsr.FieldError("file", "attachment.too_big", "The file is too big (at most %d MB).", MaxAttachment>>20)
	}
	ct := http.DetectContentType(f.Content)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !acceptedTypes[ct] {
		return nil, dsr.FieldError("file", "attachment.type", "Upload a PDF, JPEG or PNG file.")
	}
	if name == "" || name == "." {
		name = string(f.Purpose)
	}
	sum := sha256.Sum256(f.Content)
	a.Filename, a.ContentType, a.Size, a.SHA256, a.Content = name, ct, int64(len(f.Content)), hex.EncodeToString(sum[:]), f.Content
	return a, nil
}

// Attach files a document with a case: a mandate, proof of identity, the
// scanned request.
func (s *Service) Attach(ctx context.Context, id string, f File, actor dsr.Actor) (*dsr.Attachment, error) {
	if err := dsr.Require(actor, dsr.PermHandle); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	a, err := attachment(f, actor)
	if err != nil {
		return nil, err
	}
	a.CaseID = id
	err = s.store.AddAttachment(ctx, a, func(c *dsr.Case) ([]dsr.AuditEvent, error) {
		return []dsr.AuditEvent{dsr.Event(actor, dsr.ActionAttachmentAdded, id, attachDetail(a))}, nil
	})
	return a, err
}

func attachDetail(a *dsr.Attachment) string {
	d := "attachment=" + a.ID + " purpose=" + string(a.Purpose)
	if a.Posted {
		return d + " posted"
	}
	return d + " type=" + a.ContentType + " sha256=" + a.SHA256
}

// Attachment returns a document filed with a case to a person on the
// staff; the read is audited.
func (s *Service) Attachment(ctx context.Context, id, attachmentID string, actor dsr.Actor) (*dsr.Attachment, error) {
	if err := dsr.Require(actor, dsr.PermReadCases); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoCase()
	}
	if _, err := uuid.Parse(attachmentID); err != nil {
		return nil, dsr.Errorf(dsr.ENOTFOUND, "attachment.not_found", "No such document in this case.")
	}
	return s.store.ReadAttachment(ctx, id, attachmentID, dsr.Event(actor, dsr.ActionCaseRead, id, "attachment="+attachmentID))
}
