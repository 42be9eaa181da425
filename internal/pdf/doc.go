// Package pdf is dsrdesk's PDF layout engine, built on gopdf with the Go
// fonts embedded. A document package (internal/documents) decides what a
// letter says; this package decides how any letter is set on A4 paper.
//
// It owns the page geometry and the position of the address for a C5 window
// envelope and the print shop's clear zone (RULES §9); that nothing shaped
// like an identity number is ever put in the window (RULES §6); text that
// wraps and flows across pages; labelled values; tables that wrap their
// cells and break across pages with their header repeated; headings kept
// with what follows them; the running header, the footer and "Sida N av
// M"; bookmarks (the PDF outline); and that a character the fonts cannot
// draw fails the document instead of vanishing from it.
//
// Every document it writes is PDF/A-1b, the archival format Riksarkivet
// takes: gopdf cannot write that, so pdfa.go rewrites gopdf's finished file
// (information dictionary and XMP metadata, an sRGB output intent with a
// profile built in icc.go, the fonts' CIDToGIDMap, the language, exact
// stream lengths and the file identifier). pdftest.PDFA checks the result
// with Apache PDFBox Preflight.
package pdf
