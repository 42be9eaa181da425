// Package catalogue owns the register catalogue (registers.json): the data
// that declares, for every source register a register extract (GDPR Art. 15)
// covers, its Art. 15(1)(a)–(h) texts, its columns and what kind of value
// each holds, and the queries that select one person's rows, so that an
// operator adds a register by editing JSON rather than Go code. It parses
// and validates the file with messages that name the register and the line,
// and embeds the catalogue shipped with dsrdesk. It runs no query: the
// connectors do.
package catalogue
