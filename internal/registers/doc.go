// Package registers is the layer above the connectors to the agency's source
// registers, the systems whose data a register extract (GDPR Art. 15)
// compiles. It owns the Connector interface a source system implements
// (internal/sqlitesource is the first), and Registers, which reads a person
// through a connector and builds one extract section per register in the
// catalogue (internal/catalogue), empty ones included.
//
// It owns the rules that hold whatever the connector: the identity number
// must be valid, an unknown protection level is an error rather than "none",
// and the address of a person with protected personal data never leaves this
// package inside a section, whatever the catalogue's queries select.
package registers
