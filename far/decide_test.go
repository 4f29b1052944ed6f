package far_test

import (
	"testing"

	"github.com/avsandare/mm/far"
	"github.com/stretchr/testify/assert"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	op := func(address string) *far.Operator {
		return &far.Operator{ID: "165568402266", Name: "Kivra", ServiceAddress: address}
	}
	reach := func(typ far.AccountType, pending, accepted bool, o *far.Operator) far.Reachability {
		return far.Reachability{Account: far.Account{Recipient: alice, Type: typ, Pending: pending, Operator: o}, SenderAccepted: accepted}
	}
	kivra := op("https://mm.kivra.example/service/v3")
	tests := []struct {
		name string
		r    far.Reachability
		want far.Reason // "" for digital
	}{
		{"secure, accepted, https", reach(far.Secure, false, true, kivra), ""},
		{"anonymous is an account too", reach(far.Anonymous, false, true, kivra), ""},
		{"no account", reach(far.NoAccount, false, true, kivra), far.ReasonNoMailbox},
		{"type missing", reach("", false, true, kivra), far.ReasonNoMailbox},
		{"pending", reach(far.Secure, true, true, kivra), far.ReasonPending},
		{"not accepted", reach(far.Secure, false, false, kivra), far.ReasonSenderNotAccepted},
		{"no operator", reach(far.Secure, false, true, nil), far.ReasonNoUsableAddress},
		{"http address, as in the sample", reach(far.Secure, false, true, op("http://localhost:9090/deliversecure")), far.ReasonNoUsableAddress},
		{"empty address", reach(far.Secure, false, true, op("")), far.ReasonNoUsableAddress},
		{"no host", reach(far.Secure, false, true, op("https:///service/v3")), far.ReasonNoUsableAddress},
		{"opaque", reach(far.Secure, false, true, op("https:mm.kivra.example")), far.ReasonNoUsableAddress},
		{"user information", reach(far.Secure, false, true, op("https://user:pw@mm.kivra.example/")), far.ReasonNoUsableAddress},
		{"relative", reach(far.Secure, false, true, op("/service/v3")), far.ReasonNoUsableAddress},
		{"not a url", reach(far.Secure, false, true, op("https://[::1")), far.ReasonNoUsableAddress},
		{"ftp", reach(far.Secure, false, true, op("ftp://mm.kivra.example/")), far.ReasonNoUsableAddress},
		{"upper-case scheme", reach(far.Secure, false, true, op("HTTPS://mm.kivra.example/")), ""},
		{"white space around", reach(far.Secure, false, true, op(" https://mm.kivra.example/ ")), ""},
		// The order of the checks: the first reason that applies wins.
		{"no account beats pending", reach(far.NoAccount, true, false, nil), far.ReasonNoMailbox},
		{"pending beats not accepted", reach(far.Secure, true, false, nil), far.ReasonPending},
		{"not accepted beats the address", reach(far.Secure, false, false, op("http://x")), far.ReasonSenderNotAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := tt.r.Decide()
			assert.Equal(t, tt.want == "", d.Digital)
			assert.Equal(t, tt.want, d.Reason)
			if d.Digital {
				assert.Same(t, tt.r.Operator, d.Operator)
			} else {
				assert.Nil(t, d.Operator)
			}
		})
	}
}

func TestReasonString(t *testing.T) {
	t.Parallel()
	for r, want := range map[far.Reason]string{
		far.ReasonNoMailbox:         "the recipient has no digital mailbox",
		far.ReasonPending:           "the recipient's mailbox registration is pending",
		far.ReasonSenderNotAccepted: "the recipient does not accept digital post from this sender",
		far.ReasonNoUsableAddress:   "FaR gave no usable https address for the recipient's operator",
		"something-new":             "something-new",
	} {
		assert.Equal(t, want, r.String())
	}
}
