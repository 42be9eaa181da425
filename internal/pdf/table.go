package pdf

import (
	"fmt"
	"strings"
)

// minColumn is the narrowest a column that needs it may be made: padding
// and three characters. Narrower, text would break after every letter.
const minColumn = 2*cellPadX + 3*tableSize

// Cell is one cell of a table: its text, and whether it is a number (an
// amount or a count). A column whose cells are all numbers, empty cells
// aside, is aligned to the right, its header too.
type Cell struct {
	Text    string
	Numeric bool
}

// Cells returns a row of text cells, none of them a number.
func Cells(texts ...string) []Cell {
	row := make([]Cell, len(texts))
	for i, s := range texts {
		row[i] = Cell{Text: s}
	}
	return row
}

// Table is a titled table. gopdf's own tables neither wrap cell text nor
// break across pages; Document.Table does both.
type Table struct {
	Title   string // a subheading above the header row; none when empty
	Context string // names the table on the pages it continues on: "<Context> (forts.)"
	Headers []string
	Rows    [][]Cell // a row shorter than the header has empty cells at its end
	// Width is the table's width from the left margin, for a small table
	// that would look lost spread across the page; zero (or more than the
	// text column) is the width of the text column.
	Width float64
}

// tableLayout is a table being laid out. Column widths follow the content;
// the header row is repeated on every page the table continues on.
type tableLayout struct {
	*Table
	ncol int

	width  float64 // of the whole table
	widths []float64
	right  []bool // columns of numbers are right-aligned

	// cellW is the width of every data cell on one line, row by row,
	// measured once; -1 marks a cell with line breaks or tabs, which is
	// wrapped when drawn.
	cellW []float64

	headerLines [][]string
	headerH     float64

	lines [][]string // the wrapped lines of the row being drawn; nil for a one-line cell
}

// Table draws t at the cursor, starting new pages as needed: its title, its
// header row on a grey band and its rows on zebra stripes. A cell too wide
// for its column wraps; a row taller than a page is split across pages. A
// table with more columns than fit the width of the page fails the
// document.
func (d *Document) Table(t Table) {
	ncol := len(t.Headers)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 || d.err != nil {
		return
	}
	tb := &tableLayout{
		Table: &t,
		ncol:  ncol,
		right: make([]bool, ncol),
		cellW: make([]float64, len(t.Rows)*ncol),
		lines: make([][]string, ncol),
	}
	tb.width = TextWidth
	if t.Width > 0 && t.Width < TextWidth {
		tb.width = t.Width
	}
	natural := tb.measure(d)
	tb.widths = fitColumns(natural, tb.width)
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
	if len(t.Rows) > 0 {
		first = min(tb.wrapRow(d, 0), 3)
	}
	d.Ensure(d.subheadingHeight(t.Title) + tb.headerH + tb.rowHeight(first))
	if t.Title != "" {
		d.Subheading(t.Title)
	}
	tb.drawHeader(d)

	fresh := PageBottom - ContentTop - SmallLead - tb.headerH // room on an empty continuation page
	for i, row := range t.Rows {
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
	d.y += 1 * MM
}

// cell returns cell c of a row, or an empty cell for a row shorter than the
// header.
func cell(row []Cell, c int) Cell {
	if c < len(row) {
		return row[c]
	}
	return Cell{}
}

// header returns header c, or "" when there are fewer headers than cells.
func (tb *tableLayout) header(c int) string {
	if c < len(tb.Headers) {
		return tb.Headers[c]
	}
	return ""
}

// measure measures every header and cell once and returns the natural
// (unwrapped) width of each column including padding. It also decides
// which columns hold only numbers.
func (tb *tableLayout) measure(d *Document) []float64 {
	natural := make([]float64, tb.ncol)
	d.SetFont(Bold, tableSize)
	for c := range tb.ncol {
		for _, l := range splitLines(tb.header(c)) {
			natural[c] = max(natural[c], d.Measure(l))
		}
	}
	d.SetFont(Regular, tableSize)
	numeric := make([]int, tb.ncol) // -1: some cell is not a number
	for i, row := range tb.Rows {
		for c := range tb.ncol {
			cl := cell(row, c)
			var w float64
			if hasControl(cl.Text) {
				w = -1
				for _, l := range splitLines(cl.Text) {
					natural[c] = max(natural[c], d.Measure(l))
				}
			} else {
				w = d.Measure(cl.Text)
				natural[c] = max(natural[c], w)
			}
			tb.cellW[i*tb.ncol+c] = w
			if cl.Text != "" && numeric[c] >= 0 {
				if cl.Numeric {
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
func (tb *tableLayout) layoutHeader(d *Document) {
	d.SetFont(Bold, tableSize)
	tb.headerLines = make([][]string, tb.ncol)
	n := 1
	for c := range tb.ncol {
		tb.headerLines[c] = d.Wrap(tb.header(c), tb.widths[c]-2*cellPadX)
		n = max(n, len(tb.headerLines[c]))
	}
	tb.headerH = tb.rowHeight(n)
}

func (tb *tableLayout) rowHeight(lines int) float64 {
	return float64(lines)*tableLeading + 2*cellPadY
}

// drawHeader draws the header row on a grey band.
func (tb *tableLayout) drawHeader(d *Document) {
	d.fill(MarginLeft, d.y, tb.width, tb.headerH, fillHead)
	d.SetFont(Bold, tableSize)
	x := MarginLeft
	for c := range tb.ncol {
		for j, l := range tb.headerLines[c] {
			base := Baseline(d.y+cellPadY+float64(j)*tableLeading, tableLeading, tableSize)
			if tb.right[c] {
				d.TextRight(x+tb.widths[c]-cellPadX, base, l)
			} else {
				d.Text(x+cellPadX, base, l)
			}
		}
		x += tb.widths[c]
	}
	d.y += tb.headerH
	d.SetFont(Regular, tableSize)
}

// continueOnNewPage starts a new page and repeats the header row there,
// under a line saying which table it is.
func (tb *tableLayout) continueOnNewPage(d *Document) {
	d.NewPage()
	d.SetFont(Bold, SmallSize)
	d.SetInk(Muted)
	d.Text(MarginLeft, Baseline(d.y, SmallLead, SmallSize), tb.Context+" ("+d.wording.continued+")")
	d.SetInk(Black)
	d.y += SmallLead
	tb.drawHeader(d)
}

// wrapRow prepares row i for drawing and returns its height in lines. A
// cell that fits its column on one line — nearly every cell — costs a
// comparison with its stored width; only the others are wrapped.
func (tb *tableLayout) wrapRow(d *Document, i int) int {
	d.SetFont(Regular, tableSize)
	n := 1
	row := tb.Rows[i]
	for c := range tb.ncol {
		tb.lines[c] = nil
		if w := tb.cellW[i*tb.ncol+c]; w >= 0 && w <= tb.widths[c]-2*cellPadX {
			continue
		}
		tb.lines[c] = d.Wrap(cell(row, c).Text, tb.widths[c]-2*cellPadX)
		n = max(n, len(tb.lines[c]))
	}
	return n
}

// drawRow draws lines [first, first+k) of row i, prepared by wrapRow, on a
// zebra stripe for every other row.
func (tb *tableLayout) drawRow(d *Document, row []Cell, i, first, k int) {
	h := tb.rowHeight(k)
	if i%2 == 1 {
		d.fill(MarginLeft, d.y, tb.width, h, fillZebra)
	}
	d.SetFont(Regular, tableSize)
	x := MarginLeft
	for c := range tb.ncol {
		right := x + tb.widths[c] - cellPadX
		if lines := tb.lines[c]; lines != nil {
			for j := first; j < first+k && j < len(lines); j++ {
				base := Baseline(d.y+cellPadY+float64(j-first)*tableLeading, tableLeading, tableSize)
				if tb.right[c] {
					d.TextRight(right, base, lines[j])
				} else {
					d.Text(x+cellPadX, base, lines[j])
				}
			}
		} else if first == 0 {
			base := Baseline(d.y+cellPadY, tableLeading, tableSize)
			if s := cell(row, c).Text; tb.right[c] {
				d.textRight(right, base, s, tb.cellW[i*tb.ncol+c])
			} else {
				d.Text(x+cellPadX, base, s)
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
