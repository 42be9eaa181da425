package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/printbatch"
)

// printPage is the print operator's page: the letters waiting per route
// (the protected route's only for an operator cleared for it), the batches
// with their counts and the print shop's progress, and a batch's file
// while it is built.
type printPage struct {
	printbatch.Overview
	// Building: a batch's file is being built or waits to be; the page
	// reloads itself until it is done, unless the operator stopped that.
	Building bool
	NoReload bool
	// Forwarding is the protected route's outer envelope's address.
	Forwarding []string
}

// printReloadSecs is how often the print page reloads itself while a
// batch's file is built (the page's text says "every three seconds"). The page has no script (the CSP allows none): the
// browser reloads it on the Refresh header, and the page says so and
// offers to stop (WCAG 2.2.1).
const printReloadSecs = 3

func (s *Server) printPage(c *gin.Context) {
	o, err := s.print.Overview(c.Request.Context(), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	p := printPage{Overview: o, NoReload: c.Query("reload") == "off", Forwarding: dsr.ProtectedForwarding.Lines}
	for _, b := range o.Batches {
		if b.Building || b.File == dsr.BatchFilePending {
			p.Building = true
		}
	}
	if p.Building && !p.NoReload {
		c.Header("Refresh", strconv.Itoa(printReloadSecs)+"; url=/staff/print")
	}
	s.render(c, http.StatusOK, "print", s.text("print_title", langOf(c)), p)
}

// printRoute reads the route a form or API call names; none means the
// ordinary route.
func printRoute(r dsr.PrintRoute) (dsr.PrintRoute, error) {
	switch r {
	case "":
		return dsr.RouteOrdinary, nil
	case dsr.RouteOrdinary, dsr.RouteProtected:
		return r, nil
	}
	return "", dsr.FieldError("route", "print.route_unknown", "The route is ordinary or protected.")
}

func (s *Server) createBatchPage(c *gin.Context) {
	route, err := printRoute(dsr.PrintRoute(c.PostForm("route")))
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.print.Create(c.Request.Context(), route, staffActor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/print?done=print_created")
}

// exportBatch sends a print batch's ZIP, for the page and the API: the
// finished file, built first if it is not yet (the request then waits for
// it). A download can be resumed (Range).
func (s *Server) exportBatch(c *gin.Context) {
	d, err := s.print.Download(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	defer d.File.Close()
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", `attachment; filename="batch-`+safeName(c.Param("id"))+`.zip"`)
	http.ServeContent(c.Writer, c.Request, d.Name, d.ModTime, d.File)
}

// apiCreateBatch makes a print batch of the ordinary route, or with
// {"route":"protected"} of the protected one (the protected-print
// permission only).
func (s *Server) apiCreateBatch(c *gin.Context) {
	var body struct {
		Route dsr.PrintRoute `json:"route"`
	}
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &body); err != nil {
			s.fail(c, err)
			return
		}
	}
	route, err := printRoute(body.Route)
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.print.Create(c.Request.Context(), route, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": b.ID, "letters": b.Count, "route": b.Route})
}

// batchJSON is the API shape of a print batch as the operator follows it.
type batchJSON struct {
	ID         string         `json:"id"`
	Route      dsr.PrintRoute `json:"route"`
	Letters    int            `json:"letters"`
	CreatedAt  time.Time      `json:"created_at"`
	File       string         `json:"file"`    // building, pending, ready, failed or "" (built when downloaded)
	Written    int            `json:"written"` // letters in the file so far, while it is built
	Printed    int            `json:"printed"`
	HandedOver int            `json:"handed_over"`
	Returned   int            `json:"returned"`
}

// apiBatch tells how far a batch is: its file's build, and the print
// shop's reports.
func (s *Server) apiBatch(c *gin.Context) {
	b, err := s.print.Status(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	file := string(b.File)
	if b.Building {
		file = "building"
	}
	c.JSON(http.StatusOK, batchJSON{ID: b.ID, Route: b.Route, Letters: b.Count, CreatedAt: b.CreatedAt, File: file, Written: b.Written,
		Printed: b.Printed, HandedOver: b.HandedOver, Returned: b.Returned})
}

// apiPrintStatus applies the print shop's status file (text/csv).
func (s *Server) apiPrintStatus(c *gin.Context) {
	if ct := c.ContentType(); ct != "text/csv" && ct != "text/plain" {
		s.fail(c, dsr.Errorf(dsr.EINVALID, "print.status_type", "Send the status file as text/csv."))
		return
	}
	res, err := s.print.ImportStatus(c.Request.Context(), c.Request.Body, staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	type rejected struct {
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	}
	out := make([]rejected, 0, len(res.Rejected))
	for _, r := range res.Rejected {
		out = append(out, rejected{r.Line, r.Reason})
	}
	c.JSON(http.StatusOK, gin.H{"applied": res.Applied, "unchanged": res.Unchanged, "rejected": out})
}

func (s *Server) apiReprint(c *gin.Context) {
	l, err := s.print.Reprint(c.Request.Context(), c.Param("record_id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"record_id": l.ID, "attempt": l.Attempt, "status": l.Status})
}
