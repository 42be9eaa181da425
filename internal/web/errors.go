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

// fail reports an error: JSON under /api, an error page elsewhere. Internal
// errors are logged with their detail and shown as "Internal error.".
func (s *Server) fail(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = dsr.Errorf(dsr.ETOOLARGE, "The request is too large (at most %d bytes).", tooBig.Limit)
	}
	code := dsr.ErrorCode(err)
	st := status(code)
	if st == http.StatusInternalServerError {
		s.logger(c).Error().Err(err).Msg("internal error")
	}
	if isAPI(c) {
		var body apiError
		body.Error.Code, body.Error.Message, body.Error.Field = code, dsr.ErrorMessage(err), dsr.ErrorField(err)
		c.AbortWithStatusJSON(st, body)
		return
	}
	if st == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/")
		c.Abort()
		return
	}
	s.render(c, st, "error", s.text("error_title", langOf(c)), gin.H{"Message": dsr.ErrorMessage(err), "Back": "/"})
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
