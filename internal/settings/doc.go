// Package settings owns the rules an administrator may change while
// dsrdesk runs (dsr.Settings): the effective settings every other service
// reads, the configuration's defaults under what an administrator saved,
// and saving a change, checked and audited. It depends on a small store
// interface, not on SQL.
package settings
