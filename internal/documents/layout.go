package documents

import "dsrdesk/internal/pdf"

// The top of page 1 of every letter: sender at the left, date and case
// number in the information column at the right, above the envelope window.
const (
	senderBaseline = 20 * pdf.MM
	returnBaseline = 26 * pdf.MM
	infoLeft       = 125 * pdf.MM
	infoTop        = 14 * pdf.MM
	infoRowHeight  = 10 * pdf.MM
)

// The rest of page 1: the body starts below the print shop's clear zone,
// and the page keeps room for the agency's contact details above the
// footer.
const (
	bodyTop         = pdf.ClearTop + pdf.ClearHeight + 7*pdf.MM // 122 mm
	firstPageBottom = 262 * pdf.MM
	contactTop      = 266 * pdf.MM
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
	contactSize = 7.5
)
