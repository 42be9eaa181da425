package web

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
)

// The agency's information pages, linked from every page's footer: how it
// processes personal data, and the cookies this service sets. Their prose
// is in their templates, a whole text per language; the facts that other
// parts of dsrdesk also state come from where those parts read them: the
// contact details from dsr.Agency, dsr.DPO and dsr.IMY, the cookies from
// the list setCookie sets them from.

// The data of the information pages.
type (
	privacyInfo struct {
		Agency, DPO, IMY contactView
	}
	cookieInfo struct {
		Cookies []cookieView
		Secure  bool // the cookies are marked Secure (served over TLS)
	}
	// contactView is a dsr.Contact as a page in one language shows it.
	contactView struct {
		ID      string // the element's id
		Lang    string
		Name    string
		Phone   string
		Tel     template.URL // the phone number as a tel: URI, made of digits only
		Address []string
		Email   string
		Web     string // a host name, shown as it is and linked over https
	}
	// cookieView is a listed Cookie in one language.
	cookieView struct {
		Name     string
		Purpose  string
		Lifetime string
	}
)

// contactIn is a contact as a page in lang shows it, in an element with id.
func contactIn(id string, c dsr.Contact, lang string) contactView {
	return contactView{ID: id, Lang: lang, Name: c.Name.In(lang), Phone: c.Phone.In(lang), Tel: telURI(c.Phone.EN), Address: c.Address, Email: c.Email, Web: c.Web}
}

// telURI turns a phone number written for dialling from abroad ("+46 771
// 524 524") into a tel: URI; "" when it is not written so.
func telURI(international string) template.URL {
	if !strings.HasPrefix(international, "+") {
		return ""
	}
	var b strings.Builder
	b.WriteString("tel:+")
	for _, r := range international {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return template.URL(b.String())
}

func (s *Server) privacyPage(c *gin.Context) {
	lang := langOf(c)
	s.render(c, http.StatusOK, "info_privacy", s.text("info_privacy_title", lang), privacyInfo{
		Agency: contactIn("agency-contact", dsr.Agency, lang), DPO: contactIn("dpo-contact", dsr.DPO, lang), IMY: contactIn("imy-contact", dsr.IMY, lang),
	})
}

// Cookies returns every cookie dsrdesk sets, as the cookie page lists
// them: what a test compares with the cookies a browser receives.
func Cookies() []Cookie { return slices.Clone(cookies) }

// cookiesPage lists every cookie in the list setCookie sets them from, in
// the list's order.
func (s *Server) cookiesPage(c *gin.Context) {
	lang := langOf(c)
	p := cookieInfo{Secure: s.cfg.SecureCookies}
	for _, ck := range cookies {
		p.Cookies = append(p.Cookies, cookieView{Name: ck.Name, Purpose: ck.Purpose.In(lang), Lifetime: ck.Lifetime.In(lang)})
	}
	s.render(c, http.StatusOK, "info_cookies", s.text("info_cookies_title", lang), p)
}
