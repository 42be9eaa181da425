package sqlite

// testSealKey is the key this package's tests seal identity numbers with
// in their case stores.
var testSealKey = []byte("dsrdesk test key, 32 bytes long!")
