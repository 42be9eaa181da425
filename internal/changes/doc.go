// Package changes carries out requests to rectify, complete, erase,
// restrict or object (GDPR Art. 16–19, 21; RULES §5): it has every affected
// item evaluated by the exemption engine, lets the data-protection officer
// override an outcome with a written reason, executes the decision in the
// source registers in steps that are safe to repeat, tells every recipient
// of changed data (Art. 19) and writes the decision letter.
package changes
