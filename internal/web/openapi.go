package web

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPISpec is the OpenAPI 3.1 description of every /api/v1 operation.
// TestOpenAPI sends each operation for real and validates the request and
// the answer against it, and fails for a route under /api/v1 it does not
// describe.
//
//go:embed openapi.json
var openAPISpec []byte

// openAPI serves the description. It is public: it holds no data, only
// the shapes of the calls, and a client reads it before it has a token.
func (s *Server) openAPI(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", openAPISpec)
}
