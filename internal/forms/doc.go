// Package forms reads the request-form definitions in forms/ (such as 9352,
// "Begäran om information (registerutdrag)", and the forms for rectification,
// erasure, restriction and objection) and validates a submission against
// them, so that the e-service page and its checks come from one piece of
// data. A submission becomes the kinds, the change request (dsr.ChangeRequest)
// and the details of a case. It does no I/O beyond reading the given file
// system.
package forms
