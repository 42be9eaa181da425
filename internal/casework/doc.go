// Package casework owns the life of a case up to its answer: registering a
// request from any channel with its statutory deadlines, finding and listing
// cases for staff, and extension notices (GDPR Art. 12(3)).
package casework
