package app

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestReadme keeps README.md standing on its own in a fresh clone: it
// refers to nothing outside the repository, every path, link and make
// target it names exists, it states go.mod's Go version, and it documents
// exactly the DSRDESK_* variables the code reads. The checks are narrow on
// purpose (see each comment), so that a failure is a real gap.
func TestReadme(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	found := readmeProblems(t, root, readme)
	for _, p := range found {
		t.Error(p)
	}

	// Each rule catches what it is there for: a README broken on purpose
	// gives the problem (beside any the real one has).
	for _, tc := range []struct{ name, from, to, want string }{
		{"a rulebook beside the repository", "## Rules the product follows", "See ../shared/domain/RULES.md.\n\n## Rules the product follows", `"../"`},
		{"a missing linked file", "## Rules the product follows", "[more](docs/RULES.md)\n\n## Rules the product follows", "links to docs/RULES.md"},
		{"a missing heading", "(#rules-the-product-follows)", "(#the-rules)", "links to #the-rules"},
		{"a missing file", "`internal/web/access.go`", "`internal/web/acess.go`", "internal/web/acess.go, which is not"},
		{"a missing Go file", "`pdfa.go`", "`pdf_a.go`", "`pdf_a.go`"},
		{"an unknown make target", "`make bench`", "`make benchmarks`", "`make benchmarks`, which is no target"},
		{"an undocumented make target", "`make crash`", "the crash test", "documents `make crash`"},
		{"no make test command", "\nmake test ", "\ngo test ./... ", `"make test"`},
		{"another Go version", "Go **1.26.8**", "Go **1.25.3**", "states Go 1.25.3"},
		{"an undocumented variable", "`DSRDESK_SESSION_IDLE`", "`SESSION_IDLE`", "reads DSRDESK_SESSION_IDLE"},
		{"a variable nobody reads", "`DSRDESK_API_BURST`", "`DSRDESK_API_BURSTS`", "DSRDESK_API_BURSTS, which the code never reads"},
	} {
		if !strings.Contains(readme, tc.from) {
			t.Errorf("%s: README.md no longer holds %q to break", tc.name, tc.from)
			continue
		}
		var fresh []string
		for _, p := range readmeProblems(t, root, strings.ReplaceAll(readme, tc.from, tc.to)) {
			if !slices.Contains(found, p) {
				fresh = append(fresh, p)
			}
		}
		if !slices.ContainsFunc(fresh, func(p string) bool { return strings.Contains(p, tc.want) }) {
			t.Errorf("%s: not caught; new problems %q", tc.name, fresh)
		}
	}
}

// readmeProblems checks readme against the repository at root and says
// what is wrong with it.
func readmeProblems(t *testing.T, root, readme string) []string {
	t.Helper()
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var problems []string
	problem := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	prose, fenced, spans := splitMarkdown(readme)

	// Nothing outside the repository: no parent folder, no path on the
	// machine it was written on, no shared rulebook beside the repository.
	for _, outside := range []string{"../", "/work/", "shared/domain"} {
		if strings.Contains(readme, outside) {
			problem("README.md refers to %q, outside the repository", outside)
		}
	}

	exists := func(p string) bool {
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(p)))
		return err == nil
	}

	// Links: a relative link is a file or folder of the repository, an
	// anchor is a heading of the README. Web and mail links are not checked.
	anchors := headingAnchors(prose)
	for _, m := range regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(prose, -1) {
		target := m[1]
		switch {
		case strings.Contains(target, "://"), strings.HasPrefix(target, "mailto:"):
		case strings.HasPrefix(target, "#"):
			if !anchors[target[1:]] {
				problem("README.md links to %s, which is no heading of it", target)
			}
		default:
			if p, _, _ := strings.Cut(target, "#"); !exists(strings.TrimPrefix(p, "/")) {
				problem("README.md links to %s, which is not in the repository", target)
			}
		}
	}

	// Paths in the repository's own folders (cmd/, internal/, web/ …: the
	// folders at the top that .gitignore leaves in), wherever the README
	// names them, in code or in prose. Paths in the data folder
	// (`DIR/print/`, `data/demo`) or in a URL (`/api/v1/…`) are not in the
	// repository and are left alone, as is anything after a placeholder
	// (`<Target>`) or an ellipsis.
	var dirs []string
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ignored := read(".gitignore")
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !slices.Contains(strings.Fields(ignored), e.Name()+"/") {
			dirs = append(dirs, regexp.QuoteMeta(e.Name()))
		}
	}
	pathRE := regexp.MustCompile(`(?:^|[^A-Za-z0-9_./-])((?:` + strings.Join(dirs, "|") + `)/[A-Za-z0-9_./-]*)`)
	paths := map[string]bool{}
	for _, m := range pathRE.FindAllStringSubmatch(readme, -1) {
		paths[strings.TrimRight(m[1], ".")] = true
	}
	// A file named alone in code: a Markdown file or go.mod at the top, a
	// Go file (`pdfa.go`, named beside its package) anywhere.
	goFiles := map[string]bool{}
	walkGo(root, func(p string) { goFiles[filepath.Base(p)] = true })
	for _, m := range regexp.MustCompile("`([A-Za-z0-9_.-]+\\.(?:md|mod|go))`").FindAllStringSubmatch(readme, -1) {
		if strings.HasSuffix(m[1], ".go") {
			if !goFiles[m[1]] {
				problem("README.md names `%s`, which is no Go file of the repository", m[1])
			}
			continue
		}
		paths[m[1]] = true
	}
	if len(paths) < 10 {
		t.Fatalf("found only %d repository paths in README.md: %v", len(paths), paths)
	}
	for p := range paths {
		if !exists(p) {
			problem("README.md names %s, which is not in the repository", p)
		}
	}

	// make: every `make X` in code (inline or a block; "make passes …" in
	// prose is English) is a target of the Makefile, and every target the
	// Makefile documents with a "## name:" line is in the README.
	makefile := read("Makefile")
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Za-z0-9_.-]+):([^=]|$)`).FindAllStringSubmatch(makefile, -1) {
		targets[m[1]] = true
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)(?:^|[\s(])make ([a-z][a-z0-9-]*)`).FindAllStringSubmatch(fenced+spans, -1) {
		named[m[1]] = true
		if !targets[m[1]] {
			problem("README.md says `make %s`, which is no target of the Makefile", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^## ([a-z][a-z0-9-]*):`).FindAllStringSubmatch(makefile, -1) {
		if !named[m[1]] {
			problem("the Makefile documents `make %s`, which README.md does not mention", m[1])
		}
	}
	// The two commands a fresh machine needs, as commands in a code block
	// (a mention in prose is not a command to copy).
	for _, cmd := range []string{"make demo", "make test"} {
		if !regexp.MustCompile(`(?m)^` + cmd + `(\s|$)`).MatchString(fenced) {
			problem("README.md does not give %q as a command", cmd)
		}
	}

	// The Go version: every "Go 1.x.y" the README states is go.mod's go or
	// toolchain line, and it states one.
	gomod := read("go.mod")
	want := map[string]bool{}
	if m := regexp.MustCompile(`(?m)^go (\S+)`).FindStringSubmatch(gomod); m != nil {
		want[m[1]] = true
	}
	if m := regexp.MustCompile(`(?m)^toolchain go(\S+)`).FindStringSubmatch(gomod); m != nil {
		want[m[1]] = true
	}
	stated := regexp.MustCompile(`\bGo \**(\d+\.\d+(?:\.\d+)?)`).FindAllStringSubmatch(readme, -1)
	if len(stated) == 0 {
		problem("README.md does not state the Go version")
	}
	for _, m := range stated {
		if !want[m[1]] {
			problem("README.md states Go %s; go.mod says %v", m[1], want)
		}
	}

	// DSRDESK_* variables: every one internal/config reads (a string
	// literal there) is documented, and every one documented is read
	// somewhere in the code, tests included (the crash test's seed). A
	// literal is the narrowest sign of a read: prose in comments and error
	// messages does not count. Secrets' X_FILE variants that config builds
	// by appending "_FILE" to X's name are no literal: a documented X_FILE
	// counts as read when X is and config has that convention.
	literal := regexp.MustCompile(`"(DSRDESK_[A-Z0-9]+(?:_[A-Z0-9]+)*)"`)
	inConfigVars, readByCode := map[string]bool{}, map[string]bool{}
	fileSuffix := false
	walkGo(root, func(p string) {
		if filepath.Base(p) == "readme_test.go" {
			return
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inConfig := filepath.Dir(p) == filepath.Join(root, "internal", "config") && !strings.HasSuffix(p, "_test.go")
		fileSuffix = fileSuffix || inConfig && strings.Contains(string(b), `+ "_FILE"`)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			readByCode[m[1]] = true
			if inConfig {
				inConfigVars[m[1]] = true
			}
		}
	})
	documented := map[string]bool{}
	for _, v := range regexp.MustCompile(`DSRDESK_[A-Z0-9]+(?:_[A-Z0-9]+)*`).FindAllString(readme, -1) {
		documented[v] = true
	}
	if len(inConfigVars) < 10 {
		t.Fatalf("found only %d variables in internal/config: %v", len(inConfigVars), inConfigVars)
	}
	for v := range inConfigVars {
		if !documented[v] {
			problem("internal/config reads %s, which README.md does not document", v)
		}
	}
	for v := range documented {
		base, isFile := strings.CutSuffix(v, "_FILE")
		if !readByCode[v] && !(isFile && fileSuffix && readByCode[base]) {
			problem("README.md documents %s, which the code never reads", v)
		}
	}
	slices.Sort(problems)
	return problems
}

// walkGo calls fn with every Go file of the repository at root, leaving
// out hidden folders, the built binaries, data folders and npm's packages.
func walkGo(root string, fn func(path string)) {
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" ||
			filepath.Dir(p) == root && (d.Name() == "bin" || d.Name() == "data")):
			return filepath.SkipDir
		case !d.IsDir() && strings.HasSuffix(p, ".go"):
			fn(p)
		}
		return nil
	})
}

// repoRoot is the folder of go.mod above the test's folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// splitMarkdown returns the README's prose (fenced blocks left out), the
// fenced blocks' lines, and its inline code spans, one a line.
func splitMarkdown(md string) (prose, fenced, spans string) {
	var p, c, sp strings.Builder
	inFence := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			c.WriteString(line)
		} else {
			p.WriteString(line)
		}
	}
	prose = p.String()
	// A span may run over a line break (`Content-Security-Policy: …`).
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(prose, -1) {
		sp.WriteString(strings.ReplaceAll(m[1], "\n", " ") + "\n")
	}
	return prose, c.String(), sp.String()
}

// headingAnchors are the anchors GitHub gives the README's headings:
// lower case, spaces as hyphens, punctuation but hyphens and underscores
// dropped.
func headingAnchors(md string) map[string]bool {
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#+ (.+)$`).FindAllStringSubmatch(md, -1) {
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(m[1])) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		out[b.String()] = true
	}
	return out
}
