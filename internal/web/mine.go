package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/casework"
)

// minePage is "my requests": every request of the signed-in person, by any
// channel, and those they made for someone else, with the letters sent to
// them.
func (s *Server) minePage(c *gin.Context) {
	sess := sessionOf(c)
	mine, err := s.cases.Mine(c.Request.Context(), sess.SubjectPNR, individualActor(sess))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "mine", s.text("mine_title", langOf(c)), minePage{Cases: mine})
}

// myLetter downloads a letter that was sent to the signed-in person.
func (s *Server) myLetter(c *gin.Context) {
	sess := sessionOf(c)
	l, pdf, err := s.cases.MyLetter(c.Request.Context(), c.Param("id"), c.Param("letter"), sess.SubjectPNR, individualActor(sess))
	if err != nil {
		s.fail(c, err)
		return
	}
	name := l.CaseNumber + "-" + string(l.Purpose) + ".pdf"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Content-Length", strconv.Itoa(len(pdf)))
	c.Data(http.StatusOK, "application/pdf", pdf)
}

type minePage struct {
	Cases []casework.MyCase
}
