package web

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/dsr"
)

func TestErrorTextInThePageLanguage(t *testing.T) {
	s, err := New(Config{}, Services{}, zerolog.Nop(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	deadline := dsr.Errorf(dsr.ECONFLICT, "case.deadline_passed", "The deadline %s has passed; the time limit can no longer be extended.", "2026-12-23")
	unavailable := dsr.Errorf(dsr.EUNAVAILABLE, "mailbox.unavailable", "The digital-mailbox service did not answer (%s).", "recipient lookup")
	unknown := dsr.Errorf(dsr.EINVALID, "no.such.key", "Something precise.")
	tests := []struct {
		err  *dsr.Error
		lang string
		want string
	}{
		{deadline, "sv", "Tidsfristen 2026-12-23 har passerat; den kan inte längre förlängas."},
		{deadline, "en", "The deadline 2026-12-23 has passed; the time limit can no longer be extended."},
		{unavailable, "sv", "Tjänsten för digitala brevlådor svarar inte just nu. Försök igen om en stund."},
		{unknown, "sv", "Something precise."},
	}
	for _, tt := range tests {
		if got := s.errorText(tt.err, tt.lang); got != tt.want {
			t.Errorf("%s in %s = %q, want %q", tt.err.Key, tt.lang, got, tt.want)
		}
	}
}
