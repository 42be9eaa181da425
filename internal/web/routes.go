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
	r.NoRoute(func(c *gin.Context) { s.fail(c, dsr.Errorf(dsr.ENOTFOUND, "web.no_page", "No such page.")) })

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
	// Staff pages: every route names the permission it needs (dsr.Can).
	read, handle := s.requireStaff(dsr.PermReadCases), s.requireStaff(dsr.PermHandle)
	p.GET("/staff/cases", read, s.casesPage)
	p.GET("/staff/cases/:id", read, s.casePage)
	p.POST("/staff/cases/:id/assemble", handle, s.assemblePage)
	p.GET("/staff/cases/:id/extract.pdf", read, s.extractPDF)
	p.POST("/staff/cases/:id/send", handle, s.sendPage)
	p.POST("/staff/cases/:id/extend", handle, s.extendPage)
	p.POST("/staff/cases/:id/assign", handle, s.assignPage)
	p.POST("/staff/cases/:id/evaluate", handle, s.evaluatePage)
	p.POST("/staff/cases/:id/execute", handle, s.executePage)
	p.POST("/staff/cases/:id/items", handle, s.addItemPage)
	p.POST("/staff/cases/:id/items/:item/outcome", s.requireStaff(dsr.PermOverride), s.overridePage)
	p.GET("/staff/cases/:id/letter.pdf", read, s.letterPDF)
	p.POST("/staff/cases/:id/letters/:purpose/send", handle, s.sendNoticePage)
	decide := s.requireStaff(dsr.PermDecide)
	p.POST("/staff/cases/:id/restrictions/notice", decide, s.announceLiftPage)
	p.POST("/staff/cases/:id/restrictions/lift", decide, s.liftPage)
	printing := s.requireStaff(dsr.PermPrintOrdinary)
	p.GET("/staff/print", printing, s.printPage)
	p.POST("/staff/print/batches", printing, s.createBatchPage)
	p.GET("/staff/print/batches/:id/export", printing, s.exportBatch)

	// JSON API for other systems, with the same permissions.
	api := r.Group("/api/v1", s.bearer)
	apiRead, apiHandle := s.apiAllow(dsr.PermReadCases), s.apiAllow(dsr.PermHandle)
	api.POST("/cases", s.apiAllow(dsr.PermRegister), s.apiCreateCase)
	api.GET("/cases", apiRead, s.apiListCases)
	api.GET("/cases/:id", apiRead, s.apiGetCase)
	api.POST("/cases/:id/extension", apiHandle, s.apiExtendCase)
	api.POST("/cases/:id/assign", apiHandle, s.apiAssign)
	api.POST("/cases/:id/extract", apiHandle, s.apiAssemble)
	api.GET("/cases/:id/extract.pdf", apiRead, s.extractPDF)
	api.POST("/cases/:id/send", apiHandle, s.apiSend)
	api.POST("/cases/:id/evaluation", apiHandle, s.apiEvaluate)
	api.GET("/cases/:id/items", apiRead, s.apiItems)
	api.POST("/cases/:id/items", apiHandle, s.apiAddItem)
	api.POST("/cases/:id/items/:item/outcome", s.apiAllow(dsr.PermOverride), s.apiOverride)
	api.POST("/cases/:id/execute", apiHandle, s.apiExecute)
	api.GET("/cases/:id/letter.pdf", apiRead, s.letterPDF)
	api.POST("/cases/:id/letters/:purpose/send", apiHandle, s.apiSendNotice)
	api.POST("/cases/:id/restrictions/notice", s.apiAllow(dsr.PermDecide), s.apiAnnounceLift)
	api.POST("/cases/:id/restrictions/lift", s.apiAllow(dsr.PermDecide), s.apiLift)
	apiPrint := s.apiAllow(dsr.PermPrintOrdinary)
	api.POST("/print/batches", apiPrint, s.apiCreateBatch)
	api.GET("/print/batches/:id/export", apiPrint, s.exportBatch)
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
