package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/changes"
	"dsrdesk/internal/dsr"
)

// caseJSON is the API shape of a case. It carries no identity number.
type caseJSON struct {
	ID            string     `json:"id"`
	Number        string     `json:"number"`
	Kinds         []dsr.Kind `json:"kinds"`
	Status        dsr.Status `json:"status"`
	Channel       string     `json:"channel"`
	ReceivedOn    string     `json:"received_on"`
	TargetOn      string     `json:"target_on"`
	DueOn         string     `json:"due_on"`
	ExtendedDueOn *string    `json:"extended_due_on"`
	DaysLeft      int        `json:"days_left"`
	Overdue       bool       `json:"overdue"`
	AssignedTo    string     `json:"assigned_to"`
	SubjectName   string     `json:"subject_name"`
	// How the case ends, and what it waits for.
	Outcome        dsr.CaseOutcome `json:"outcome"`
	OutcomeReasons string          `json:"outcome_reasons,omitempty"`
	DecidedOn      *string         `json:"decided_on"`
	AnsweredOn     *string         `json:"answered_on"`
	SignOff        signOffJSON     `json:"signoff"`
	Waiting        dsr.Waiting     `json:"waiting"`
	Flags          []dsr.Flag      `json:"flags"`
	Stage          dsr.Stage       `json:"stage"`
	// The period asked for, when the request is limited to one.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// What a request to change data asks for, when it does.
	Scope     []string     `json:"scope,omitempty"`
	Changes   []dsr.Change `json:"changes,omitempty"`
	Statement string       `json:"statement,omitempty"`
	Grounds   []string     `json:"grounds,omitempty"`
}

// signOffJSON is the API shape of the DPO's sign-off.
type signOffJSON struct {
	Required bool             `json:"required"`
	State    dsr.SignOffState `json:"state"`
	By       string           `json:"by,omitempty"`
	Comment  string           `json:"comment,omitempty"`
}

func (s *Server) caseJSON(c *dsr.Case) caseJSON {
	now := s.now()
	out := caseJSON{ID: c.ID, Number: c.Number, Kinds: c.Kinds, Status: c.Status, Channel: string(c.Channel),
		ReceivedOn: dsr.FormatDate(c.ReceivedOn), TargetOn: dsr.FormatDate(c.TargetOn), DueOn: dsr.FormatDate(c.DueOn),
		DaysLeft: c.DaysLeft(now), Overdue: c.Overdue(now), AssignedTo: c.AssignedTo, SubjectName: c.SubjectName,
		Outcome: c.Outcome, OutcomeReasons: c.OutcomeReasons, DecidedOn: optDate(c.DecidedOn), AnsweredOn: optDate(c.AnsweredOn),
		SignOff: signOffJSON{Required: c.SignOff.Required, State: c.SignOff.State, By: c.SignOff.By, Comment: c.SignOff.Comment},
		Waiting: c.Waiting, Flags: c.Flags, Stage: c.Stage(now), From: c.Change.From, To: c.Change.To,
		ExtendedDueOn: optDate(c.ExtendedDueOn),
		Scope:         c.Change.Scope, Changes: c.Change.Changes, Statement: c.Change.Statement, Grounds: c.Change.Grounds}
	if out.Flags == nil {
		out.Flags = []dsr.Flag{}
	}
	return out
}

// optDate writes an optional date for the API: null when there is none.
func optDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := dsr.FormatDate(*t)
	return &d
}

// bindJSON decodes a JSON body strictly into v.
func bindJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return err
		case errors.As(err, &typeErr):
			return dsr.FieldError(typeErr.Field, "input.wrong_type", "%s has the wrong type.", typeErr.Field)
		case errors.Is(err, io.EOF):
			return dsr.Errorf(dsr.EINVALID, "input.body_empty", "The request body is empty; send a JSON object.")
		}
		return dsr.Errorf(dsr.EINVALID, "input.body_invalid", "The request body is not valid JSON for this call.")
	}
	if dec.More() {
		return dsr.Errorf(dsr.EINVALID, "input.body_many", "The request body must hold one JSON object.")
	}
	return nil
}

type createCaseBody struct {
	Kinds []dsr.Kind `json:"kinds"`
	Scope *struct {
		Registers []string `json:"registers"`
	} `json:"scope"`
	Changes        []dsr.Change        `json:"changes"`
	Statement      string              `json:"statement"`
	Grounds        []string            `json:"grounds"`
	Subject        string              `json:"subject"`
	SubjectName    string              `json:"subject_name"`
	Channel        dsr.Channel         `json:"channel"`
	ReceivedOn     string              `json:"received_on"`
	Language       string              `json:"language"`
	Representative *dsr.Representative `json:"representative"`
	Details        map[string]string   `json:"details"`
}

func (s *Server) apiCreateCase(c *gin.Context) {
	var body createCaseBody
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	var scope []string
	if body.Scope != nil {
		scope = body.Scope.Registers
	}
	cs, created, err := s.cases.Create(c.Request.Context(), casework.Request{
		Kinds: body.Kinds, Subject: body.Subject, SubjectName: body.SubjectName, Channel: body.Channel,
		ReceivedOn: body.ReceivedOn, Language: body.Language, Representative: body.Representative, Details: body.Details,
		Key:    c.GetHeader("Idempotency-Key"),
		Change: dsr.ChangeRequest{Scope: scope, Changes: body.Changes, Statement: body.Statement, Grounds: body.Grounds},
	}, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !created {
		c.JSON(http.StatusOK, s.caseJSON(cs)) // a repeated call: the case it made the first time
		return
	}
	c.JSON(http.StatusCreated, s.caseJSON(cs))
}

func (s *Server) apiGetCase(c *gin.Context) {
	cs, err := s.cases.Get(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.caseJSON(cs))
}

func (s *Server) apiListCases(c *gin.Context) {
	limit, offset := 100, 0
	var err error
	if v := c.Query("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 500 {
			s.fail(c, dsr.FieldError("limit", "input.limit", "limit must be a whole number from 1 to 500."))
			return
		}
	}
	if v := c.Query("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			s.fail(c, dsr.FieldError("offset", "input.offset", "offset must be a whole number, 0 or more."))
			return
		}
	}
	page, err := s.cases.List(c.Request.Context(), casework.ListQuery{Queue: c.Query("queue"), Status: c.Query("status"),
		Cursor: c.Query("cursor"), Limit: limit, Offset: offset}, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]caseJSON, 0, len(page.Cases))
	for _, cs := range page.Cases {
		out = append(out, s.caseJSON(cs))
	}
	c.JSON(http.StatusOK, gin.H{"cases": out, "total": page.Total, "next": page.Next.String()})
}

func (s *Server) apiAssign(c *gin.Context) {
	var body struct {
		Officer string `json:"officer"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	cs, err := s.cases.Assign(c.Request.Context(), c.Param("id"), body.Officer, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.caseJSON(cs))
}

func (s *Server) apiExtendCase(c *gin.Context) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	cs, err := s.delivery.Extend(c.Request.Context(), c.Param("id"), body.Reason, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.caseJSON(cs))
}

func (s *Server) apiAssemble(c *gin.Context) {
	sum, err := s.extracts.Assemble(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	regs := sum.Registers
	if regs == nil {
		regs = []dsr.RegisterCount{}
	}
	c.JSON(http.StatusOK, gin.H{"registers": regs, "pages": sum.Pages, "sha256": sum.SHA256, "withheld": sum.Withheld, "no_data": sum.NoData})
}

func (s *Server) apiSend(c *gin.Context) {
	res, err := s.delivery.SendAnswer(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"channel": res.Channel, "receipt": res.Receipt, "letter_id": res.Letter.ID, "status": res.Letter.Status})
}

// letterJSON is the API shape of a letter on its way out.
type letterJSON struct {
	ID        string              `json:"id"`
	Kind      dsr.Purpose         `json:"kind"`
	Addressee dsr.AddresseeKind   `json:"addressee"`
	Channel   dsr.DeliveryChannel `json:"channel"`
	Status    dsr.LetterStatus    `json:"status"`
	Receipt   string              `json:"receipt"`
	Attempt   int                 `json:"attempt"`
	Tries     int                 `json:"tries"`
	Created   time.Time           `json:"created_at"`
	History   []letterEventJSON   `json:"history"`
}

type letterEventJSON struct {
	At      time.Time           `json:"at"`
	Status  dsr.LetterStatus    `json:"status"`
	Channel dsr.DeliveryChannel `json:"channel,omitempty"`
	Detail  string              `json:"detail,omitempty"`
}

func (s *Server) apiLetters(c *gin.Context) {
	letters, err := s.delivery.Letters(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]letterJSON, 0, len(letters))
	for _, l := range letters {
		j := letterJSON{ID: l.ID, Kind: l.Purpose, Addressee: l.Addressee.Kind, Channel: l.Channel, Status: l.Status, Receipt: l.Receipt,
			Attempt: l.Attempt, Tries: l.Tries, Created: l.CreatedAt, History: make([]letterEventJSON, 0, len(l.History))}
		for _, e := range l.History {
			j.History = append(j.History, letterEventJSON{At: e.At, Status: e.Status, Channel: e.Channel, Detail: e.Detail})
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, gin.H{"letters": out})
}

// itemJSON is the API shape of an affected item. Its value is the person's
// own data, shown only to staff.
type itemJSON struct {
	ID         string      `json:"id"`
	Kind       dsr.Kind    `json:"kind"`
	Register   string      `json:"register"`
	Record     string      `json:"record"`
	Field      string      `json:"field"`
	Value      string      `json:"value"`
	Requested  string      `json:"requested,omitempty"`
	Outcome    dsr.Outcome `json:"outcome"`
	Ground     string      `json:"ground"`
	Reason     string      `json:"ground_text"`
	Proposed   dsr.Outcome `json:"proposed"`
	Overridden bool        `json:"overridden"`
	Override   string      `json:"override_reason,omitempty"`
	Executed   bool        `json:"executed"`
}

func itemsJSON(items []dsr.Item, lang string) []itemJSON {
	out := make([]itemJSON, 0, len(items))
	for _, it := range items {
		out = append(out, itemJSON{ID: it.ID, Kind: it.Kind, Register: it.Register, Record: it.Record, Field: it.Field, Value: it.Value,
			Requested: it.Requested, Outcome: it.Outcome, Ground: it.Ground.Cite, Reason: it.Ground.Text.In(lang), Proposed: it.Proposed,
			Overridden: it.Overridden(), Override: it.Reason, Executed: it.ExecutedAt != nil})
	}
	return out
}

func (s *Server) apiEvaluate(c *gin.Context) {
	items, err := s.changes.Evaluate(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": itemsJSON(items, "en")})
}

func (s *Server) apiItems(c *gin.Context) {
	items, err := s.changes.Items(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": itemsJSON(items, "en")})
}

func (s *Server) apiOverride(c *gin.Context) {
	var body struct {
		Outcome dsr.Outcome `json:"outcome"`
		Reason  string      `json:"reason"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	it, err := s.changes.Override(c.Request.Context(), c.Param("id"), c.Param("item"), body.Outcome, body.Reason, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, itemsJSON([]dsr.Item{*it}, "en")[0])
}

func (s *Server) apiExecute(c *gin.Context) {
	ex, err := s.changes.Execute(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	type executed struct {
		ID      string      `json:"id"`
		Outcome dsr.Outcome `json:"outcome"`
	}
	type notified struct {
		Recipient string `json:"recipient"`
		OrgNo     string `json:"org_no"`
		Status    string `json:"status"`
		Reason    string `json:"reason,omitempty"`
	}
	out := struct {
		Executed      []executed `json:"executed"`
		Notifications []notified `json:"notifications"`
	}{Executed: []executed{}, Notifications: []notified{}}
	for _, it := range ex.Items {
		if it.ExecutedAt != nil {
			out.Executed = append(out.Executed, executed{ID: it.ID, Outcome: it.Outcome})
		}
	}
	for _, n := range ex.Notifications {
		out.Notifications = append(out.Notifications, notified{Recipient: n.Recipient, OrgNo: n.OrgNumber, Status: n.Status, Reason: n.Reason.EN})
	}
	c.JSON(http.StatusOK, out)
}

// letterPDF serves the letter that answers a case, or will: the decision,
// the extract, or the decision on a request to change data.
func (s *Server) letterPDF(c *gin.Context) {
	pdf, err := s.delivery.Preview(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="brev.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

func (s *Server) apiAddItem(c *gin.Context) {
	var body struct {
		Register string `json:"register"`
		Record   string `json:"record"`
		Field    string `json:"field"`
		Value    string `json:"value"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	it, err := s.changes.AddItem(c.Request.Context(), c.Param("id"), changes.NewItem(body), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, itemsJSON([]dsr.Item{*it}, "en")[0])
}

func (s *Server) apiSendNotice(c *gin.Context) {
	res, err := s.delivery.SendNotice(c.Request.Context(), c.Param("id"), dsr.Purpose(c.Param("purpose")), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"channel": res.Channel, "receipt": res.Receipt, "letter_id": res.Letter.ID})
}

func (s *Server) apiAnnounceLift(c *gin.Context) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	l, err := s.changes.AnnounceLift(c.Request.Context(), c.Param("id"), body.Reason, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"letter_id": l.ID, "purpose": l.Purpose, "status": l.Status})
}

func (s *Server) apiLift(c *gin.Context) {
	items, err := s.changes.Lift(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	c.JSON(http.StatusOK, gin.H{"lifted": ids})
}
