package mm_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/avsandare/mm"
	"github.com/avsandare/mm/far"
	"github.com/avsandare/mm/forward"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/paperdir"
	"github.com/avsandare/mm/receipt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One concept, one type: every package that speaks of a paper reason or a
// mailbox operator uses message.PaperReason and message.Operator, so
// nothing converts between vocabularies by hand.
func TestOneTypePerConcept(t *testing.T) {
	t.Parallel()
	reason, operator := reflect.TypeFor[message.PaperReason](), reflect.TypeFor[message.Operator]()
	field := func(v any, name string) reflect.Type {
		f, ok := reflect.TypeOf(v).FieldByName(name)
		require.True(t, ok, "%T.%s", v, name)
		return f.Type
	}
	for what, got := range map[string]reflect.Type{
		"far.Decision.Reason":    field(far.Decision{}, "Reason"),
		"receipt.Receipt":        field(receipt.Receipt{}, "PaperReason"),
		"journal.Entry":          field(journal.Entry{}, "PaperReason"),
		"paperdir.Manifest":      field(paperdir.Manifest{}, "Reason"),
		"mm.Event":               field(mm.Event{}, "PaperReason"),
		"mm.PaperMail.SendPaper": param(t, reflect.TypeFor[mm.PaperMail](), "SendPaper", 2),
		"mm.Sender.Paper":        param(t, reflect.TypeFor[*mm.Sender](), "Paper", 3),
		"message.PaperReasons()": reflect.TypeOf(message.PaperReasons()).Elem(),
	} {
		assert.Equal(t, reason, got, what)
	}
	for what, got := range map[string]reflect.Type{
		"far.Account.Operator":   field(far.Account{}, "Operator").Elem(),
		"far.Decision.Operator":  field(far.Decision{}, "Operator").Elem(),
		"receipt.Receipt":        field(receipt.Receipt{}, "Operator"),
		"receipt.Attempt":        field(receipt.Attempt{}, "Operator"),
		"journal.Entry":          field(journal.Entry{}, "Operator"),
		"forward.Client.Deliver": param(t, reflect.TypeFor[*forward.Client](), "Deliver", 2),
		"forward.Client.Notify":  param(t, reflect.TypeFor[*forward.Client](), "Notify", 2),
		"mm.Sender.Deliver":      param(t, reflect.TypeFor[*mm.Sender](), "Deliver", 3),
	} {
		assert.Equal(t, operator, got, what)
	}
}

// param is the type of parameter i of typ's method name; for a concrete
// type parameter 0 is the receiver, for an interface the first argument.
func param(t *testing.T, typ reflect.Type, name string, i int) reflect.Type {
	t.Helper()
	m, ok := typ.MethodByName(name)
	require.True(t, ok, "%s.%s", typ, name)
	return m.Type.In(i)
}

// Every paper reason and the operator's identity survive each stored form
// that carries them: the receipt's JSON (proof bundles), the journal's
// stored entry, and the paper manifest.
func TestVocabularyRoundTrips(t *testing.T) {
	t.Parallel()
	op := message.Operator{ID: "165568402266", Name: "Kivra", ServiceAddress: "https://kivra.example/service/v3"}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	paper, err := paperdir.New(t.TempDir(), paperdir.Config{Now: func() time.Time { return at }})
	require.NoError(t, err)
	defer paper.Close()
	for i, why := range message.PaperReasons() {
		require.True(t, why.Valid())
		m := newMessage(alice)
		m.ID = "3f2b1c9e-8d7a-4e6f-9b5c-00000000000" + string(rune('0'+i))
		m.SetDefaults()
		a := receipt.Attempt{MessageID: m.ID, Sender: "162021004748", Recipient: m.Recipient, Operator: op.Identity(), At: at}

		r := receipt.NewPaper(a, why)
		b, err := json.Marshal(r.WithFullIDs())
		require.NoError(t, err)
		var back receipt.Receipt
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, why, back.PaperReason, "receipt JSON")
		assert.Equal(t, op.Identity(), back.Operator, "receipt JSON")

		e := journal.Entry{Mailing: "m", MessageID: m.ID, Recipient: m.Recipient, State: journal.Paper,
			Channel: receipt.Paper, PaperReason: why, Operator: op.Identity(), Receipt: r}
		st, err := journal.Store(&e)
		require.NoError(t, err)
		got, err := st.Entry()
		require.NoError(t, err)
		assert.Equal(t, why, got.PaperReason, "journal")
		assert.Equal(t, op.Identity(), got.Operator, "journal")
		assert.Equal(t, why, got.Receipt.PaperReason, "journal's receipt")

		require.NoError(t, paper.SendPaper(context.Background(), m, why))
		man, err := paper.Manifest(m.ID)
		require.NoError(t, err)
		assert.Equal(t, why, man.Reason, "paper manifest")
		assert.Equal(t, why.String(), man.ReasonText)
	}
	assert.Equal(t, message.Operator{ID: op.ID, Name: op.Name}, op.Identity(), "receipts and journals keep who, not where")
}
