// Package pdf is dsrdesk's PDF layout engine, built on gopdf with the Go
// fonts embedded. A document package (internal/documents) decides what a
// letter says; this package decides how any letter is set on A4 paper.
//
// It owns the page geometry and the position of the address for a C5 window
// envelope and the print shop's clear zone (RULES §9); that nothing shaped
// like an identity number is ever put in the window (RULES §6); text that
// wraps and flows across pages; labelled values; tables that wrap their
// cells and break across pages with their header repeated; the running
// header, the footer and "Sida N av M"; and that a character the fonts
// cannot draw fails the document instead of vanishing from it.
package pdf
