// Package demodata owns the demonstration data: DemoPeople, the plainly
// fictional people that each exercise one delivery or protection route
// through the case system, and Seed, which writes them deterministically into
// a source database (registers.db) that the SQLite connector reads, together
// with the shipped register catalogue (registers.json) when the data folder
// has none. Nothing in it is used outside a demonstration or a test.
package demodata
