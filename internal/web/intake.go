package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/pnr"
)

// maxUpload bounds a request that carries documents: the documents of one
// request and the form around them.
const maxUpload = 5*casework.MaxAttachment + 1<<20

// uploadRoutes are the routes whose bodies may carry documents (or the
// print shop's status file).
var uploadRoutes = map[string]bool{"/staff/intake": true, "/staff/cases/:id/attachments": true, "/api/v1/print/status": true}

// intakeForm is the officer's registration of a request that came by
// letter, phone or at a desk, as typed; it is shown again with the error
// when something is wrong.
type intakeForm struct {
	Kinds          map[string]bool
	Channel        string
	ReceivedOn     string
	Subject        string
	SubjectName    string
	Language       string
	RepRole        string
	RepName        string
	RepPNR         string
	Text           string
	Error          string
	ErrorField     string
	AllKinds       []dsr.Kind
	Channels       []dsr.Channel
	Representative []string
}

// ErrorTarget is the id of the element the form's error is about, which
// the error summary links to; "" when it concerns no single field.
func (f intakeForm) ErrorTarget() string {
	switch f.ErrorField {
	case "channel", "received_on", "subject", "subject_name", "language", "rep_role", "rep_name", "rep_pnr", "mandate_file", "request_file":
		return f.ErrorField
	case "kinds":
		return "f-kinds"
	case "representative":
		return "rep_role"
	case "details":
		return "text"
	case "file":
		return "request_file"
	}
	return ""
}

func (s *Server) newIntakeForm() intakeForm {
	return intakeForm{Kinds: map[string]bool{}, Channel: string(dsr.ChannelLetter), Language: "sv", AllKinds: dsr.Kinds,
		Channels:       []dsr.Channel{dsr.ChannelLetter, dsr.ChannelPhone, dsr.ChannelDesk},
		Representative: []string{"guardian", "god_man", "forvaltare", "fullmakt", "framtidsfullmakt"}}
}

func (s *Server) intakePage(c *gin.Context) {
	f := s.newIntakeForm()
	f.ReceivedOn = dsr.FormatDate(dsr.Day(s.now()))
	s.render(c, http.StatusOK, "intake", s.text("intake_title", langOf(c)), f)
}

// intake registers the request with its documents and sends the person a
// receipt with the case number and deadline (RULES §3).
func (s *Server) intake(c *gin.Context) {
	f := s.newIntakeForm()
	f.Channel, f.ReceivedOn = c.PostForm("channel"), c.PostForm("received_on")
	f.Subject, f.SubjectName, f.Language = c.PostForm("subject"), c.PostForm("subject_name"), c.PostForm("language")
	f.RepRole, f.RepName, f.Text = c.PostForm("rep_role"), strings.TrimSpace(c.PostForm("rep_name")), c.PostForm("text")
	r := casework.Request{Subject: f.Subject, SubjectName: f.SubjectName, Channel: dsr.Channel(f.Channel), ReceivedOn: f.ReceivedOn, Language: f.Language}
	for _, k := range c.PostFormArray("kinds") {
		f.Kinds[k] = true
		r.Kinds = append(r.Kinds, dsr.Kind(k))
	}
	if f.Channel == string(dsr.ChannelEService) {
		r.Channel = "" // the e-service registers its own requests
	}
	f.RepPNR = strings.TrimSpace(c.PostForm("rep_pnr"))
	if f.RepRole != "" {
		r.Representative = &dsr.Representative{Role: f.RepRole, Name: f.RepName, PNR: pnr.PNR(f.RepPNR)}
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		r.Details = map[string]string{"request_text": t}
	}
	files, err := s.uploads(c, map[string]dsr.AttachmentPurpose{"request_file": dsr.AttachRequest, "mandate_file": dsr.AttachMandate})
	if err == nil {
		r.Files = files
		var cs *dsr.Case
		var created bool
		if cs, created, err = s.cases.Create(c.Request.Context(), r, staffActor(c)); err == nil {
			if created {
				// The receipt is its own letter: a failure to send it is
				// shown on the case, which exists and keeps its documents.
				if _, rerr := s.delivery.SendReceipt(c.Request.Context(), cs.ID, staffActor(c)); rerr != nil {
					s.logger(c).Warn().Err(rerr).Str("case_id", cs.ID).Msg("receipt not sent")
				}
			}
			c.Redirect(http.StatusSeeOther, "/staff/cases/"+cs.ID+"?done=registered")
			return
		}
	}
	e := dsr.AsError(err)
	if e.Code == dsr.EINTERNAL || e.Code == dsr.EFORBIDDEN {
		s.fail(c, err)
		return
	}
	f.Error, f.ErrorField = s.errorText(e, langOf(c)), e.Field
	s.render(c, status(e.Code), "intake", s.text("intake_title", langOf(c)), f)
}

// uploads reads the uploaded documents of a form, by field name.
func (s *Server) uploads(c *gin.Context, fields map[string]dsr.AttachmentPurpose) ([]casework.File, error) {
	var out []casework.File
	for field, purpose := range fields {
		fh, err := c.FormFile(field)
		if errors.Is(err, http.ErrMissingFile) {
			continue
		} else if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, dsr.FieldError(field, "attachment.too_big", "The file is too big (at most %d MB).", casework.MaxAttachment>>20)
			}
			return nil, dsr.FieldError(field, "attachment.unreadable", "The upload could not be read.")
		}
		content, err := readUpload(fh)
		if err != nil {
			return nil, err
		}
		out = append(out, casework.File{Purpose: purpose, Filename: fh.Filename, Content: content})
	}
	return out, nil
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > casework.MaxAttachment {
		return nil, dsr.FieldError("file", "attachment.too_big", "The file is too big (at most %d MB).", casework.MaxAttachment>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, dsr.FieldError("file", "attachment.unreadable", "The upload could not be read.")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, casework.MaxAttachment+1))
	if err != nil {
		return nil, dsr.FieldError("file", "attachment.unreadable", "The upload could not be read.")
	}
	return b, nil
}

// attachPage files a document with a case: uploaded, or registered as
// posted.
func (s *Server) attachPage(c *gin.Context) {
	f := casework.File{Purpose: dsr.AttachmentPurpose(c.PostForm("purpose"))}
	if c.PostForm("posted") != "" {
		f.Posted, f.Filename = true, c.PostForm("description")
	} else {
		fh, err := c.FormFile("file")
		if err != nil {
			s.fail(c, dsr.FieldError("file", "attachment.empty", "Choose a file to upload."))
			return
		}
		if f.Content, err = readUpload(fh); err != nil {
			s.fail(c, err)
			return
		}
		f.Filename = fh.Filename
	}
	_, err := s.cases.Attach(c.Request.Context(), c.Param("id"), f, staffActor(c))
	s.backToCase(c, "attached")(err)
}

// attachmentFile serves a document filed with a case; the read is audited.
func (s *Server) attachmentFile(c *gin.Context) {
	a, err := s.cases.Attachment(c.Request.Context(), c.Param("id"), c.Param("aid"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if a.Posted {
		s.fail(c, dsr.Errorf(dsr.ENOTFOUND, "attachment.posted", "This document came by post and is kept on paper."))
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+safeName(a.ID)+extension(a.ContentType)+`"`)
	c.Data(http.StatusOK, a.ContentType, a.Content)
}

func extension(ct string) string {
	switch ct {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	}
	return ""
}
