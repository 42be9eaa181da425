// Package pdftest reads PDFs back for tests, with pdftotext from Debian's
// poppler-utils (which `make test` installs), so that tests assert what a
// person or the print shop would read, not what the writer meant to write.
package pdftest

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Text runs pdftotext with args on doc and returns its output.
func Text(tb testing.TB, doc []byte, args ...string) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext is needed to read the PDFs back (Debian poppler-utils; `make test` installs it): %v", err)
	}
	file := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, append(append([]string{}, args...), file, "-")...).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Pages returns the laid-out text of every page.
func Pages(tb testing.TB, doc []byte) []string {
	tb.Helper()
	pages := strings.Split(Text(tb, doc, "-layout"), "\f")
	return pages[:len(pages)-1] // pdftotext ends every page with a form feed
}

// Word is one word of `pdftotext -bbox` output, in points from the top left
// of its page.
type Word struct {
	Page                   int // 1-based
	XMin, YMin, XMax, YMax float64
	Text                   string
}

var bboxWord = regexp.MustCompile(`<page |<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// Words returns the words of page (1-based) with their positions, or of
// every page for 0.
func Words(tb testing.TB, doc []byte, page int) []Word {
	tb.Helper()
	args := []string{"-bbox"}
	if page > 0 {
		args = append(args, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))
	}
	var out []Word
	p := max(page, 1) - 1
	for _, m := range bboxWord.FindAllStringSubmatch(Text(tb, doc, args...), -1) {
		if m[0] == "<page " {
			p++
			continue
		}
		w := Word{Page: p, Text: html.UnescapeString(m[5])}
		for i, f := range []*float64{&w.XMin, &w.YMin, &w.XMax, &w.YMax} {
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				tb.Fatal(err)
			}
			*f = v
		}
		out = append(out, w)
	}
	return out
}
