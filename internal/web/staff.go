package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/changes"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/stats"
)

func (s *Server) loginPage(c *gin.Context) {
	s.render(c, http.StatusOK, "login", s.text("login_title", langOf(c)), loginPage{})
}

func (s *Server) login(c *gin.Context) {
	email := c.PostForm("email")
	token, u, err := s.auth.Login(c.Request.Context(), email, c.PostForm("password"), c.ClientIP())
	if code := dsr.ErrorCode(err); code == dsr.EUNAUTHORIZED || code == dsr.EFORBIDDEN {
		msg := s.errorText(dsr.AsError(err), langOf(c))
		s.render(c, status(code), "login", s.text("login_title", langOf(c)), loginPage{Email: email, Error: msg})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	s.setSession(c, token)
	if dsr.Can(dsr.StaffActor(u), dsr.PermManageUsers) {
		c.Redirect(http.StatusSeeOther, "/admin/users")
		return
	}
	if a := dsr.StaffActor(u); dsr.Can(a, dsr.PermPrintOrdinary) && !dsr.Can(a, dsr.PermReadCases) {
		c.Redirect(http.StatusSeeOther, "/staff/print")
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases")
}

// The data of the staff pages.
type (
	loginPage struct {
		Email string
		Error string
	}
	// caseRow is a case in the list with its deadline arithmetic done.
	caseRow struct {
		Case     *dsr.Case
		Due      time.Time
		DaysLeft int
		Overdue  bool
	}
	casesPage struct {
		Cases   []caseRow
		Total   int
		Overdue int
		Queue   dsr.Queue
		Queues  []dsr.Queue
		Next    string // the cursor of the next page; "" on the last
		// Warnings are the open cases due in 1, 3 and 7 days (dashboard.go);
		// nil when there are none.
		Warnings []stats.Warning
		Searched bool // the page shows search results, not a queue
	}
	casePage struct {
		O           *casework.Overview
		PNR         string
		DaysLeft    int
		Overdue     bool
		Items       []dsr.Item // the first maxItemsShown
		ItemCount   int
		Tally       []outcomeCount
		CanOverride bool
		Outcomes    []dsr.Outcome
		Executed    bool
		Restricted  int         // items whose restriction is in force
		LiftNotice  *dsr.Letter // the notice that a restriction will be lifted, once written
		CanLift     bool
		// The case desk.
		CaseOutcomes []dsr.CaseOutcome
		CanDecide    bool // record an outcome, withhold data
		CanSignOff   bool // the DPO, while a letter waits
		Letter       bool // there is a letter to preview
		InScope      map[string]bool
		Audit        []auditRow
		Notes        []noteRow
		FilePurposes []dsr.AttachmentPurpose
	}
	outcomeCount struct {
		Outcome dsr.Outcome
		N       int
	}
)

// casesPageSize is how many cases a page of the case list shows.
const casesPageSize = 100

func (s *Server) casesPage(c *gin.Context) {
	actor := staffActor(c)
	queue := c.DefaultQuery("queue", string(dsr.QueueOpen))
	page, err := s.cases.List(c.Request.Context(), casework.ListQuery{Queue: queue, Cursor: c.Query("cursor"), Limit: casesPageSize}, actor)
	if err != nil {
		s.fail(c, err)
		return
	}
	overdue, err := s.cases.List(c.Request.Context(), casework.ListQuery{Queue: string(dsr.QueueOverdue), Limit: 1}, actor)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows := s.caseRows(page.Cases)
	warnings, err := s.caseListWarnings(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "cases", s.text("cases_title", langOf(c)), casesPage{Cases: rows, Total: page.Total, Overdue: overdue.Total,
		Queue: dsr.Queue(queue), Queues: dsr.Queues, Next: page.Next.String(), Warnings: warnings})
}

// caseRows are cases as the case list shows them, their deadline
// arithmetic done today.
func (s *Server) caseRows(cases []*dsr.Case) []caseRow {
	now := s.now()
	rows := make([]caseRow, 0, len(cases))
	for _, cs := range cases {
		rows = append(rows, caseRow{Case: cs, Due: cs.EffectiveDue(), DaysLeft: cs.DaysLeft(now), Overdue: cs.Overdue(now)})
	}
	return rows
}

func (s *Server) assignPage(c *gin.Context) {
	if _, err := s.cases.Assign(c.Request.Context(), c.Param("id"), c.PostForm("officer"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=assigned")
}

func (s *Server) casePage(c *gin.Context) {
	o, err := s.cases.Overview(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.now()
	p := casePage{
		O: o, PNR: o.Case.SubjectPNR.Display(), DaysLeft: o.Case.DaysLeft(now), Overdue: o.Case.Overdue(now),
		ItemCount: len(o.Items), CanOverride: dsr.Can(staffActor(c), dsr.PermOverride) && o.Can(dsr.ActDecide), Outcomes: dsr.Outcomes,
	}
	p.Items = o.Items[:min(len(o.Items), maxItemsShown)]
	counts := map[dsr.Outcome]int{}
	for _, it := range o.Items {
		counts[it.Outcome]++
		p.Executed = p.Executed || it.ExecutedAt != nil
		if (it.Outcome == dsr.OutcomeRestrict || it.Outcome == dsr.OutcomeStop) && it.ExecutedAt != nil && it.LiftedAt == nil {
			p.Restricted++
		}
	}
	for i := range o.Letters {
		if o.Letters[i].Purpose == dsr.PurposeLiftNotice {
			p.LiftNotice = &o.Letters[i]
		}
	}
	p.CanLift = p.Restricted > 0 && o.Can(dsr.ActLift) && dsr.Can(staffActor(c), dsr.PermDecide)
	p.CaseOutcomes = dsr.CaseOutcomes
	p.CanDecide = dsr.Can(staffActor(c), dsr.PermDecide) && o.Can(dsr.ActOutcome)
	p.CanSignOff = dsr.Can(staffActor(c), dsr.PermSignOff) && o.Can(dsr.ActSignOff)
	p.Letter = o.Case.Outcome.Letter() || p.Executed
	p.Audit, p.Notes = s.auditRows(o, langOf(c)), s.noteRows(o, langOf(c))
	p.FilePurposes = []dsr.AttachmentPurpose{dsr.AttachMandate, dsr.AttachIdentity, dsr.AttachRequest, dsr.AttachPhoneNote}
	p.InScope = map[string]bool{}
	for _, r := range o.Case.Change.Scope {
		p.InScope[r] = true
	}
	for _, out := range dsr.Outcomes {
		if counts[out] > 0 {
			p.Tally = append(p.Tally, outcomeCount{out, counts[out]})
		}
	}
	s.render(c, http.StatusOK, "case", o.Case.Number, p)
}

func (s *Server) assemblePage(c *gin.Context) {
	if _, err := s.extracts.Assemble(c.Request.Context(), c.Param("id"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=assembled")
}

func (s *Server) sendPage(c *gin.Context) {
	if _, err := s.delivery.SendAnswer(c.Request.Context(), c.Param("id"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=sent")
}

// reprintPage prints a letter of the case again, at the address the
// population register has today (returned mail).
func (s *Server) reprintPage(c *gin.Context) {
	if _, err := s.print.Reprint(c.Request.Context(), c.PostForm("letter"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=reprinted")
}

func (s *Server) extendPage(c *gin.Context) {
	if _, err := s.delivery.Extend(c.Request.Context(), c.Param("id"), c.PostForm("reason"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=extended")
}

// extractPDF serves the assembled extract, for the preview page and the API.
func (s *Server) extractPDF(c *gin.Context) {
	pdf, _, err := s.extracts.PDF(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="registerutdrag.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

func safeName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			out = append(out, r)
		}
	}
	return string(out)
}

// maxItemsShown bounds the item table of a case page; the decision letter
// and the API carry every item.
const maxItemsShown = 300

func (s *Server) evaluatePage(c *gin.Context) {
	if _, err := s.changes.Evaluate(c.Request.Context(), c.Param("id"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=evaluated")
}

func (s *Server) executePage(c *gin.Context) {
	if _, err := s.changes.Execute(c.Request.Context(), c.Param("id"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=executed")
}

func (s *Server) overridePage(c *gin.Context) {
	_, err := s.changes.Override(c.Request.Context(), c.Param("id"), c.Param("item"), dsr.Outcome(c.PostForm("outcome")), c.PostForm("reason"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=overridden#item-"+safeName(c.Param("item")))
}

func (s *Server) addItemPage(c *gin.Context) {
	n := changes.NewItem{Register: c.PostForm("register"), Record: c.PostForm("record"), Field: c.PostForm("field"), Value: c.PostForm("value")}
	it, err := s.changes.AddItem(c.Request.Context(), c.Param("id"), n, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=item_added#item-"+it.ID)
}

func (s *Server) announceLiftPage(c *gin.Context) {
	if _, err := s.changes.AnnounceLift(c.Request.Context(), c.Param("id"), c.PostForm("reason"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=lift_announced")
}

func (s *Server) sendNoticePage(c *gin.Context) {
	if _, err := s.delivery.SendNotice(c.Request.Context(), c.Param("id"), dsr.Purpose(c.Param("purpose")), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=sent")
}

func (s *Server) liftPage(c *gin.Context) {
	if _, err := s.changes.Lift(c.Request.Context(), c.Param("id"), staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/cases/"+c.Param("id")+"?done=lifted")
}
