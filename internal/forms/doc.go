// Package forms reads the request-form definitions in forms/ (such as 9352,
// "Begäran om information (registerutdrag)") and validates a submission
// against them, so that the e-service page and its checks come from one
// piece of data. It does no I/O beyond reading the given file system.
package forms
