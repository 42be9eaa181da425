package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering enforces the dependency direction of STYLE.md:
// cmd → app → web → services → store/adapters → dsr, with gin only in web,
// SQL on the case store only in sqlite, and no I/O in the vocabulary.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "dsrdesk/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, ":")
		imports[pkg] = strings.Fields(deps)
	}
	services := []string{"casework", "extract", "delivery", "printbatch", "auth"}
	forbidden := func(pkg, dep string) string {
		short := strings.TrimPrefix(pkg, "dsrdesk/internal/")
		switch {
		case strings.HasPrefix(dep, "github.com/gin-gonic/") && pkg != "dsrdesk/internal/web":
			return "only internal/web may import gin"
		case dep == "github.com/mattn/go-sqlite3" && pkg != "dsrdesk/internal/sqlite" && pkg != "dsrdesk/internal/registers":
			return "only the stores may load the SQLite driver"
		case dep == "database/sql" && pkg != "dsrdesk/internal/sqlite" && pkg != "dsrdesk/internal/registers":
			return "only internal/sqlite runs SQL on the case store (and internal/registers on the source registers)"
		case short == "dsr" && (strings.HasPrefix(dep, "dsrdesk/") || dep == "os" || dep == "net/http" || dep == "database/sql" || dep == "io/fs"):
			return "the vocabulary does no I/O and depends on nothing of ours"
		case dep == "dsrdesk/internal/app" && !strings.HasPrefix(pkg, "dsrdesk/cmd/"):
			return "only cmd wires the app"
		case dep == "dsrdesk/internal/web" && pkg != "dsrdesk/internal/app":
			return "only app builds the web layer"
		}
		for _, s := range services {
			if short == s && (dep == "dsrdesk/internal/sqlite" || dep == "dsrdesk/internal/web" || dep == "dsrdesk/internal/registers") {
				return "services depend on interfaces, not on the store, the web layer or the register adapter"
			}
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
	if len(imports) < 15 || checked == 0 {
		t.Fatalf("go list saw only %d packages", len(imports))
	}
}
