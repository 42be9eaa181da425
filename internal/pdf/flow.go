package pdf

import "strings"

// headingLead is the line height of a heading as a multiple of its size.
const headingLead = 1.3

// Paragraph draws s in face f at size, wrapped to the text column, one line
// of height lead after another, starting new pages as needed.
func (d *Document) Paragraph(s string, f Face, size, lead float64) {
	d.SetFont(f, size)
	d.Lines(MarginLeft, d.Wrap(s, TextWidth), lead)
}

// Heading draws s in bold at size, wrapped to the text column.
func (d *Document) Heading(s string, size float64) {
	d.Paragraph(s, Bold, size, size*headingLead)
}

// Subheading is a bold line over a table or a list.
func (d *Document) Subheading(s string) {
	d.Paragraph(s, Bold, SmallSize, SmallLead)
	d.Skip(0.5 * MM)
}

// SubheadingKeep is Subheading kept with the first keep points of what
// follows it: rather than leave the heading alone at the foot of a page,
// it starts the next one.
func (d *Document) SubheadingKeep(s string, keep float64) {
	d.Ensure(d.subheadingHeight(s) + keep)
	d.Subheading(s)
}

// subheadingHeight is the height Subheading(s) takes: its wrapped lines
// and the gap below them; nothing for an empty s.
func (d *Document) subheadingHeight(s string) float64 {
	if s == "" {
		return 0
	}
	d.SetFont(Bold, SmallSize)
	return float64(len(d.Wrap(s, TextWidth)))*SmallLead + 0.5*MM
}

// ParagraphHeight is the height Paragraph(s, f, size, lead) takes, for
// keeping it with what comes before or after it.
func (d *Document) ParagraphHeight(s string, f Face, size, lead float64) float64 {
	d.SetFont(f, size)
	return float64(len(d.Wrap(s, TextWidth))) * lead
}

// Lines draws lines already wrapped (see Wrap) at x in the current font,
// one of height lead after another, starting new pages as needed.
func (d *Document) Lines(x float64, lines []string, lead float64) {
	for _, l := range lines {
		d.Ensure(lead)
		d.Text(x, Baseline(d.y, lead, d.size), l)
		d.y += lead
	}
}

// Labelled draws one labelled value, such as one piece of Art. 15(1)
// information: the label in a muted left column, the value wrapped in the
// column right of it. A value that is empty is left out rather than shown
// under a label with nothing after it.
func (d *Document) Labelled(label, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	d.SetFont(Regular, SmallSize)
	lines := d.Wrap(value, valueWidth)
	d.SetFont(Bold, SmallSize)
	labels := d.Wrap(label, labelWidth)

	d.Ensure(float64(max(len(labels), min(len(lines), 2))) * SmallLead)
	d.SetInk(Muted)
	for i, l := range labels {
		d.Text(MarginLeft, Baseline(d.y+float64(i)*SmallLead, SmallLead, SmallSize), l)
	}
	d.SetInk(Black)
	d.SetFont(Regular, SmallSize)
	top, page := d.y, d.page
	d.Lines(valueLeft, lines, SmallLead)
	// A label longer than its value pushes the next item down; once the
	// value has run onto a new page, the label's end on the old page is no
	// limit.
	if labelEnd := top + float64(len(labels))*SmallLead; d.page == page && d.y < labelEnd {
		d.y = labelEnd
	}
	d.y += 1.5 * MM
}
