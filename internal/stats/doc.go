// Package stats is the data-protection officer's view of the case desk:
// the dashboard (open cases, due-date warnings, this year month by month)
// and the statistics of a year, computed from the counts the case store
// keeps (medians and the 95th percentile from a histogram of days to
// answer). Every read is audited.
package stats
