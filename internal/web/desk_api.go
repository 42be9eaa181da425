package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/extract"
)

// The case desk's API (issue 7): outcomes, sign-off, identity, scope and
// withheld data. Each handler binds, calls one service and answers the
// case (or what changed) in the API's shape.

func (s *Server) apiOutcome(c *gin.Context) {
	var body struct {
		Outcome dsr.CaseOutcome `json:"outcome"`
		Reasons string          `json:"reasons"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerCase(c)(s.cases.Outcome(c.Request.Context(), c.Param("id"), body.Outcome, body.Reasons, staffActor(c)))
}

func (s *Server) apiSignOff(c *gin.Context) {
	var body struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerCase(c)(s.cases.SignOff(c.Request.Context(), c.Param("id"), body.Decision, body.Comment, staffActor(c)))
}

func (s *Server) apiResubmit(c *gin.Context) {
	s.answerCase(c)(s.cases.Resubmit(c.Request.Context(), c.Param("id"), staffActor(c)))
}

func (s *Server) apiAskIdentity(c *gin.Context) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerCase(c)(s.delivery.AskIdentity(c.Request.Context(), c.Param("id"), body.Reason, staffActor(c)))
}

func (s *Server) apiIdentityProof(c *gin.Context) {
	var body struct {
		Note string `json:"note"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerCase(c)(s.cases.Resume(c.Request.Context(), c.Param("id"), body.Note, staffActor(c)))
}

func (s *Server) apiScope(c *gin.Context) {
	var body struct {
		Registers []string `json:"registers"`
		From      string   `json:"from"`
		To        string   `json:"to"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerCase(c)(s.cases.SetScope(c.Request.Context(), c.Param("id"), casework.Scope{Registers: body.Registers, From: body.From, To: body.To}, staffActor(c)))
}

// answerCase answers a case, or the error that stopped it.
func (s *Server) answerCase(c *gin.Context) func(*dsr.Case, error) {
	return func(cs *dsr.Case, err error) {
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.caseJSON(cs))
	}
}

// withholdingJSON is the API shape of data withheld from an extract.
type withholdingJSON struct {
	ID        string           `json:"id"`
	Register  string           `json:"register"`
	Record    string           `json:"record"`
	Field     string           `json:"field,omitempty"`
	Kind      dsr.WithholdKind `json:"kind"`
	Provision dsr.Provision    `json:"provision,omitempty"`
	Cite      string           `json:"cite,omitempty"`
	Source    string           `json:"source"`
}

func (s *Server) apiWithholdings(c *gin.Context) {
	r, err := s.extracts.Review(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]withholdingJSON, 0, len(r.Withholdings))
	for _, w := range r.Withholdings {
		out = append(out, withholdingJSON{ID: w.ID, Register: w.Register, Record: w.Record, Field: w.Field, Kind: w.Kind,
			Provision: w.Provision, Cite: w.Provision.Cite().EN, Source: w.Source})
	}
	c.JSON(http.StatusOK, gin.H{"withholdings": out})
}

func (s *Server) apiWithhold(c *gin.Context) {
	var body struct {
		Register  string           `json:"register"`
		Record    string           `json:"record"`
		Field     string           `json:"field"`
		Kind      dsr.WithholdKind `json:"kind"`
		Provision dsr.Provision    `json:"provision"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	if body.Kind == "" {
		body.Kind = dsr.WithholdRedact
		if body.Field == "" {
			body.Kind = dsr.WithholdItem
		}
	}
	sum, err := s.extracts.Withhold(c.Request.Context(), c.Param("id"), extract.Withholding(body), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"registers": sum.Registers, "pages": sum.Pages, "withheld": sum.Withheld})
}

func (s *Server) apiDisclose(c *gin.Context) {
	sum, err := s.extracts.Disclose(c.Request.Context(), c.Param("id"), c.Param("wid"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"registers": sum.Registers, "pages": sum.Pages, "withheld": sum.Withheld})
}
