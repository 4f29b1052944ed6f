package mailing_test

import (
	"testing"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/internal/testmsg"
	"github.com/avsandare/mm/internal/testsender"
	"github.com/avsandare/mm/message"
)

// Test personal numbers: no real people.
const (
	alice = testmsg.Alice
	bob   = testmsg.Bob
)

func newMessage(to string) *message.Message { return testmsg.New(to) }

func class1(to string) *message.Message { return testmsg.Class1(to) }

// start starts a Sender through a fresh fake, with a paper directory.
func start(t testing.TB, mod ...func(*mm.Config)) *testsender.Setup {
	t.Helper()
	return testsender.Start(t, mod...)
}
