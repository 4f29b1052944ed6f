package testmsg

import (
	"testing"

	"github.com/avsandare/mm/message"
)

// The shared identities are valid personal numbers, and the shared
// message passes every rule once its defaults are set.
func TestSharedFixturesAreValid(t *testing.T) {
	for _, id := range []string{Alice, Bob, Carl, Dora} {
		got, err := message.ParseRecipientID(id)
		if err != nil || string(got) != id {
			t.Errorf("ParseRecipientID(%s) = %q, %v", id, got, err)
		}
		if err := New(id).SetDefaults().Validate(); err != nil {
			t.Errorf("New(%s): %v", id, err)
		}
	}
}
