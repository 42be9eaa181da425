package catalogue

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The seed corpus is in testdata/fuzz/FuzzParse/ (the shipped catalogue and
// broken variants of it); `go test` runs it, `make fuzz` fuzzes for a while.

// FuzzParse feeds any bytes to Parse as a register catalogue. It does not
// panic; an error names the file it is about, so that the operator who
// edits the file knows where to look; a catalogue it accepts, written out as
// JSON again, is accepted again as the same catalogue.
func FuzzParse(f *testing.F) {
	const file = "fuzz-registers.json"
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := Parse(file, data)
		if err != nil {
			if cat != nil {
				t.Fatalf("a catalogue along with the error %v", err)
			}
			if !strings.HasPrefix(err.Error(), file+": ") {
				t.Fatalf("the error %q does not name the file", err)
			}
			return
		}
		out, err := json.Marshal(cat)
		if err != nil {
			t.Fatalf("an accepted catalogue does not marshal: %v", err)
		}
		again, err := Parse(file, out)
		if err != nil {
			t.Fatalf("an accepted catalogue, marshalled, is refused: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, cat) {
			t.Fatalf("marshalled and parsed again, the catalogue changed:\n%+v\n%+v", cat, again)
		}
	})
}
