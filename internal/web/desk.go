package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/extract"
)

// The case desk's pages (issue 7): the outcome, the DPO's sign-off, proof
// of identity, the scope of an extract and the review of what it withholds.
// Each handler binds the form, calls one service and returns to the case.

// backToCase sends the browser back to the case page after a change.
func (s *Server) backToCase(c *gin.Context, done string) func(error) {
	return func(err error) {
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/staff/cases/"+safeName(c.Param("id"))+"?done="+done)
	}
}

func ignoreCase(_ *dsr.Case, err error) error { return err }

func (s *Server) outcomePage(c *gin.Context) {
	s.backToCase(c, "outcome")(ignoreCase(s.cases.Outcome(c.Request.Context(), c.Param("id"), dsr.CaseOutcome(c.PostForm("outcome")), c.PostForm("reasons"), staffActor(c))))
}

func (s *Server) signOffPage(c *gin.Context) {
	s.backToCase(c, "signoff")(ignoreCase(s.cases.SignOff(c.Request.Context(), c.Param("id"), c.PostForm("decision"), c.PostForm("comment"), staffActor(c))))
}

func (s *Server) resubmitPage(c *gin.Context) {
	s.backToCase(c, "resubmitted")(ignoreCase(s.cases.Resubmit(c.Request.Context(), c.Param("id"), staffActor(c))))
}

func (s *Server) askIdentityPage(c *gin.Context) {
	s.backToCase(c, "identity_asked")(ignoreCase(s.delivery.AskIdentity(c.Request.Context(), c.Param("id"), c.PostForm("reason"), staffActor(c))))
}

func (s *Server) proofPage(c *gin.Context) {
	s.backToCase(c, "identity_proved")(ignoreCase(s.cases.Resume(c.Request.Context(), c.Param("id"), c.PostForm("note"), staffActor(c))))
}

func (s *Server) scopePage(c *gin.Context) {
	sc := casework.Scope{Registers: c.PostFormArray("registers"), From: strings.TrimSpace(c.PostForm("from")), To: strings.TrimSpace(c.PostForm("to"))}
	s.backToCase(c, "scoped")(ignoreCase(s.cases.SetScope(c.Request.Context(), c.Param("id"), sc, staffActor(c))))
}

// reviewPage shows an extract's rows as staff may see them, with what is
// withheld, and the forms that withhold a record or redact a field.
func (s *Server) reviewPage(c *gin.Context) {
	ctx, actor := c.Request.Context(), staffActor(c)
	o, err := s.cases.Overview(ctx, c.Param("id"), actor)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.extracts.Review(ctx, c.Param("id"), actor)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	p := reviewPage{Case: o.Case, Provisions: dsr.Provisions, CanWithhold: dsr.Can(actor, dsr.PermDecide) && o.Can(dsr.ActAssemble)}
	byRecord := map[string][]dsr.Withholding{}
	for _, w := range r.Withholdings {
		byRecord[w.Register+"\x00"+w.Record] = append(byRecord[w.Register+"\x00"+w.Record], w)
		p.Withholdings = append(p.Withholdings, w)
	}
	for _, sec := range r.Sections {
		rs := reviewSection{ID: sec.Register.ID, Name: sec.Register.Name.In(lang)}
		for i, col := range sec.Columns {
			rs.Columns = append(rs.Columns, col.In(lang))
			if i < len(sec.Fields) && sec.Fields[i] != "" {
				rs.Fields = append(rs.Fields, reviewField{Field: sec.Fields[i], Name: col.In(lang)})
			}
		}
		for i, row := range sec.Rows {
			rr := reviewRow{Record: sec.RecordIDs[i]}
			for _, v := range row {
				rr.Cells = append(rr.Cells, v.Display(lang))
			}
			rr.Withheld = byRecord[sec.Register.ID+"\x00"+sec.RecordIDs[i]]
			rs.Rows = append(rs.Rows, rr)
		}
		p.Sections = append(p.Sections, rs)
	}
	s.render(c, http.StatusOK, "review", s.text("review_title", lang)+" "+o.Case.Number, p)
}

func (s *Server) withholdPage(c *gin.Context) {
	w := extract.Withholding{Register: c.PostForm("register"), Record: c.PostForm("record"), Provision: dsr.Provision(c.PostForm("provision"))}
	switch what := c.PostForm("what"); {
	case what == "" || what == "item":
		w.Kind = dsr.WithholdItem
	case c.PostForm("kind") == string(dsr.WithholdDisclose):
		w.Kind, w.Field = dsr.WithholdDisclose, what
	default:
		w.Kind, w.Field = dsr.WithholdRedact, what
	}
	_, err := s.extracts.Withhold(c.Request.Context(), c.Param("id"), w, staffActor(c))
	s.backToReview(c, err)
}

func (s *Server) disclosePage(c *gin.Context) {
	_, err := s.extracts.Disclose(c.Request.Context(), c.Param("id"), c.Param("wid"), staffActor(c))
	s.backToReview(c, err)
}

func (s *Server) backToReview(c *gin.Context, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+safeName(c.Param("id"))+"/review?done=withheld")
}

// The data of the review page.
type (
	reviewPage struct {
		Case         *dsr.Case
		Sections     []reviewSection
		Withholdings []dsr.Withholding
		Provisions   []dsr.Provision
		CanWithhold  bool
	}
	reviewSection struct {
		ID, Name string
		Columns  []string
		Fields   []reviewField
		Rows     []reviewRow
	}
	reviewField struct{ Field, Name string }
	reviewRow   struct {
		Record   string
		Cells    []string
		Withheld []dsr.Withholding
	}
)

// searchPage takes a search posted on the case list and redirects to its
// results (searchResults), so that the back button returns to the results
// without posting the form again. The search's words go into the results'
// address sealed (sealSearch): an identity number never reaches a URL.
func (s *Server) searchPage(c *gin.Context) {
	token, _ := c.Cookie(sessionCookie)
	sealed, err := sealSearch(token, c.PostForm("q"), s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/search?q="+sealed)
}

// searchResults finds cases by case number or identity number. One hit
// opens the case. A sealed search that cannot be opened (from another
// session, or too old) leads back to the case list.
func (s *Server) searchResults(c *gin.Context) {
	token, _ := c.Cookie(sessionCookie)
	q, ok := openSearch(token, c.Query("q"), s.now())
	if !ok {
		c.Redirect(http.StatusSeeOther, "/staff/cases")
		return
	}
	found, err := s.cases.Search(c.Request.Context(), q, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(found) == 1 {
		c.Redirect(http.StatusSeeOther, "/staff/cases/"+found[0].ID)
		return
	}
	rows := s.caseRows(found)
	s.render(c, http.StatusOK, "cases", s.text("search_title", langOf(c)), casesPage{Cases: rows, Total: len(rows), Queues: dsr.Queues, Searched: true})
}

// searchLifetime is how long the address of a search's results opens it.
const searchLifetime = time.Hour

// sealSearch encrypts a search's words, with the time, for the address of
// its results. The key is derived from the staff member's session token,
// which only their browser holds (an HttpOnly cookie) and the server keeps
// only as a hash: the address opens the search for that session alone,
// and for nobody once it has ended. Nothing is kept on the server.
func sealSearch(token, q string, now time.Time) (string, error) {
	aead, err := searchAEAD(token)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+8+len(q)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal search: %w", err)
	}
	plain := binary.BigEndian.AppendUint64(nil, uint64(now.Unix()))
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, append(plain, q...), nil)), nil
}

// openSearch opens what sealSearch sealed, if it was sealed for this
// session within searchLifetime.
func openSearch(token, sealed string, now time.Time) (string, bool) {
	aead, err := searchAEAD(token)
	if err != nil || token == "" {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", false
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil || len(plain) < 8 {
		return "", false
	}
	at := time.Unix(int64(binary.BigEndian.Uint64(plain)), 0)
	if now.Sub(at) > searchLifetime || at.Sub(now) > time.Minute {
		return "", false
	}
	return string(plain[8:]), true
}

func searchAEAD(token string) (cipher.AEAD, error) {
	key := sha256.Sum256([]byte("dsrdesk case search\x00" + token))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("search key: %w", err)
	}
	return cipher.NewGCM(block)
}

func (s *Server) notePage(c *gin.Context) {
	_, err := s.cases.AddNote(c.Request.Context(), c.Param("id"), c.PostForm("body"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+safeName(c.Param("id"))+"?done=noted#notes")
}

// auditRow is one audit entry as people read it: when, who by name, and
// what in words.
type auditRow struct {
	At   time.Time
	Who  string
	What string
}

// auditRows puts names and words on a case's audit trail.
func (s *Server) auditRows(o *casework.Overview, lang string) []auditRow {
	out := make([]auditRow, 0, len(o.Audit))
	for _, e := range o.Audit {
		out = append(out, auditRow{At: e.At, Who: s.actorName(e.Actor, o.Names, lang), What: s.textOr("audit_"+string(e.Action), lang, string(e.Action))})
	}
	return out
}

// actorName is who an actor is, for people to read.
func (s *Server) actorName(actor string, names map[string]string, lang string) string {
	switch {
	case names[actor] != "":
		return names[actor]
	case strings.HasPrefix(actor, "individual:"):
		return s.text("audit_who_individual", lang)
	case actor == "system" || strings.HasPrefix(actor, "system"):
		return s.text("audit_who_system", lang)
	}
	return actor
}

// textOr is an interface text, or fallback when the catalogue has none.
func (s *Server) textOr(key, lang, fallback string) string {
	if _, ok := s.texts[key]; ok {
		return s.text(key, lang)
	}
	return fallback
}

// noteRow is an internal note with its author's name.
type noteRow struct {
	At   time.Time
	Who  string
	Body string
}

func (s *Server) noteRows(o *casework.Overview, lang string) []noteRow {
	out := make([]noteRow, 0, len(o.Memos))
	for _, n := range o.Memos {
		out = append(out, noteRow{At: n.At, Who: s.actorName(n.Actor, o.Names, lang), Body: n.Body})
	}
	return out
}

func (s *Server) apiSearch(c *gin.Context) {
	var body struct {
		Q string `json:"q"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	found, err := s.cases.Search(c.Request.Context(), body.Q, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]caseJSON, 0, len(found))
	for _, cs := range found {
		out = append(out, s.caseJSON(cs))
	}
	c.JSON(http.StatusOK, gin.H{"cases": out})
}

func (s *Server) apiNote(c *gin.Context) {
	var body struct {
		Body string `json:"body"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	n, err := s.cases.AddNote(c.Request.Context(), c.Param("id"), body.Body, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": n.ID, "body": n.Body, "at": n.At})
}

func (s *Server) mandatePage(c *gin.Context) {
	m := casework.MandateCheck{Valid: c.PostForm("valid") != "", CoversRequest: c.PostForm("covers_request") != "",
		From: strings.TrimSpace(c.PostForm("from")), To: strings.TrimSpace(c.PostForm("to")),
		DeliverToRepresentative: c.PostForm("deliver_to_representative") != "", Note: c.PostForm("note")}
	s.backToCase(c, "mandate_verified")(ignoreCase(s.cases.VerifyMandate(c.Request.Context(), c.Param("id"), m, staffActor(c))))
}

func (s *Server) apiMandate(c *gin.Context) {
	var body struct {
		Valid                   bool   `json:"valid"`
		CoversRequest           bool   `json:"covers_request"`
		From                    string `json:"from"`
		To                      string `json:"to"`
		DeliverToRepresentative bool   `json:"deliver_to_representative"`
		Note                    string `json:"note"`
	}
	if err := bindJSON(c, &body); err != nil {
		s.fail(c, err)
		return
	}
	s.answerCase(c)(s.cases.VerifyMandate(c.Request.Context(), c.Param("id"), casework.MandateCheck(body), staffActor(c)))
}
