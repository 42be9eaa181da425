package web

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
	assets "dsrdesk/web"
)

// routes lists every route of dsrdesk. Who may reach each one is declared in
// routeAccess (access.go); a route without a declaration fails
// TestAuthorizationMatrix.
func (s *Server) routes(r *gin.Engine) {
	r.Use(s.observe, s.requestID, s.accessLog, s.recovery, s.securityHeaders, s.limitBody, s.crossOrigin(), s.language)
	r.NoRoute(func(c *gin.Context) { s.fail(c, dsr.Errorf(dsr.ENOTFOUND, "web.no_page", "No such page.")) })

	static, _ := fs.Sub(assets.FS, "static")
	r.StaticFS("/static", http.FS(static))
	r.GET("/healthz", s.healthz)
	s.metricsRoutes(r) // GET /metrics: allowed addresses, or an admin's or DPO's token

	// Pages.
	p := r.Group("/", s.loadSession)
	p.GET("/", s.startPage)
	p.GET("/lang/:lang", s.switchLanguage)
	p.GET("/om/personuppgifter", s.privacyPage)
	p.GET("/om/kakor", s.cookiesPage)
	p.POST("/logout", s.logout)
	p.GET("/e-id", s.eidPage)
	p.POST("/e-id", s.eidStart)
	p.GET("/e-id/callback", s.eidCallback)

	ind := p.Group("/request", s.requireIndividual)
	ind.GET("/:form", s.requestForm)
	ind.POST("/:form", s.submitRequest)
	ind.GET("/receipt/:id", s.receiptPage)
	mine := p.Group("/mina-arenden", s.requireIndividual)
	mine.GET("", s.minePage)
	mine.GET("/:id/brev/:letter", s.myLetter)

	p.GET("/staff/login", s.loginPage)
	p.POST("/staff/login", s.login)
	// Staff pages: every route names the permission it needs (dsr.Can).
	read, handle := s.requireStaff(dsr.PermReadCases), s.requireStaff(dsr.PermHandle)
	p.GET("/staff/cases", read, s.casesPage)
	p.GET("/staff/cases/:id", read, s.casePage)
	p.GET("/staff/cases/search", read, s.searchResults)
	p.POST("/staff/cases/search", read, s.searchPage)
	register := s.requireStaff(dsr.PermRegister)
	p.GET("/staff/intake", register, s.intakePage)
	p.POST("/staff/intake", register, s.intake)
	p.POST("/staff/cases/:id/attachments", handle, s.attachPage)
	p.GET("/staff/cases/:id/attachments/:aid", read, s.attachmentFile)
	p.POST("/staff/cases/:id/notes", handle, s.notePage)
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
	p.POST("/staff/cases/:id/reprint", handle, s.reprintPage)
	decide := s.requireStaff(dsr.PermDecide)
	p.POST("/staff/cases/:id/restrictions/notice", decide, s.announceLiftPage)
	p.POST("/staff/cases/:id/restrictions/lift", decide, s.liftPage)
	p.POST("/staff/cases/:id/outcome", decide, s.outcomePage)
	p.POST("/staff/cases/:id/signoff", s.requireStaff(dsr.PermSignOff), s.signOffPage)
	p.POST("/staff/cases/:id/signoff/resubmit", handle, s.resubmitPage)
	p.POST("/staff/cases/:id/identity", handle, s.askIdentityPage)
	p.POST("/staff/cases/:id/identity/proof", handle, s.proofPage)
	p.POST("/staff/cases/:id/scope", handle, s.scopePage)
	p.POST("/staff/cases/:id/mandate", decide, s.mandatePage)
	p.GET("/staff/cases/:id/review", read, s.reviewPage)
	p.POST("/staff/cases/:id/withholdings", decide, s.withholdPage)
	p.POST("/staff/cases/:id/withholdings/:wid/disclose", decide, s.disclosePage)
	printing := s.requireStaff(dsr.PermPrintOrdinary)
	p.GET("/staff/print", printing, s.printPage)
	p.POST("/staff/print/batches", printing, s.createBatchPage)
	p.GET("/staff/print/batches/:id/export", printing, s.exportBatch)
	s.adminRoutes(p)

	// JSON API for other systems, with the same permissions; its OpenAPI
	// description is public.
	r.GET("/api/v1/openapi.json", s.openAPI)
	api := r.Group("/api/v1", s.bearer)
	apiRead, apiHandle := s.apiAllow(dsr.PermReadCases), s.apiAllow(dsr.PermHandle)
	api.POST("/cases", s.apiAllow(dsr.PermRegister), s.apiCreateCase)
	api.GET("/cases", apiRead, s.apiListCases)
	api.GET("/cases/:id", apiRead, s.apiGetCase)
	api.POST("/cases/search", apiRead, s.apiSearch)
	api.POST("/cases/:id/notes", apiHandle, s.apiNote)
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
	api.GET("/cases/:id/letters", apiRead, s.apiLetters)
	api.POST("/cases/:id/letters/:purpose/send", apiHandle, s.apiSendNotice)
	api.POST("/cases/:id/restrictions/notice", s.apiAllow(dsr.PermDecide), s.apiAnnounceLift)
	api.POST("/cases/:id/restrictions/lift", s.apiAllow(dsr.PermDecide), s.apiLift)
	apiDecide := s.apiAllow(dsr.PermDecide)
	api.POST("/cases/:id/outcome", apiDecide, s.apiOutcome)
	api.POST("/cases/:id/signoff", s.apiAllow(dsr.PermSignOff), s.apiSignOff)
	api.POST("/cases/:id/signoff/resubmit", apiHandle, s.apiResubmit)
	api.POST("/cases/:id/identity", apiHandle, s.apiAskIdentity)
	api.POST("/cases/:id/identity/proof", apiHandle, s.apiIdentityProof)
	api.PUT("/cases/:id/scope", apiHandle, s.apiScope)
	api.POST("/cases/:id/mandate", apiDecide, s.apiMandate)
	api.GET("/cases/:id/withholdings", apiRead, s.apiWithholdings)
	api.POST("/cases/:id/withholdings", apiDecide, s.apiWithhold)
	api.DELETE("/cases/:id/withholdings/:wid", apiDecide, s.apiDisclose)
	apiPrint := s.apiAllow(dsr.PermPrintOrdinary)
	api.POST("/print/batches", apiPrint, s.apiCreateBatch)
	api.GET("/print/batches/:id", apiPrint, s.apiBatch)
	api.GET("/print/batches/:id/export", apiPrint, s.exportBatch)
	api.POST("/print/status", apiPrint, s.apiPrintStatus)
	// Reprint: the print operator or the case officer; the service decides.
	api.POST("/print/letters/:record_id/reprint", s.apiReprint)
	s.statsRoutes(p, api)
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
