// Package extract assembles a register extract (GDPR Art. 15): it reads the
// case, asks the source registers named in the register catalogue for the
// person's data, renders the PDF and stores it with the case.
package extract
