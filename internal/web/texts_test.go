package web

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dsrdesk/internal/dsr"
	assets "dsrdesk/web"
)

// TestEveryErrorHasASwedishText: an error a page can show is shown in the
// page's language, from the message catalogue keyed by the error's key;
// English pages fall back to the service's own English message. The test
// reads every error key the code can raise and fails on one without a
// Swedish text. The print-shop manifest checks and the mailbox client
// never reach a page and are left out.
func TestEveryErrorHasASwedishText(t *testing.T) {
	b, err := fs.ReadFile(assets.FS, "i18n.json")
	if err != nil {
		t.Fatal(err)
	}
	var texts map[string]dsr.Text
	if err := json.Unmarshal(b, &texts); err != nil {
		t.Fatal(err)
	}
	raise := regexp.MustCompile(`(?:Errorf\(\s*(?:dsr\.)?E[A-Z]+|FieldError\(\s*[^,()]+),\s*"([a-z_]+\.[a-z_.]+)"`)
	found := 0
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "../.." && (d.Name() == "printzip" || d.Name() == "mailbox" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range raise.FindAllStringSubmatch(string(src), -1) {
			found++
			if texts[m[1]].SV == "" {
				t.Errorf("%s raises %q, which has no Swedish text in web/i18n.json", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 100 {
		t.Fatalf("found only %d error keys: the pattern no longer matches the code", found)
	}
}
