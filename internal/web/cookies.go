package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"dsrdesk/internal/dsr"
)

// Cookie is one cookie dsrdesk sets. Every cookie is strictly necessary
// (ePrivacy Art. 5(3), lagen (2022:482) om elektronisk kommunikation 9 kap.
// 28 §), so no consent is asked; the cookie page lists them from here, and
// setCookie refuses a name that is not listed, so the page and the code
// cannot drift apart.
type Cookie struct {
	Name     string
	Purpose  dsr.Text
	Lifetime dsr.Text
	MaxAge   int // seconds; 0 for a session cookie that ends with the browser
}

// Names of the cookies.
const (
	sessionCookie = "dsr_session"
	langCookie    = "dsr_lang"
	eidCookie     = "dsr_eid"
)

// cookies is every cookie dsrdesk sets, in the order the cookie page lists them.
var cookies = []Cookie{
	{Name: sessionCookie,
		Purpose: dsr.Text{
			SV: "Håller dig inloggad (med e-legitimation eller som handläggare). Innehåller bara en slumpad nyckel; uppgifterna om inloggningen finns hos oss.",
			EN: "Keeps you signed in (with e-ID or as staff). Holds only a random key; what the sign-in concerns stays with us."},
		Lifetime: dsr.Text{SV: "Tills du loggar ut eller stänger webbläsaren; inloggningen upphör senast efter 8 timmar.", EN: "Until you sign out or close the browser; the sign-in ends after 8 hours at the latest."}},
	{Name: langCookie, MaxAge: 365 * 24 * 3600,
		Purpose:  dsr.Text{SV: "Kommer ihåg om du valt engelska eller svenska.", EN: "Remembers whether you chose English or Swedish."},
		Lifetime: dsr.Text{SV: "1 år", EN: "1 year"}},
	{Name: eidCookie, MaxAge: 600,
		Purpose: dsr.Text{
			SV: "Knyter en pågående inloggning med e-legitimation till din webbläsare, så att ingen annan kan slutföra den. Tas bort när inloggningen är klar.",
			EN: "Ties an e-ID sign-in in progress to your browser, so that nobody else can complete it. Removed when the sign-in is done."},
		Lifetime: dsr.Text{SV: "10 minuter", EN: "10 minutes"}},
}

// setCookie sets one of the listed cookies: HttpOnly, SameSite=Lax, Secure
// over TLS, with the lifetime the list gives. clear removes it instead.
func (s *Server) setCookie(c *gin.Context, name, value string, clear bool) {
	var ck *Cookie
	for i := range cookies {
		if cookies[i].Name == name {
			ck = &cookies[i]
		}
	}
	if ck == nil {
		panic("web: cookie " + name + " is not in the cookie list")
	}
	maxAge := ck.MaxAge
	if clear {
		value, maxAge = "", -1
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(name, value, maxAge, "/", "", s.cfg.SecureCookies, true)
}
