package far_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every outcome of Decide that the fake can produce, through the real
// client and the real protocol.
func TestIsReachableDecisions(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	add(t, infra, alice, fakeinfra.Mailbox("kivra"))
	add(t, infra, bob, fakeinfra.NoMailbox())
	add(t, infra, carl, fakeinfra.Mailbox("billo"), fakeinfra.Pending())
	add(t, infra, dora, fakeinfra.Mailbox("fortnox"), fakeinfra.Rejects(sender))
	unknown := syntheticIDs(1)[0] // never added: FaR knows nothing of them

	kivra, ok := infra.Operator("kivra")
	require.True(t, ok)
	tests := []struct {
		name     string
		id       message.RecipientID
		want     far.Decision
		typ      far.AccountType
		operator string // "" when FaR names none
	}{
		{"mailbox, sender accepted", alice, far.Decision{Digital: true, Operator: &kivra}, far.Secure, "kivra"},
		{"no mailbox", bob, far.Decision{Reason: message.PaperNoMailbox}, far.NoAccount, ""},
		{"registration pending", carl, far.Decision{Reason: message.PaperAccountPending}, far.Secure, "billo"},
		{"sender turned away", dora, far.Decision{Reason: message.PaperSenderNotAccepted}, far.Secure, "fortnox"},
		{"unknown to FaR", unknown, far.Decision{Reason: message.PaperNoMailbox}, far.NoAccount, ""},
	}
	ids := make([]message.RecipientID, len(tests))
	for k, tt := range tests {
		ids[k] = tt.id
	}
	got, err := c.IsReachable(context.Background(), sender, ids...)
	require.NoError(t, err)
	require.Len(t, got, len(tests))
	assert.Equal(t, 1, infra.Requests(fakeinfra.EndpointRecipient), "five recipients go in one call")
	for k, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := got[k]
			assert.Equal(t, tt.id, r.Recipient)
			assert.Equal(t, tt.typ, r.Type)
			assert.Equal(t, tt.want, r.Decide())
			if tt.operator == "" {
				assert.Nil(t, r.Operator)
				assert.True(t, r.LastRegistration.IsZero())
				return
			}
			want, _ := infra.Operator(tt.operator)
			require.NotNil(t, r.Operator)
			assert.Equal(t, want, *r.Operator)
			assert.Equal(t, infra.OperatorURL(tt.operator), r.Operator.ServiceAddress)
			assert.WithinDuration(t, infra.Now().Add(-24*time.Hour), r.LastRegistration, 2*time.Second)
		})
	}
}

// Each account type FaR can report reaches the caller as it was sent, and
// only "Not" alone sends the message to paper.
func TestAccountTypes(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	tests := []struct {
		typ     far.AccountType
		digital bool
	}{
		{far.Secure, true},
		{far.Anonymous, true},
		{far.NoAccount, false},
	}
	for k, tt := range tests {
		id := []message.RecipientID{alice, bob, carl}[k]
		add(t, infra, id, fakeinfra.Mailbox("kivra"), fakeinfra.AccountType(tt.typ))
		t.Run(string(tt.typ), func(t *testing.T) {
			got, err := c.IsReachable(context.Background(), sender, id)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tt.typ, got[0].Type)
			assert.Equal(t, tt.digital, got[0].Decide().Digital)
			reg, err := c.IsRegistered(context.Background(), id)
			require.NoError(t, err)
			require.Len(t, reg, 1)
			assert.Equal(t, tt.typ, reg[0].Type)
		})
	}
}

// 2,500 recipients take three calls (1000 + 1000 + 500), whatever the
// parallelism, and the answers come back in the order asked.
func TestIsReachableBatches(t *testing.T) {
	t.Parallel()
	for _, parallel := range []int{1, 4} {
		t.Run(fmt.Sprintf("parallel %d", parallel), func(t *testing.T) {
			t.Parallel()
			infra, c := newFake(t, func(cfg *far.Config) { cfg.Parallel = parallel })
			ids := syntheticIDs(2500)
			for k := 0; k < len(ids); k += 7 {
				add(t, infra, ids[k], fakeinfra.Mailbox("kivra"))
			}
			got, err := c.IsReachable(context.Background(), sender, ids...)
			require.NoError(t, err)
			assert.Equal(t, 3, infra.Requests(fakeinfra.EndpointRecipient))
			require.Len(t, got, len(ids))
			for k, r := range got {
				require.Equal(t, ids[k], r.Recipient, "answer %d", k)
				require.Equal(t, k%7 == 0, r.Decide().Digital, "answer %d", k)
			}
		})
	}
}

// A smaller BatchSize splits accordingly.
func TestBatchSize(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t, func(cfg *far.Config) { cfg.BatchSize = 2 })
	ids := []message.RecipientID{alice, bob, carl, dora, alice}
	got, err := c.IsReachable(context.Background(), sender, ids...)
	require.NoError(t, err)
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointRecipient), "four distinct ids, two per call")
	assert.Equal(t, ids, recipients(got))
	reg, err := c.IsRegistered(context.Background(), ids...)
	require.NoError(t, err)
	assert.Equal(t, 4, infra.Requests(fakeinfra.EndpointRecipient))
	assert.Len(t, reg, len(ids))
}

// Repeated identities are asked once; every position of the input gets its
// answer, repeats included.
func TestDuplicatesAskedOnce(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t, func(cfg *far.Config) { cfg.BatchSize = 3 })
	add(t, infra, alice, fakeinfra.Mailbox("kivra"))
	add(t, infra, carl, fakeinfra.Mailbox("billo"), fakeinfra.Pending())
	ids := []message.RecipientID{alice, bob, alice, carl, bob, alice}
	got, err := c.IsReachable(context.Background(), sender, ids...)
	require.NoError(t, err)
	assert.Equal(t, 1, infra.Requests(fakeinfra.EndpointRecipient), "three distinct ids fit one call of three")
	require.Equal(t, ids, recipients(got))
	assert.Equal(t, []message.PaperReason{"", message.PaperNoMailbox, "", message.PaperAccountPending, message.PaperNoMailbox, ""}, reasons(got))
	assert.Equal(t, got[0], got[2])
	assert.Equal(t, got[0], got[5])

	// A thousand copies of one id are one recipient in one call.
	many := make([]message.RecipientID, 3000)
	for k := range many {
		many[k] = []message.RecipientID{alice, bob}[k%2]
	}
	got, err = c.IsReachable(context.Background(), sender, many...)
	require.NoError(t, err)
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointRecipient))
	assert.Equal(t, many, recipients(got))
}

func TestEmptyLookupMakesNoCall(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	got, err := c.IsReachable(context.Background(), sender)
	require.NoError(t, err)
	assert.Empty(t, got)
	reg, err := c.IsRegistered(context.Background())
	require.NoError(t, err)
	assert.Empty(t, reg)
	assert.Equal(t, 0, infra.Requests(fakeinfra.EndpointRecipient))
}

// Invalid input is refused before any call, with an error that names the
// position and never the whole number.
func TestInvalidInput(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	tests := []struct {
		name   string
		sender message.OrgNumber
		ids    []message.RecipientID
		want   string
	}{
		{"bad check digit", sender, []message.RecipientID{alice, "195303231856"}, "recipient 2 (19530323****) is not a valid identity"},
		{"people's form", sender, []message.RecipientID{"530323-1855"}, "recipient 1"},
		{"empty id", sender, []message.RecipientID{""}, "recipient 1"},
		{"sender not an organisation", message.OrgNumber(alice), []message.RecipientID{bob}, `sender "19530323****" is not an organisation number`},
		{"sender empty", "", []message.RecipientID{bob}, `sender ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.IsReachable(context.Background(), tt.sender, tt.ids...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "195303231856")
			assert.NotContains(t, err.Error(), string(alice))
		})
	}
	_, err := c.IsRegistered(context.Background(), alice, "19530323185")
	require.ErrorIs(t, err, message.ErrInvalidID)
	assert.Equal(t, 0, infra.Requests(fakeinfra.EndpointRecipient))
}

func TestIsRegistered(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	add(t, infra, alice, fakeinfra.Mailbox("kivra"), fakeinfra.Rejects(sender))
	add(t, infra, carl, fakeinfra.Mailbox("billo"), fakeinfra.Pending())
	got, err := c.IsRegistered(context.Background(), carl, alice, bob, alice)
	require.NoError(t, err)
	require.Len(t, got, 4)
	assert.Equal(t, 1, infra.Requests(fakeinfra.EndpointRecipient))
	billo, _ := infra.Operator("billo")
	kivra, _ := infra.Operator("kivra")
	assert.Equal(t, far.Account{Recipient: carl, Type: far.Secure, Pending: true, Operator: &billo, LastRegistration: got[0].LastRegistration}, got[0])
	assert.Equal(t, far.Account{Recipient: alice, Type: far.Secure, Operator: &kivra, LastRegistration: got[1].LastRegistration}, got[1],
		"a sender's rejection does not show in isRegistered")
	assert.Equal(t, far.Account{Recipient: bob, Type: far.NoAccount}, got[2])
	assert.Equal(t, got[1], got[3])
	assert.False(t, got[0].LastRegistration.IsZero())
}

func TestSendersAndDispatchers(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t)
	_, err := infra.AddSender(string(otherSender), "Kommun B")
	require.NoError(t, err)
	_, err = infra.AddIntermediary(string(broker), "Förmedlare AB", otherSender, sender)
	require.NoError(t, err)

	senders, err := c.Senders(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []far.RegisteredSender{{ID: sender, Name: "Kommun A"}, {ID: otherSender, Name: "Kommun B"}}, senders)

	disp, err := c.Dispatchers(context.Background())
	require.NoError(t, err)
	require.Len(t, disp, 1)
	assert.Equal(t, far.Dispatcher{ID: broker, Name: "Förmedlare AB", Senders: []message.OrgNumber{sender, otherSender}}, disp[0])
	assert.True(t, disp[0].MaySignFor(otherSender))
	assert.False(t, disp[0].MaySignFor("162021006883"))
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointAuthority))
	assert.Equal(t, 0, infra.Requests(fakeinfra.EndpointRecipient))
}

// A fake with no intermediaries answers an empty list, not an error.
func TestDispatchersEmpty(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	disp, err := c.Dispatchers(context.Background())
	require.NoError(t, err)
	assert.Empty(t, disp)
}

// Without an Authority endpoint the Authority calls fail with ErrConfig
// and make no call; the Recipient calls still work.
func TestNoAuthorityEndpoint(t *testing.T) {
	t.Parallel()
	infra, c := newFake(t, func(cfg *far.Config) { cfg.Endpoints.Authority = "" })
	_, err := c.Senders(context.Background())
	require.ErrorIs(t, err, far.ErrConfig)
	assert.Contains(t, err.Error(), "getSenders")
	_, err = c.Dispatchers(context.Background())
	require.ErrorIs(t, err, far.ErrConfig)
	assert.Equal(t, 0, infra.Requests(fakeinfra.EndpointAuthority))
	got, err := c.IsReachable(context.Background(), sender, alice)
	require.NoError(t, err)
	assert.Len(t, got, 1)
}

// An intermediary asks on behalf of the senders it is approved for, and
// FaR refuses the others with 5002, which is not retried.
func TestIntermediaryAsksForItsSenders(t *testing.T) {
	t.Parallel()
	infra := fakeinfra.Start(t)
	_, err := infra.AddSender(string(otherSender), "Kommun B")
	require.NoError(t, err)
	leaf, err := infra.Issue(broker, "Förmedlare AB")
	require.NoError(t, err)
	_, err = infra.AddIntermediary(string(broker), "Förmedlare AB", otherSender)
	require.NoError(t, err)
	c := connect(t, infra, mtlsClient(t, leaf, infra))
	add(t, infra, alice, fakeinfra.Mailbox("kivra"))

	got, err := c.IsReachable(context.Background(), otherSender, alice)
	require.NoError(t, err)
	assert.True(t, got[0].Decide().Digital)
	_, err = c.IsReachable(context.Background(), sender, alice)
	assert.Equal(t, 5002, faultCode(t, err))
	assert.Equal(t, 2, infra.Requests(fakeinfra.EndpointRecipient))
}

func recipients(rs []far.Reachability) []message.RecipientID {
	out := make([]message.RecipientID, len(rs))
	for k, r := range rs {
		out[k] = r.Recipient
	}
	return out
}

func reasons(rs []far.Reachability) []message.PaperReason {
	out := make([]message.PaperReason, len(rs))
	for k, r := range rs {
		out[k] = r.Decide().Reason
	}
	return out
}
