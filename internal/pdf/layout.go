package pdf

// Page geometry. Positions are given in millimetres, because that is how
// envelope windows and print-shop zones are specified, and converted to
// points, the unit of every coordinate of a Document, by multiplying with
// MM. y is measured from the top edge of the sheet.

// MM is one millimetre in points (1 pt = 1/72 inch = 25.4/72 mm).
const MM = 72 / 25.4

// The sheet: A4 portrait.
const (
	PageWidth  = 210 * MM
	PageHeight = 297 * MM
)

// Margins and the text column. RULES §9 asks for at least 18 mm on the left;
// 20 mm also lines the letter up with the envelope window's left edge.
const (
	MarginLeft  = 20 * MM
	MarginRight = 20 * MM
	TextWidth   = PageWidth - MarginLeft - MarginRight
	TextRight   = PageWidth - MarginRight
)

// The left window of a C5 envelope. Windows differ by manufacturer: the
// window starts about 20 mm from the left edge and 45–50 mm from the top and
// is about 90 × 45 mm. The address block is placed inside the part that every
// such window shows, with an inset for the sheet moving in the envelope.
const (
	WindowLeft   = 20 * MM
	WindowTop    = 45 * MM
	WindowWidth  = 90 * MM
	WindowHeight = 45 * MM

	windowInset  = 4 * MM
	addressLeft  = WindowLeft + windowInset // 24 mm
	addressTop   = 53 * MM                  // below a window that starts as low as 50 mm
	addressWidth = WindowWidth - 2*windowInset
)

// The zone the print shop uses for franking and sorting codes: the lower
// right 150 × 30 mm of the address area (RULES §9). Nothing is printed there;
// the address block ends above it and a letter's body starts below it.
const (
	ClearLeft   = 60 * MM
	ClearTop    = 85 * MM
	ClearWidth  = 150 * MM
	ClearHeight = 30 * MM
)

// Address block type. The block shrinks from addressSize towards
// addressMinSize when a line is too wide for the window rather than wrap,
// because a wrapped address line confuses the postal sorting machines.
const (
	addressSize    = 10.5
	addressMinSize = 7
	addressLeading = 1.3 // line height as a multiple of the type size
	addressLines   = 6   // lines that fit between addressTop and ClearTop
)

// Where text flows, and the running header and footer around it.
const (
	ContentTop = 25 * MM  // the top of the text area of a new page
	PageBottom = 276 * MM // the lowest text may reach, unless SetPageBottom says less

	headerBaseline = 13 * MM
	HeaderRule     = 16 * MM // the rule under the running header
	FooterRule     = 281 * MM
	footerBaseline = 286 * MM
	footerPageBox  = 50 * MM // placeholder width for "Sida N av M", right-aligned
)

// Type sizes (points) and line heights (points) of the text the engine sets
// itself. SmallSize and SmallLead are those of labelled values, subheadings
// and the line that says a table continues; a document uses them for lists
// that sit among them.
const (
	SmallSize  = 9
	SmallLead  = 12
	footerSize = 8
)

// Labelled values: a label column and a text column. The label column fits
// "Automatiserat beslutsfattande" (46 mm) on one line.
const (
	labelWidth = 47 * MM
	valueLeft  = MarginLeft + labelWidth + 3*MM
	valueWidth = TextRight - valueLeft
)

// Tables. Rows are one line high unless a cell wraps. Cells are padded
// more at the sides than above and below: a right-aligned amount must not
// run into the text of the next column, while every point of row height
// adds pages to a 20,000-row extract.
const (
	tableSize    = 8
	tableLeading = 10
	cellPadX     = 3.5
	cellPadY     = 2
)

// Ink is a grey level, 0 (black) to 255 (white), for text and fills.
type Ink uint8

// The inks of text.
const (
	Black Ink = 0
	Muted Ink = 90 // labels, the running header and the footer
)

// Grey levels of fills and rules.
const (
	fillHead  Ink = 222
	fillZebra Ink = 243
	ruleGrey      = 160
)

// Baseline returns the baseline for text of size size centred in a line box
// of height lead whose top is at top. Capitals are about 0.7 em high, so
// their middle is 0.35 em above the baseline.
func Baseline(top, lead, size float64) float64 {
	return top + lead/2 + 0.35*size
}
