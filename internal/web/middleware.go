package web

import (
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// Context keys set by the middleware.
const (
	keyLang    = "lang"
	keySession = "session"
	keyUser    = "user"
)

// requestID gives every request an id, returned in X-Request-Id and carried
// by the request's logger.
func (s *Server) requestID(c *gin.Context) {
	id := uuid.NewString()
	c.Header("X-Request-Id", id)
	l := s.log.With().Str("request_id", id).Logger()
	c.Request = c.Request.WithContext(l.WithContext(c.Request.Context()))
	c.Next()
}

// accessLog writes one line per request. It logs the route pattern, never
// the URL, so that nothing a person typed reaches the log.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	ev := s.logger(c).Info()
	if c.Writer.Status() >= 500 {
		ev = s.logger(c).Error()
	}
	ev.Str("method", c.Request.Method).Str("route", route).Int("status", c.Writer.Status()).
		Int("bytes", c.Writer.Size()).Dur("duration", time.Since(start)).Msg("request")
}

// recovery turns a panic into "Internal error." and a log line with the
// stack, never the request.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.logger(c).Error().Interface("panic", v).Bytes("stack", debug.Stack()).Msg("handler panicked")
			s.fail(c, dsr.Errorf(dsr.EINTERNAL, "error.internal", "Internal error."))
			c.Abort()
		}
	}()
	c.Next()
}

// crossOrigin refuses state-changing browser requests from other origins
// (CSRF), using the standard library's Fetch-metadata and Origin checks.
func (s *Server) crossOrigin() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			s.fail(c, dsr.Errorf(dsr.EFORBIDDEN, "web.cross_origin", "Cross-origin request refused."))
			c.Abort()
			return
		}
		c.Next()
	}
}

// limitBody bounds the size of every request body.
func (s *Server) limitBody(c *gin.Context) {
	limit := s.cfg.MaxBody
	if uploadRoutes[c.FullPath()] {
		limit = maxUpload
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// securityHeaders sets headers every response should carry.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", s.csp)
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// language picks Swedish unless the visitor chose English.
func (s *Server) language(c *gin.Context) {
	lang := "sv"
	if v, err := c.Cookie(langCookie); err == nil && v == "en" {
		lang = "en"
	}
	c.Set(keyLang, lang)
	c.Next()
}

// loadSession resolves the session cookie, if any.
func (s *Server) loadSession(c *gin.Context) {
	if token, err := c.Cookie(sessionCookie); err == nil && token != "" {
		sess, user, err := s.auth.Session(c.Request.Context(), token)
		if err == nil {
			c.Set(keySession, sess)
			if user != nil {
				c.Set(keyUser, user)
			}
		} else if dsr.ErrorCode(err) != dsr.EUNAUTHORIZED {
			s.fail(c, err)
			c.Abort()
			return
		}
	}
	c.Next()
}

// requireStaff lets through only signed-in staff holding the permission;
// every staff route declares the one it needs.
func (s *Server) requireStaff(p dsr.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := userOf(c)
		if u == nil {
			c.Redirect(http.StatusSeeOther, "/staff/login")
			c.Abort()
			return
		}
		if err := dsr.Require(dsr.StaffActor(u), p); err != nil {
			s.fail(c, err)
			c.Abort()
			return
		}
		c.Next()
	}
}

// requireIndividual lets through only a person signed in with e-ID.
func (s *Server) requireIndividual(c *gin.Context) {
	if sess := sessionOf(c); sess == nil || sess.Kind != dsr.ActorIndividual {
		c.Redirect(http.StatusSeeOther, "/e-id?next="+url.QueryEscape(c.Request.URL.Path))
		c.Abort()
		return
	}
	c.Next()
}

// bearer authenticates an API call with its Authorization header, and
// holds each token (or, without a valid one, each client address) to the
// API's rate limit.
func (s *Server) bearer(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		if s.rateLimited(c, addrKey(c)) {
			return
		}
		c.Header("WWW-Authenticate", `Bearer realm="dsrdesk"`)
		s.fail(c, dsr.Errorf(dsr.EUNAUTHORIZED, "auth.bearer_missing", "A bearer token is required."))
		c.Abort()
		return
	}
	token = strings.TrimSpace(token)
	u, err := s.auth.Bearer(c.Request.Context(), token)
	if err != nil {
		if s.rateLimited(c, addrKey(c)) {
			return
		}
		c.Header("WWW-Authenticate", `Bearer realm="dsrdesk", error="invalid_token"`)
		s.fail(c, err)
		c.Abort()
		return
	}
	if s.rateLimited(c, tokenKey(token)) {
		return
	}
	c.Set(keyUser, u)
	c.Next()
}

// apiAllow lets an authenticated API caller through only holding the
// permission; every API route declares the one it needs.
func (s *Server) apiAllow(p dsr.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := dsr.Require(dsr.StaffActor(userOf(c)), p); err != nil {
			s.fail(c, err)
			c.Abort()
			return
		}
		c.Next()
	}
}

func userOf(c *gin.Context) *dsr.User {
	if v, ok := c.Get(keyUser); ok {
		return v.(*dsr.User)
	}
	return nil
}

func sessionOf(c *gin.Context) *dsr.Session {
	if v, ok := c.Get(keySession); ok {
		return v.(*dsr.Session)
	}
	return nil
}

func langOf(c *gin.Context) string { return c.GetString(keyLang) }

func staffActor(c *gin.Context) dsr.Actor { return dsr.StaffActor(userOf(c)) }

func individualActor(sess *dsr.Session) dsr.Actor {
	return dsr.Actor{Kind: dsr.ActorIndividual, ID: sess.SubjectRef}
}
