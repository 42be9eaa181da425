package web

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
	assets "dsrdesk/web"
)

// routes lists every route of dsrdesk.
func (s *Server) routes(r *gin.Engine) {
	r.Use(s.requestID, s.accessLog, s.recovery, s.securityHeaders, s.limitBody, s.crossOrigin(), s.language)
	r.NoRoute(func(c *gin.Context) { s.fail(c, dsr.Errorf(dsr.ENOTFOUND, "No such page.")) })

	static, _ := fs.Sub(assets.FS, "static")
	r.StaticFS("/static", http.FS(static))
	r.GET("/healthz", s.healthz)

	// Pages.
	p := r.Group("/", s.loadSession)
	p.GET("/", s.startPage)
	p.GET("/lang/:lang", s.switchLanguage)
	p.POST("/logout", s.logout)
	p.GET("/e-id", s.eidPage)
	p.POST("/e-id", s.eidSignIn)

	ind := p.Group("/request", s.requireIndividual)
	ind.GET("/:form", s.requestForm)
	ind.POST("/:form", s.submitRequest)
	ind.GET("/receipt/:id", s.receiptPage)

	p.GET("/staff/login", s.loginPage)
	p.POST("/staff/login", s.login)
	cw := p.Group("/staff/cases", s.requireStaff(dsr.RoleOfficer, dsr.RoleDPO))
	cw.GET("", s.casesPage)
	cw.GET("/:id", s.casePage)
	cw.POST("/:id/assemble", s.assemblePage)
	cw.GET("/:id/extract.pdf", s.extractPDF)
	cw.POST("/:id/send", s.sendPage)
	cw.POST("/:id/extend", s.extendPage)
	pr := p.Group("/staff/print", s.requireStaff(dsr.RolePrint))
	pr.GET("", s.printPage)
	pr.POST("/batches", s.createBatchPage)
	pr.GET("/batches/:id/export", s.exportBatch)

	// JSON API for other systems.
	api := r.Group("/api/v1", s.bearer)
	cases := api.Group("/cases", s.apiRoles(dsr.RoleOfficer, dsr.RoleDPO))
	cases.POST("", s.apiCreateCase)
	cases.GET("", s.apiListCases)
	cases.GET("/:id", s.apiGetCase)
	cases.POST("/:id/extension", s.apiExtendCase)
	cases.POST("/:id/extract", s.apiAssemble)
	cases.GET("/:id/extract.pdf", s.extractPDF)
	cases.POST("/:id/send", s.apiSend)
	print := api.Group("/print", s.apiRoles(dsr.RolePrint))
	print.POST("/batches", s.apiCreateBatch)
	print.GET("/batches/:id/export", s.exportBatch)
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
