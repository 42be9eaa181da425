package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
)

// adminRoutes are the administrator's pages: staff accounts, their API
// tokens and the settings. Each needs dsr.PermManageUsers, which no role
// that does casework holds.
func (s *Server) adminRoutes(p *gin.RouterGroup) {
	admin := s.requireStaff(dsr.PermManageUsers)
	p.GET("/admin/users", admin, s.adminUsersPage)
	p.POST("/admin/users", admin, s.adminCreateUser)
	p.POST("/admin/users/:id/role", admin, s.adminChangeRole)
	p.POST("/admin/users/:id/disable", admin, s.adminDisable)
	p.POST("/admin/users/:id/enable", admin, s.adminEnable)
	p.GET("/admin/users/:id/tokens", admin, s.adminTokensPage)
	p.POST("/admin/users/:id/tokens", admin, s.adminCreateToken)
	p.POST("/admin/tokens/:id/revoke", admin, s.adminRevokeToken)
	p.GET("/admin/settings", admin, s.adminSettingsPage)
	p.POST("/admin/settings", admin, s.adminSaveSettings)
}

// The data of the administration pages.
type (
	adminUsersPage struct {
		Users []dsr.User
		Roles []dsr.Role
		Me    string // the administrator's own id: their row offers no disable
		// New is what the create form was filled in with (never the
		// password), Errors its messages by field.
		New    newUserForm
		Errors map[string]string
		// Refusal is a refused change to a listed account, and RefusedID
		// the account it concerns.
		Refusal   string
		RefusedID string
	}
	newUserForm struct {
		Email string
		Name  string
		Role  string
	}
	adminTokensPage struct {
		User   *dsr.User
		Tokens []dsr.APIToken
		// Token is a token just made: shown on this one page and never
		// again. It is in no URL and no log line.
		Token   string
		TokenID string
		Refusal string
	}
	adminSettingsPage struct {
		Settings dsr.Settings
		WaitDays string // identity_wait_days as typed, shown again when refused
		Years    string // retention_years as typed, shown again when refused
		Policies []dsr.SignOffPolicy
		Errors   map[string]string
	}
)

// refused reports whether err is one the administration pages show on
// the form it came from (bad input, a refused change) rather than on the
// error page.
func refused(err error) bool {
	code := dsr.ErrorCode(err)
	return code == dsr.EINVALID || code == dsr.ECONFLICT
}

func (s *Server) adminUsersPage(c *gin.Context) {
	s.renderUsers(c, http.StatusOK, adminUsersPage{New: newUserForm{Role: string(dsr.RoleOfficer)}})
}

// renderUsers renders the list of accounts with the create form, around
// what a handler has to say (a refusal, the form's errors).
func (s *Server) renderUsers(c *gin.Context, status int, p adminUsersPage) {
	users, err := s.accounts.Users(c.Request.Context(), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Users, p.Roles, p.Me = users, dsr.Roles, userOf(c).ID
	s.render(c, status, "admin_users", s.text("admin_users_title", langOf(c)), p)
}

func (s *Server) adminCreateUser(c *gin.Context) {
	f := newUserForm{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: c.PostForm("role")}
	_, err := s.accounts.AddUser(c.Request.Context(), f.Email, f.Name, dsr.Role(f.Role), c.PostForm("password"), staffActor(c))
	if refused(err) {
		e := dsr.AsError(err)
		field := e.Field
		if field == "" {
			field = "email"
		}
		s.renderUsers(c, status(e.Code), adminUsersPage{New: f, Errors: map[string]string{field: s.errorText(e, langOf(c))}})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done=user_created")
}

// adminChange runs one change to a listed account and goes back to the
// list, or shows the list again with the refusal next to the account.
func (s *Server) adminChange(c *gin.Context, done string, change func(id string) error) {
	id := c.Param("id")
	if err := change(id); refused(err) {
		e := dsr.AsError(err)
		s.renderUsers(c, status(e.Code), adminUsersPage{New: newUserForm{Role: string(dsr.RoleOfficer)}, Refusal: s.errorText(e, langOf(c)), RefusedID: id})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users?done="+done+"#user-"+safeName(id))
}

func (s *Server) adminChangeRole(c *gin.Context) {
	s.adminChange(c, "role_changed", func(id string) error {
		_, err := s.accounts.ChangeRole(c.Request.Context(), id, dsr.Role(c.PostForm("role")), staffActor(c))
		return err
	})
}

func (s *Server) adminDisable(c *gin.Context) {
	s.adminChange(c, "user_disabled", func(id string) error {
		_, err := s.accounts.Disable(c.Request.Context(), id, staffActor(c))
		return err
	})
}

func (s *Server) adminEnable(c *gin.Context) {
	s.adminChange(c, "user_enabled", func(id string) error {
		_, err := s.accounts.Enable(c.Request.Context(), id, staffActor(c))
		return err
	})
}

func (s *Server) adminTokensPage(c *gin.Context) {
	s.renderTokens(c, http.StatusOK, c.Param("id"), adminTokensPage{})
}

// renderTokens renders one account's API tokens around what a handler has
// to say (a token just made, a refusal).
func (s *Server) renderTokens(c *gin.Context, status int, userID string, p adminTokensPage) {
	ctx, actor := c.Request.Context(), staffActor(c)
	u, err := s.accounts.User(ctx, userID, actor)
	if err != nil {
		s.fail(c, err)
		return
	}
	tokens, err := s.accounts.Tokens(ctx, userID, actor)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.User, p.Tokens = u, tokens
	s.render(c, status, "admin_tokens", s.text("admin_tokens_title", langOf(c)), p)
}

// adminCreateToken makes a token and shows it in the answer to the post
// itself: a redirect would need the token in its URL or kept somewhere.
// The page is not cached (securityHeaders).
func (s *Server) adminCreateToken(c *gin.Context) {
	id := c.Param("id")
	token, t, err := s.accounts.IssueToken(c.Request.Context(), id, staffActor(c))
	if refused(err) {
		e := dsr.AsError(err)
		s.renderTokens(c, status(e.Code), id, adminTokensPage{Refusal: s.errorText(e, langOf(c))})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	s.renderTokens(c, http.StatusOK, id, adminTokensPage{Token: token, TokenID: t.ID})
}

func (s *Server) adminRevokeToken(c *gin.Context) {
	t, err := s.accounts.RevokeToken(c.Request.Context(), c.Param("id"), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/users/"+safeName(t.UserID)+"/tokens?done=token_revoked")
}

func (s *Server) adminSettingsPage(c *gin.Context) {
	cur, err := s.adminSettings.Read(c.Request.Context(), staffActor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderSettings(c, http.StatusOK, adminSettingsPage{Settings: cur, WaitDays: strconv.Itoa(cur.IdentityWaitDays), Years: strconv.Itoa(cur.Retention())})
}

func (s *Server) renderSettings(c *gin.Context, status int, p adminSettingsPage) {
	p.Policies = []dsr.SignOffPolicy{dsr.SignOffDefault, dsr.SignOffAll, dsr.SignOffOff}
	s.render(c, status, "admin_settings", s.text("admin_settings_title", langOf(c)), p)
}

// settingsForm reads the settings form. A value that is not a number or a
// yes/no is kept as one Check refuses, so that the page says what is wrong
// with it in the same words as for any other bad value.
func settingsForm(c *gin.Context) (dsr.Settings, error) {
	next := dsr.Settings{RequireSignOff: dsr.SignOffPolicy(c.PostForm("require_signoff"))}
	days, err := strconv.Atoi(strings.TrimSpace(c.PostForm("identity_wait_days")))
	if err != nil {
		days = -1
	}
	next.IdentityWaitDays = days
	if v := strings.TrimSpace(c.PostForm("retention_years")); v != "" {
		years, err := strconv.Atoi(v)
		if err != nil {
			years = -1
		}
		next.RetentionYears = years
	}
	if v := c.PostForm("pause_clock_for_identity"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return next, dsr.FieldError("pause_clock_for_identity", "settings.pause_invalid", "pause_clock_for_identity must be true or false.")
		}
		next.PauseClockForIdentity = b
	}
	return next, nil
}

func (s *Server) adminSaveSettings(c *gin.Context) {
	next, err := settingsForm(c)
	if err == nil {
		_, err = s.adminSettings.Save(c.Request.Context(), next, staffActor(c))
	}
	if refused(err) {
		e := dsr.AsError(err)
		s.renderSettings(c, status(e.Code), adminSettingsPage{Settings: next, WaitDays: c.PostForm("identity_wait_days"), Years: c.PostForm("retention_years"),
			Errors: map[string]string{e.Field: s.errorText(e, langOf(c))}})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/settings?done=settings_saved")
}
