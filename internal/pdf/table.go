package pdf

import (
	"fmt"
	"strings"
)

// minColumn is the narrowest a column that needs it may be made: padding
// and three characters. Narrower, text would break after every letter.
const minColumn = 2*cellPadX + 3*tableSize

// table is a table being laid out: gopdf's own tables neither wrap cell text
// nor break across pages, so this one does both. Column widths follow the
// content; the header row is repeated on every page the table continues on.
type table struct {
	context string // the register, named above the header on continuation pages
	headers []string
	rows    [][]string
	ncol    int

	widths []float64
	right  []bool // numbers (amounts) are right-aligned

	// cellW is the width of every data cell on one line, row by row,
	// measured once; -1 marks a cell with line breaks or tabs, which is
	// wrapped when drawn.
	cellW []float64

	headerLines [][]string
	headerH     float64

	lines [][]string // the wrapped lines of the row being drawn; nil for a one-line cell
}

// table draws a titled table of rows under headers, starting a new page as
// needed. context names the register in the "(forts.)" line.
func (d *document) table(title, context string, headers []string, rows [][]string) {
	ncol := len(headers)
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return
	}
	tb := &table{
		context: context,
		headers: headers,
		rows:    rows,
		ncol:    ncol,
		right:   make([]bool, ncol),
		cellW:   make([]float64, len(rows)*ncol),
		lines:   make([][]string, ncol),
	}
	natural := tb.measure(d)
	tb.widths = fitColumns(natural, textWidth)
	for c, w := range tb.widths {
		if w < min(natural[c], minColumn) {
			d.fail(fmt.Errorf("%d columns are too many to fit the width of the page", ncol))
			return
		}
	}
	tb.layoutHeader(d)

	// Keep the title and header with the first row, or its first lines if
	// it is tall: a header alone at the foot of a page helps no one.
	first := 1
	if len(rows) > 0 {
		first = min(tb.wrapRow(d, 0), 3)
	}
	d.ensure(smallLead + mm(0.5) + tb.headerH + tb.rowHeight(first))
	d.subheading(title)
	tb.drawHeader(d)

	fresh := pageBottom - contentTop - smallLead - tb.headerH // room on an empty continuation page
	for i, row := range rows {
		if d.err != nil {
			return
		}
		n := tb.wrapRow(d, i)
		h := tb.rowHeight(n)
		if d.y+h > d.bottom && h <= fresh {
			tb.continueOnNewPage(d)
		}
		// A row taller than a whole page is drawn a page-full of lines at a time.
		for done := 0; done < n && d.err == nil; {
			k := min(n-done, int((d.bottom-d.y-2*cellPadY)/tableLeading))
			if k <= 0 {
				tb.continueOnNewPage(d)
				continue
			}
			tb.drawRow(d, row, i, done, k)
			done += k
		}
	}
	d.y += mm(1)
}

// cell returns cell c of a row, or "" for a row shorter than the header.
func cell(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}

// measure measures every header and cell once and returns the natural
// (unwrapped) width of each column including padding. It also decides
// which columns hold only numbers.
func (tb *table) measure(d *document) []float64 {
	natural := make([]float64, tb.ncol)
	d.use(true, tableSize)
	for c := range tb.ncol {
		for _, l := range splitLines(cell(tb.headers, c)) {
			natural[c] = max(natural[c], d.measure(l))
		}
	}
	d.use(false, tableSize)
	numeric := make([]int, tb.ncol) // -1: some cell is not a number
	for i, row := range tb.rows {
		for c := range tb.ncol {
			s := cell(row, c)
			var w float64
			if hasControl(s) {
				w = -1
				for _, l := range splitLines(s) {
					natural[c] = max(natural[c], d.measure(l))
				}
			} else {
				w = d.measure(s)
				natural[c] = max(natural[c], w)
			}
			tb.cellW[i*tb.ncol+c] = w
			if s != "" && numeric[c] >= 0 {
				if isNumber(s) {
					numeric[c]++
				} else {
					numeric[c] = -1
				}
			}
		}
	}
	for c := range tb.ncol {
		natural[c] += 2 * cellPadX
		tb.right[c] = numeric[c] > 0
	}
	return natural
}

// fitColumns shares avail among columns of the given natural widths. While
// everything fits, each column gets its natural width and the slack is
// spread in proportion, so that tables span the text column. When it does
// not fit, columns narrower than an equal share keep their width and the
// wider ones split the rest equally: a long free-text column wraps, while
// dates and amounts stay on one line.
func fitColumns(natural []float64, avail float64) []float64 {
	n := len(natural)
	w := make([]float64, n)
	sum := 0.0
	for _, v := range natural {
		sum += v
	}
	if sum <= avail {
		for i, v := range natural {
			if sum > 0 {
				w[i] = v + (avail-sum)*v/sum
			} else {
				w[i] = avail / float64(n)
			}
		}
		return w
	}
	fixed := make([]bool, n)
	left, open := avail, n
	for changed := true; changed && open > 0; {
		changed = false
		share := left / float64(open)
		for i, v := range natural {
			if !fixed[i] && v <= share {
				w[i], fixed[i] = v, true
				left -= v
				open--
				changed = true
			}
		}
	}
	for i := range w {
		if !fixed[i] {
			w[i] = left / float64(open)
		}
	}
	return w
}

// layoutHeader wraps the header texts to the column widths.
func (tb *table) layoutHeader(d *document) {
	d.use(true, tableSize)
	tb.headerLines = make([][]string, tb.ncol)
	n := 1
	for c := range tb.ncol {
		tb.headerLines[c] = d.wrap(cell(tb.headers, c), tb.widths[c]-2*cellPadX)
		n = max(n, len(tb.headerLines[c]))
	}
	tb.headerH = tb.rowHeight(n)
}

func (tb *table) rowHeight(lines int) float64 { return float64(lines)*tableLeading + 2*cellPadY }

// drawHeader draws the header row on a grey band.
func (tb *table) drawHeader(d *document) {
	d.fill(marginLeft, d.y, textWidth, tb.headerH, fillHead)
	d.use(true, tableSize)
	x := marginLeft
	for c := range tb.ncol {
		for j, l := range tb.headerLines[c] {
			base := baseline(d.y+cellPadY+float64(j)*tableLeading, tableLeading, tableSize)
			if tb.right[c] {
				d.textRight(x+tb.widths[c]-cellPadX, base, l, -1)
			} else {
				d.text(x+cellPadX, base, l)
			}
		}
		x += tb.widths[c]
	}
	d.y += tb.headerH
	d.use(false, tableSize)
}

// continueOnNewPage starts a new page and repeats the header row there,
// under a line saying which register the table belongs to.
func (tb *table) continueOnNewPage(d *document) {
	d.newPage()
	d.use(true, smallSize)
	d.ink(inkMuted)
	d.text(marginLeft, baseline(d.y, smallLead, smallSize), tb.context+" ("+d.t.continued+")")
	d.ink(inkText)
	d.y += smallLead
	tb.drawHeader(d)
}

// wrapRow prepares row i for drawing and returns its height in lines. A
// cell that fits its column on one line — nearly every cell — costs a
// comparison with its stored width; only the others are wrapped.
func (tb *table) wrapRow(d *document, i int) int {
	d.use(false, tableSize)
	n := 1
	row := tb.rows[i]
	for c := range tb.ncol {
		tb.lines[c] = nil
		if w := tb.cellW[i*tb.ncol+c]; w >= 0 && w <= tb.widths[c]-2*cellPadX {
			continue
		}
		tb.lines[c] = d.wrap(cell(row, c), tb.widths[c]-2*cellPadX)
		n = max(n, len(tb.lines[c]))
	}
	return n
}

// drawRow draws lines [first, first+k) of row i, prepared by wrapRow, on a
// zebra stripe for every other row.
func (tb *table) drawRow(d *document, row []string, i, first, k int) {
	h := tb.rowHeight(k)
	if i%2 == 1 {
		d.fill(marginLeft, d.y, textWidth, h, fillZebra)
	}
	d.use(false, tableSize)
	x := marginLeft
	for c := range tb.ncol {
		right := x + tb.widths[c] - cellPadX
		if lines := tb.lines[c]; lines != nil {
			for j := first; j < first+k && j < len(lines); j++ {
				base := baseline(d.y+cellPadY+float64(j-first)*tableLeading, tableLeading, tableSize)
				if tb.right[c] {
					d.textRight(right, base, lines[j], -1)
				} else {
					d.text(x+cellPadX, base, lines[j])
				}
			}
		} else if first == 0 {
			base := baseline(d.y+cellPadY, tableLeading, tableSize)
			if s := cell(row, c); tb.right[c] {
				d.textRight(right, base, s, tb.cellW[i*tb.ncol+c])
			} else {
				d.text(x+cellPadX, base, s)
			}
		}
		x += tb.widths[c]
	}
	d.y += h
}

// hasControl reports whether s holds a byte below space (a tab or a line
// break), which must go through clean before it is measured or drawn.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return true
		}
	}
	return false
}

// splitLines is s cleaned and split at its line breaks.
func splitLines(s string) []string {
	if !hasControl(s) {
		return []string{s}
	}
	return strings.Split(clean(s), "\n")
}

// isNumber reports whether s reads as an amount or a count — digits grouped
// with spaces, a decimal comma or point, a sign, and an optional " kr" or
// " %" — so that its column is right-aligned. Dates, organisation numbers
// and account numbers have a hyphen inside and stay left-aligned.
func isNumber(s string) bool {
	s = strings.TrimSuffix(strings.TrimSuffix(s, " kr"), " %")
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−"), "+")
	digits := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == ' ' || c == ',' || c == '.':
		default:
			return false
		}
	}
	return digits
}
