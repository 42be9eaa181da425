package web

import (
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
)

// Metrics counts the requests answered and serves the Prometheus text
// format at /metrics (internal/metrics).
type Metrics interface {
	ObserveRequest(method, route string, status int, took time.Duration)
	Handler() http.Handler
}

// observe counts every request by its route template, never its URL, so
// that no case id or identity number becomes a label.
func (s *Server) observe(c *gin.Context) {
	if s.metrics == nil {
		c.Next()
		return
	}
	start := time.Now() // a latency, not a date the logic decides on
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request.Method
	if !knownMethods[method] {
		method = "other" // a client's invented method must not make a new series
	}
	s.metrics.ObserveRequest(method, route, c.Writer.Status(), time.Since(start))
}

// knownMethods are the methods counted by name.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// metricsAccess lets through a scrape from an address of
// Config.MetricsAllow, judged by the connection's own peer address (never
// X-Forwarded-For, which the client writes), or one carrying the bearer
// token of an administrator or a data-protection officer. Anyone else gets
// 403.
func (s *Server) metricsAccess(c *gin.Context) {
	if peer, err := netip.ParseAddrPort(c.Request.RemoteAddr); err == nil {
		addr := peer.Addr().Unmap()
		for _, p := range s.cfg.MetricsAllow {
			if p.Contains(addr) {
				c.Next()
				return
			}
		}
	}
	if token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok {
		u, err := s.auth.Bearer(c.Request.Context(), strings.TrimSpace(token))
		if err == nil && (u.Can(dsr.PermStats) || u.Can(dsr.PermManageUsers)) {
			c.Next()
			return
		}
	}
	s.fail(c, dsr.Errorf(dsr.EFORBIDDEN, "auth.forbidden", "Your role may not do this."))
	c.Abort()
}

// serveMetrics writes the registry in the Prometheus text format.
func (s *Server) serveMetrics(c *gin.Context) {
	s.metrics.Handler().ServeHTTP(c.Writer, c.Request)
}

// metricsRoutes adds /metrics when the server has metrics.
func (s *Server) metricsRoutes(r *gin.Engine) {
	if s.metrics == nil {
		return
	}
	r.GET("/metrics", s.metricsAccess, s.serveMetrics)
}
