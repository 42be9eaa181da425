package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/forms"
)

// page is what every template gets.
type page struct {
	Lang       string
	Title      string
	Path       string
	Staff      *dsr.User
	Individual string
	Flash      string
	Data       any
}

// The data of each page, typed so that a template and its handler cannot
// disagree about a field's name without the compiler or start-up noticing.
type (
	errorPage struct {
		Message string
		Back    string
	}
	eidPage struct {
		Enabled bool
		Demo    bool
		Next    string
	}
	formPage struct {
		Form   *forms.Form
		Values map[string]string
		Errors map[string]string
		Key    string
		// On a form with corrections: the person's own data, and the
		// registers they hold data in (those a statement can be about).
		Own    []ownTable
		OwnIDs map[string]bool
		// Principals are whom the person may ask for besides themselves
		// (a form without corrections only: those show the person's own data).
		Principals []casework.Principal
	}
	// ownTable is one register of the person's own data as the
	// rectification form shows it: a heading per field, a row per record.
	ownTable struct {
		ID       string
		Name     dsr.Text
		ReferTo  *dsr.Text // corrected at the source, by this authority
		Assessed bool      // some field holds an assessment
		Headings []ownHeading
		Rows     []ownRow
	}
	ownRow struct {
		Summary string // the whole record, so the person knows which it is
		Cells   []ownCell
	}
	ownHeading struct {
		Label    dsr.Text
		Assessed bool
	}
	ownCell struct {
		Key      string // forms.CellKey
		Value    string
		Assessed bool
	}
	receiptPage struct {
		Case *dsr.Case
	}
)

// render executes one page with the layout, in the visitor's language. The
// page is rendered to a buffer first, so that a template error gives an
// error page and a 500, never half a page with a 200.
func (s *Server) render(c *gin.Context, status int, name, title string, data any) {
	lang := langOf(c)
	if lang == "" {
		lang = "sv"
	}
	p := page{Lang: lang, Title: title, Path: returnPath(c, name), Staff: userOf(c), Data: data, Flash: c.Query("done")}
	if p.Flash != "" {
		p.Flash = s.text(p.Flash+"_ok", lang)
	}
	if sess := sessionOf(c); sess != nil && sess.Kind == dsr.ActorIndividual {
		p.Individual = sess.SubjectName
	}
	var buf bytes.Buffer
	if err := s.pages[lang][name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.logger(c).Error().Err(err).Str("page", name).Msg("render page")
		if name == "error" {
			c.String(http.StatusInternalServerError, "Internal error.")
			return
		}
		s.fail(c, dsr.Errorf(dsr.EINTERNAL, "error.internal", "Internal error."))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) startPage(c *gin.Context) {
	s.render(c, http.StatusOK, "start", s.text("start_title", langOf(c)), nil)
}

// localPath accepts only a path on this site as a redirect target.
// A control character is refused too: browsers drop tabs and line breaks
// from a URL, which would turn "/\t/host" into "//host".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") ||
		strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return p
}

// returnPath is where the language switch on a page leads back to: the
// page itself, with its query string but without the one-off "done"
// confirmation. A page shown in answer to a form is opened again with GET:
// at the form's own address where that answers GET, else at the page the
// form is on. The template escapes it once, as the switch's "next".
func returnPath(c *gin.Context, name string) string {
	path := c.Request.URL.EscapedPath()
	if m := c.Request.Method; m != http.MethodGet && m != http.MethodHead {
		switch name {
		case "admin_users":
			return "/admin/users"
		case "error":
			return "/"
		}
		return localPath(path)
	}
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return localPath(path)
	}
	q.Del("done")
	if len(q) == 0 {
		return localPath(path)
	}
	return localPath(path + "?" + q.Encode())
}

func (s *Server) switchLanguage(c *gin.Context) {
	lang := c.Param("lang")
	if lang != "en" {
		lang = "sv"
	}
	s.setCookie(c, langCookie, lang, false)
	c.Redirect(http.StatusSeeOther, localPath(c.Query("next")))
}

func (s *Server) setSession(c *gin.Context, token string) {
	s.setCookie(c, sessionCookie, token, false)
}

func (s *Server) logout(c *gin.Context) {
	if token, err := c.Cookie(sessionCookie); err == nil {
		if err := s.auth.Logout(c.Request.Context(), token); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.setCookie(c, sessionCookie, "", true)
	c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) requestForm(c *gin.Context) {
	f, ok := s.forms[c.Param("form")]
	if !ok {
		s.fail(c, errNoForm())
		return
	}
	pg := formPage{Form: f, Values: map[string]string{"scope": "all", "language": langOf(c)}, Errors: map[string]string{}, Key: uuid.NewString()}
	if _, err := s.ownData(c, &pg); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.principals(c, &pg); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "form", f.Title.In(langOf(c)), pg)
}

// ownData reads the person's own data for a form with corrections, puts
// them on the page and returns the values the form offers for correction.
func (s *Server) ownData(c *gin.Context, pg *formPage) ([]dsr.Change, error) {
	if !pg.Form.HasCorrections() {
		return nil, nil
	}
	sess := sessionOf(c)
	own, err := s.changes.Own(c.Request.Context(), sess.SubjectPNR, individualActor(sess))
	if err != nil {
		return nil, err
	}
	var offered []dsr.Change
	pg.OwnIDs = map[string]bool{}
	for _, r := range own {
		t := ownTable{ID: r.ID, Name: r.Name, ReferTo: r.ReferTo}
		for _, col := range r.Fields {
			t.Assessed = t.Assessed || r.Assessed[col.Field]
			t.Headings = append(t.Headings, ownHeading{Label: col.Text, Assessed: r.Assessed[col.Field]})
		}
		for _, rec := range r.Records {
			row := make([]ownCell, 0, len(r.Fields))
			for i, col := range r.Fields {
				cell := dsr.Change{Register: r.ID, Record: rec.ID, Field: col.Field}
				offered = append(offered, cell)
				v := ""
				if i < len(rec.Values) {
					v = rec.Values[i]
				}
				row = append(row, ownCell{Key: forms.CellKey(cell), Value: v, Assessed: r.Assessed[col.Field]})
			}
			t.Rows = append(t.Rows, ownRow{Summary: rec.Summary, Cells: row})
		}
		pg.Own = append(pg.Own, t)
		pg.OwnIDs[r.ID] = true
	}
	return offered, nil
}

// submitRequest registers a request made in the e-service. The person is
// the one signed in with e-ID; the form cannot name anyone else, and the
// values it can correct are the person's own, read again here.
func (s *Server) submitRequest(c *gin.Context) {
	f, ok := s.forms[c.Param("form")]
	if !ok {
		s.fail(c, errNoForm())
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if !errors.As(err, &tooBig) {
			err = dsr.Errorf(dsr.EINVALID, "web.form_unreadable", "The form could not be read.")
		}
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	// The key was put in the form when it was shown: a double click or a
	// resubmitted page sends it again and finds the case it made.
	key := c.Request.PostForm.Get("request_key")
	if _, err := uuid.Parse(key); err != nil {
		key = uuid.NewString()
	}
	pg := formPage{Form: f, Key: key}
	offered, err := s.ownData(c, &pg)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.principals(c, &pg); err != nil {
		s.fail(c, err)
		return
	}
	pg.Values = f.Values(c.Request.PostForm, offered)
	sub, errs := f.Submit(pg.Values, offered, lang)
	actingFor := ""
	if !f.HasCorrections() {
		// Whether the person may ask for that principal is checked again
		// when the case is made, whatever the form offered.
		actingFor = strings.TrimSpace(c.Request.PostForm.Get("acting_for"))
		pg.Values["acting_for"] = actingFor
	}
	if errs != nil {
		pg.Errors = errs
		s.render(c, http.StatusBadRequest, "form", f.Title.In(lang), pg)
		return
	}
	sess := sessionOf(c)
	letters := sub.Answers["language"] // the extract's language on 9352, else the page's
	if letters == "" {
		letters = lang
	}
	sub.Answers["form"] = f.ID
	cs, _, err := s.cases.Create(c.Request.Context(), casework.Request{
		Kinds: sub.Kinds, Subject: string(sess.SubjectPNR), SubjectName: sess.SubjectName, Channel: dsr.ChannelEService,
		Language: letters, Details: sub.Answers, Change: sub.Change, Key: key, ActingFor: actingFor,
	}, individualActor(sess))
	if err != nil {
		// What the register catalogue refuses is shown on the field that
		// asked for it, like any other mistake in the form.
		if e := dsr.AsError(err); e.Code == dsr.EINVALID && e.Field == "acting_for" {
			pg.Errors = map[string]string{"acting_for": s.errorText(e, lang)}
			s.render(c, http.StatusBadRequest, "form", f.Title.In(lang), pg)
			return
		} else if e.Code == dsr.EINVALID && f.FieldFor(e.Field) != "" {
			pg.Errors = map[string]string{f.FieldFor(e.Field): s.errorText(e, lang)}
			s.render(c, http.StatusBadRequest, "form", f.Title.In(lang), pg)
			return
		}
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/request/receipt/"+cs.ID)
}

// principals puts on a form whom the signed-in person may ask for besides
// themselves: their children and the principals of verified mandates.
func (s *Server) principals(c *gin.Context, pg *formPage) error {
	if pg.Form.HasCorrections() {
		return nil
	}
	sess := sessionOf(c)
	ps, err := s.cases.Principals(c.Request.Context(), sess.SubjectPNR, individualActor(sess))
	pg.Principals = ps
	return err
}

func (s *Server) receiptPage(c *gin.Context) {
	sess := sessionOf(c)
	cs, err := s.cases.Receipt(c.Request.Context(), c.Param("id"), sess.SubjectPNR, individualActor(sess))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "receipt", s.text("receipt_title", langOf(c)), receiptPage{Case: cs})
}

func errNoForm() error { return dsr.Errorf(dsr.ENOTFOUND, "web.no_form", "No such form.") }
