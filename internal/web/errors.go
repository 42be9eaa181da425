package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
)

// status maps an application error code to its HTTP status. It is the only
// place where that mapping is made.
func status(code string) int {
	switch code {
	case dsr.EINVALID:
		return http.StatusBadRequest
	case dsr.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case dsr.EFORBIDDEN:
		return http.StatusForbidden
	case dsr.ENOTFOUND:
		return http.StatusNotFound
	case dsr.ECONFLICT:
		return http.StatusConflict
	case dsr.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case dsr.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError is the JSON shape of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// fail reports an error: JSON under /api, an error page elsewhere, in the
// page's language from the text catalogue. Internal errors are logged with
// their detail and shown as "Internal error."; the cause behind any other
// error (a network failure behind "unavailable", say) is logged too.
func (s *Server) fail(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = dsr.Errorf(dsr.ETOOLARGE, "input.too_large", "The request is too large (at most %d bytes).", tooBig.Limit)
	}
	e := dsr.AsError(err)
	st := status(e.Code)
	if st == http.StatusInternalServerError {
		s.logger(c).Error().Err(err).Msg("internal error")
	} else if e.Cause != nil {
		s.logger(c).Warn().Err(e.Cause).Str("code", e.Code).Str("key", e.Key).Msg("request failed")
	}
	if isAPI(c) {
		var body apiError
		body.Error.Code, body.Error.Message, body.Error.Field = e.Code, e.Message, e.Field
		c.AbortWithStatusJSON(st, body)
		return
	}
	if st == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/")
		c.Abort()
		return
	}
	s.errorPage(c, e, "/")
}

// refuse reports an error on a page even when it is a refused sign-in
// (which fail answers with a redirect), with a link back to where the
// person can try again.
func (s *Server) refuse(c *gin.Context, err error, back string) {
	e := dsr.AsError(err)
	if e.Cause != nil || status(e.Code) == http.StatusInternalServerError {
		s.logger(c).Warn().Err(err).Str("code", e.Code).Str("key", e.Key).Msg("refused")
	}
	s.errorPage(c, e, back)
}

func (s *Server) errorPage(c *gin.Context, e *dsr.Error, back string) {
	lang := langOf(c)
	s.render(c, status(e.Code), "error", s.text("error_title", lang), errorPage{Message: s.errorText(e, lang), Back: back})
	c.Abort()
}

func isAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return len(p) >= 5 && p[:5] == "/api/" || p == "/healthz"
}

// logger returns the request's logger (with its request id).
func (s *Server) logger(c *gin.Context) *zerolog.Logger {
	l := zerolog.Ctx(c.Request.Context())
	if l.GetLevel() == zerolog.Disabled {
		return &s.log
	}
	return l
}
