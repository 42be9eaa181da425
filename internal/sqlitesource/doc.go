// Package sqlitesource is the SQLite connector to the agency's source
// registers (registers.db in the data folder, never the case store). It
// implements registers.Connector: it prepares every query of the register
// catalogue at start-up, refusing one that does not compile, returns the
// wrong number of columns or tries to write, and returns a person's rows as
// typed values (dates, amounts, numbers, codes). A connector for another
// database sits beside it and satisfies the same interface.
package sqlitesource
