package pdf

// Layout of the extract. Positions are given in millimetres, because that is
// how envelope windows and print-shop zones are specified, and converted to
// points (gopdf's unit here) with mm. y is measured from the top edge of the
// sheet, as gopdf does.

// mm converts millimetres to PDF points (1 pt = 1/72 inch = 25.4/72 mm).
func mm(v float64) float64 { return v * 72 / 25.4 }

// The sheet: A4 portrait.
var (
	pageWidth  = mm(210)
	pageHeight = mm(297)
)

// Margins and the text column. RULES §9 asks for at least 18 mm on the left;
// 20 mm also lines the letter up with the envelope window's left edge.
var (
	marginLeft  = mm(20)
	marginRight = mm(20)
	textWidth   = pageWidth - marginLeft - marginRight
	textRight   = pageWidth - marginRight
)

// The left window of a C5 envelope. Windows differ by manufacturer: the
// window starts about 20 mm from the left edge and 45–50 mm from the top and
// is about 90 × 45 mm. The address block is placed inside the part that every
// such window shows, with an inset for the sheet moving in the envelope.
var (
	windowLeft   = mm(20)
	windowTop    = mm(45)
	windowWidth  = mm(90)
	windowHeight = mm(45)

	windowInset  = mm(4)
	addressLeft  = windowLeft + windowInset // 24 mm
	addressTop   = mm(53)                   // below a window that starts as low as 50 mm
	addressWidth = windowWidth - 2*windowInset
)

// The zone the print shop uses for franking and sorting codes: the lower
// right 150 × 30 mm of the address area (RULES §9). Nothing is printed there;
// the address block ends above it and the letter body starts below it.
var (
	clearLeft   = mm(60)
	clearTop    = mm(85)
	clearWidth  = mm(150)
	clearHeight = mm(30)
)

// Address block type. The block shrinks from addressSize towards
// addressMinSize when a line is too wide for the window rather than wrap,
// because a wrapped address line confuses the postal sorting machines.
const (
	addressSize    = 10.5
	addressMinSize = 7
	addressLeading = 1.3 // line height as a multiple of the type size
	addressLines   = 6   // lines that fit between addressTop and clearTop
)

// The top of the cover letter: sender at the left, date and case number in
// the information column at the right, above the window.
var (
	senderBaseline = mm(20)
	returnBaseline = mm(26)
	infoLeft       = mm(125)
	infoTop        = mm(14)
	infoRowHeight  = mm(10)
)

// Where text flows. The letter body starts below the clear zone; the first
// page keeps room for the agency's contact details above the footer.
var (
	bodyTop         = clearTop + clearHeight + mm(7) // 122 mm
	contentTop      = mm(25)                         // on pages after the first
	firstPageBottom = mm(262)
	pageBottom      = mm(276)

	headerBaseline = mm(13)
	headerRule     = mm(16)
	contactTop     = mm(266)
	footerRule     = mm(281)
	footerBaseline = mm(286)
	footerPageBox  = mm(50) // placeholder width for "Sida N av M", right-aligned
)

// Type sizes (points) and line heights (points).
const (
	senderSize  = 16
	returnSize  = 7.5
	labelSize   = 7
	infoSize    = 10
	titleSize   = 14
	headingSize = 12
	bodySize    = 10
	bodyLeading = 13.5
	smallSize   = 9
	smallLead   = 12
	footerSize  = 8
	contactSize = 7.5
)

// Labelled Art. 15 paragraphs: a label column and a text column. The label
// column fits "Automatiserat beslutsfattande" (46 mm) on one line.
var (
	labelWidth = mm(47)
	valueLeft  = marginLeft + labelWidth + mm(3)
	valueWidth = textRight - valueLeft
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

// Grey levels (0–255) used for text and fills.
const (
	inkText   = 0
	inkMuted  = 90
	fillHead  = 222
	fillZebra = 243
	ruleGrey  = 160
)

// baseline returns the baseline for text of size size centred in a line box
// of height lead whose top is at top. Capitals are about 0.7 em high, so
// their middle is 0.35 em above the baseline.
func baseline(top, lead, size float64) float64 {
	return top + lead/2 + 0.35*size
}
