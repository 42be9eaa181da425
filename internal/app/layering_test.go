package app

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayering enforces the dependency direction of STYLE.md:
// cmd → app → web → services → store / adapters → dsr → pnr, with gin only
// in web, SQL only in the stores, no I/O in the vocabulary, no wiring in cmd
// and no adapter reaching up into a service.
func TestLayering(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "dsrdesk/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, ":")
		imports[pkg] = strings.Fields(deps)
	}
	const in = "dsrdesk/internal/"
	services := []string{"casework", "extract", "delivery", "printbatch", "auth", "audit", "changes", "settings", "stats", "weeding", "metrics"}
	adapters := []string{"eid", "eidsim", "sqlite", "sqlitesource", "registers", "catalogue", "demodata", "pdf", "documents", "mailbox", "printzip", "forms", "config", "deadline"}
	sqlUsers := []string{in + "sqlite", in + "sqlitesource", in + "demodata"}
	forbidden := func(pkg, dep string) string {
		short := strings.TrimPrefix(pkg, in)
		dshort := strings.TrimPrefix(dep, in)
		ours := strings.HasPrefix(dep, "dsrdesk/")
		switch {
		case strings.HasPrefix(dep, "github.com/gin-gonic/") && pkg != in+"web":
			return "only internal/web may import gin"
		case (dep == "github.com/mattn/go-sqlite3" || dep == "database/sql") && !slices.Contains(sqlUsers, pkg):
			return "only the case store (sqlite), the SQLite register connector (sqlitesource) and the demo seeding run SQL"
		case short == "dsr" && (ours && dep != in+"pnr" || dep == "os" || dep == "net/http" || dep == "database/sql" || dep == "io/fs"):
			return "the vocabulary does no I/O and depends on nothing of ours but the identity-number value"
		case short == "pnr" && ours:
			return "identity numbers depend on nothing of ours"
		case dep == in+"app" && !strings.HasPrefix(pkg, "dsrdesk/cmd/"):
			return "only cmd uses the wiring"
		case strings.HasPrefix(pkg, "dsrdesk/cmd/") && ours && dep != in+"app" && dep != in+"config" && dep != in+"dsr":
			return "cmd builds nothing itself: it asks app"
		case dep == in+"web" && pkg != in+"app":
			return "only app builds the web layer"
		case slices.Contains(services, short) && slices.Contains(adapters, dshort) && dshort != "mailbox" && dshort != "deadline" && dshort != "forms" && dshort != "printzip" && dshort != "catalogue":
			return "services depend on interfaces, not on the store or the register and PDF adapters"
		case slices.Contains(adapters, short) && (slices.Contains(services, dshort) || dshort == "web" || dshort == "app"):
			return "an adapter never imports a service, the web layer or the wiring"
		}
		return ""
	}
	checked := 0
	for pkg, deps := range imports {
		for _, dep := range deps {
			checked++
			if why := forbidden(pkg, dep); why != "" {
				t.Errorf("%s imports %s: %s", pkg, dep, why)
			}
		}
	}
	if len(imports) < 20 || checked == 0 {
		t.Fatalf("go list saw only %d packages", len(imports))
	}
}
