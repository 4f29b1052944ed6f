package far_test

import (
	"testing"

	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	op := func(address string) *message.Operator {
		return &message.Operator{ID: "165568402266", Name: "Kivra", ServiceAddress: address}
	}
	reach := func(typ far.AccountType, pending, accepted bool, o *message.Operator) far.Reachability {
		return far.Reachability{Account: far.Account{Recipient: alice, Type: typ, Pending: pending, Operator: o}, SenderAccepted: accepted}
	}
	kivra := op("https://mm.kivra.example/service/v3")
	tests := []struct {
		name string
		r    far.Reachability
		want message.PaperReason // "" for digital
	}{
		{"secure, accepted, https", reach(far.Secure, false, true, kivra), ""},
		{"anonymous is an account too", reach(far.Anonymous, false, true, kivra), ""},
		{"no account", reach(far.NoAccount, false, true, kivra), message.PaperNoMailbox},
		{"type missing", reach("", false, true, kivra), message.PaperNoMailbox},
		{"pending", reach(far.Secure, true, true, kivra), message.PaperAccountPending},
		{"not accepted", reach(far.Secure, false, false, kivra), message.PaperSenderNotAccepted},
		{"no operator", reach(far.Secure, false, true, nil), message.PaperNoUsableAddress},
		{"http address, as in the sample", reach(far.Secure, false, true, op("http://localhost:9090/deliversecure")), message.PaperNoUsableAddress},
		{"empty address", reach(far.Secure, false, true, op("")), message.PaperNoUsableAddress},
		{"no host", reach(far.Secure, false, true, op("https:///service/v3")), message.PaperNoUsableAddress},
		{"opaque", reach(far.Secure, false, true, op("https:mm.kivra.example")), message.PaperNoUsableAddress},
		{"user information", reach(far.Secure, false, true, op("https://user:pw@mm.kivra.example/")), message.PaperNoUsableAddress},
		{"relative", reach(far.Secure, false, true, op("/service/v3")), message.PaperNoUsableAddress},
		{"not a url", reach(far.Secure, false, true, op("https://[::1")), message.PaperNoUsableAddress},
		{"ftp", reach(far.Secure, false, true, op("ftp://mm.kivra.example/")), message.PaperNoUsableAddress},
		{"upper-case scheme", reach(far.Secure, false, true, op("HTTPS://mm.kivra.example/")), ""},
		{"white space around", reach(far.Secure, false, true, op(" https://mm.kivra.example/ ")), ""},
		// The order of the checks: the first reason that applies wins.
		{"no account beats pending", reach(far.NoAccount, true, false, nil), message.PaperNoMailbox},
		{"pending beats not accepted", reach(far.Secure, true, false, nil), message.PaperAccountPending},
		{"not accepted beats the address", reach(far.Secure, false, false, op("http://x")), message.PaperSenderNotAccepted},
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
