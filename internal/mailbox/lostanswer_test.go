package mailbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"dsrdesk/internal/dsr"
)

// TestLostAnswerRepeatedOnce: a delivery whose answer the simulator loses
// after storing it (LoseAnswerNext) fails for the sender as a timeout; the
// sender's later try with the same message id gets the first delivery's
// receipt, the message is stored once, and Repeats counts the repeat.
func TestLostAnswerRepeatedOnce(t *testing.T) {
	f := newFixture(t, nil)
	f.sim.HangLimit = 50 * time.Millisecond
	f.client.Attempts = 1
	f.sim.LoseAnswerNext(1)
	id := uuid.NewString()
	_, err := f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	checkCode(t, err, dsr.EUNAVAILABLE)
	stored := f.sim.Delivered()
	if len(stored) != 1 || stored[0].Repeats != 0 {
		t.Fatalf("after the lost answer: %+v, want the message stored once", stored)
	}
	rcpt, err := f.client.Deliver(context.Background(), id, pnrKivra, "Beslut", "beslut.pdf", letterPDF)
	if err != nil {
		t.Fatal(err)
	}
	stored = f.sim.Delivered()
	if len(stored) != 1 || stored[0].TransactionID != rcpt.TransactionID || stored[0].Repeats != 1 {
		t.Fatalf("after the retry: %+v and receipt %+v, want one delivery repeated once", stored, rcpt)
	}
}
