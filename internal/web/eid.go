package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
	"dsrdesk/internal/eid"
)

// afterSignIn is where a person lands after e-ID sign-in when no page asked
// for it.
const afterSignIn = "/mina-arenden"

// eidPage offers the e-ID sign-in, or says that e-ID is not connected.
func (s *Server) eidPage(c *gin.Context) {
	s.render(c, http.StatusOK, "eid", s.text("eid_title", langOf(c)), eidPage{
		Enabled: s.eid != nil && s.eid.Enabled(), Demo: s.cfg.DemoEID, Next: localPath(c.Query("next")),
	})
}

// eidStart sends the browser to the e-ID broker. The sign-in under way is
// tied to this browser by the dsr_eid cookie; the URL carries only the
// protocol's random values.
func (s *Server) eidStart(c *gin.Context) {
	next := localPath(c.PostForm("next"))
	if s.eid == nil {
		s.fail(c, errNotConnected())
		return
	}
	id, authURL, err := s.eid.Begin(c.Request.Context(), next)
	if err != nil {
		s.refuse(c, err, "/e-id?next="+url.QueryEscape(next))
		return
	}
	s.setCookie(c, eidCookie, id, false)
	c.Redirect(http.StatusSeeOther, authURL)
}

// eidCallback is where the broker sends the browser back. A refused
// sign-in gets a page that says why, and signs nobody in.
func (s *Server) eidCallback(c *gin.Context) {
	if s.eid == nil {
		s.fail(c, errNotConnected())
		return
	}
	id, _ := c.Cookie(eidCookie)
	s.setCookie(c, eidCookie, "", true)
	q := c.Request.URL.Query()
	person, next, err := s.eid.Finish(c.Request.Context(), id, eid.Callback{
		State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description"),
	})
	if err != nil {
		s.refuse(c, err, "/e-id")
		return
	}
	// A new session for the person; whatever session the browser had ends.
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := s.auth.Logout(c.Request.Context(), old); err != nil {
			s.fail(c, err)
			return
		}
	}
	token, err := s.auth.SignInIndividual(c.Request.Context(), person.PNR, person.Name, s.cfg.SubjectRef(person.PNR))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setSession(c, token)
	if next == "/" || next == "" {
		next = afterSignIn
	}
	c.Redirect(http.StatusSeeOther, next)
}

func errNotConnected() error {
	return dsr.Errorf(dsr.EUNAVAILABLE, "eid.not_connected", "e-ID is not connected in this installation.")
}
