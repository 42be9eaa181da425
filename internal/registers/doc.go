// Package registers is dsrdesk's connector to the agency's source registers:
// the systems whose data a register extract (GDPR Art. 15) compiles. In this
// deployment they are simulated by a separate, read-only SQLite database
// (registers.db in the data folder), never the case store.
//
// The package owns three things:
//
//   - the register catalogue (registers.json), which declares for every
//     register its Art. 15(1)(a)–(h) texts, its columns and the SQL that
//     selects one person's rows, so that an operator adds a register by
//     editing JSON rather than Go code;
//   - Source, which reads the population-register copy (Person) and runs the
//     catalogue's queries to produce one extract section per register
//     (Sections), formatting values for people to read;
//   - Seed and DemoPeople, which build a deterministic demonstration database
//     of plainly fictional people covering every delivery and protection
//     route the case system has to handle.
//
// The address of a person with protected personal data never leaves this
// package inside a section, whatever the catalogue's queries select.
package registers
