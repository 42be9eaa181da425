package pdftest

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// preflightJars are the Java libraries Apache PDFBox Preflight 2 runs with
// on Debian: libpdfbox2-java and libfontbox2-java, commons-logging, and the
// javax.activation and JAXB APIs, which Java 11 and later no longer ship.
var preflightJars = []string{
	"preflight.jar", "pdfbox2.jar", "xmpbox.jar", "fontbox2.jar", "commons-logging.jar",
	"javax.activation.jar", "jaxb-api.jar",
}

// javaDir is where Debian installs Java libraries.
const javaDir = "/usr/share/java"

// preflightReport is the XML report Preflight's Validator_A1b writes for a
// group of files ("xml group LISTFILE").
type preflightReport struct {
	Files []struct {
		Name   string `xml:"name,attr"`
		Valid  string `xml:"isValid"`
		Errors []struct {
			Count   int    `xml:"count,attr"`
			Code    string `xml:"code"`
			Details string `xml:"details"`
			Page    string `xml:"page"`
		} `xml:"errors>error"`
	} `xml:"preflight"`
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// PDFA validates every document of docs (by name) as PDF/A-1b with Apache
// PDFBox Preflight, the validator Debian packages (libpdfbox2-java), and
// fails tb for each document that is not valid, listing Preflight's
// errors. All documents go through one Java process, which costs a second
// or two to start. A missing Java runtime or library fails the test: `make
// test` installs them.
func PDFA(tb testing.TB, docs map[string][]byte) {
	tb.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		tb.Fatalf("a Java runtime is needed to validate PDF/A with PDFBox Preflight (Debian default-jre-headless; `make test` installs it): %v", err)
	}
	cp := make([]string, len(preflightJars))
	for i, j := range preflightJars {
		cp[i] = filepath.Join(javaDir, j)
		if _, err := os.Stat(cp[i]); err != nil {
			tb.Fatalf("%s is needed to validate PDF/A with PDFBox Preflight (Debian libpdfbox2-java, libactivation-java and libjaxb-api-java; `make test` installs them): %v", cp[i], err)
		}
	}
	dir := tb.TempDir()
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	slices.Sort(names)
	files := map[string]string{} // file name → document name
	var list strings.Builder
	for _, name := range names {
		file := unsafeName.ReplaceAllString(name, "_") + ".pdf"
		if _, dup := files[file]; dup {
			tb.Fatalf("two documents are both named %q for Preflight", file)
		}
		files[file] = name
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, docs[name], 0o600); err != nil {
			tb.Fatal(err)
		}
		list.WriteString(path + "\n")
	}
	listFile := filepath.Join(dir, "files.txt")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, "-cp", strings.Join(cp, string(os.PathListSeparator)),
		"org.apache.pdfbox.preflight.Validator_A1b", "xml", "group", listFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("PDFBox Preflight: %v\n%s", err, out)
	}
	// The report goes to a file beside the list, named after it.
	data, err := os.ReadFile(listFile + ".preflight.xml")
	if err != nil {
		tb.Fatalf("PDFBox Preflight wrote no report: %v\n%s", err, out)
	}
	var rep preflightReport
	if err := xml.Unmarshal(data, &rep); err != nil {
		tb.Fatalf("PDFBox Preflight's report: %v\n%s", err, data)
	}
	seen := map[string]bool{}
	for _, f := range rep.Files {
		name, ok := files[f.Name]
		if !ok {
			tb.Errorf("PDFBox Preflight reports on a file it was not given: %s", f.Name)
			continue
		}
		seen[f.Name] = true
		if strings.TrimSpace(f.Valid) == "true" && len(f.Errors) == 0 {
			continue
		}
		var b strings.Builder
		for _, e := range f.Errors {
			fmt.Fprintf(&b, "\n  %s: %s (×%d", e.Code, strings.TrimSpace(e.Details), e.Count)
			if e.Page != "" {
				fmt.Fprintf(&b, ", page %s", e.Page) // counted from 0
			}
			b.WriteString(")")
		}
		tb.Errorf("%s is not valid PDF/A-1b:%s", name, b.String())
	}
	for file, name := range files {
		if !seen[file] {
			tb.Errorf("PDFBox Preflight did not report on %s", name)
		}
	}
}
