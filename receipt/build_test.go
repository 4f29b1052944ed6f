package receipt

import (
	"errors"
	"testing"
	"time"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromDeliveryResult(t *testing.T) {
	t.Parallel()
	req := []byte("request bytes")
	tests := []struct {
		name      string
		statuses  []DeliveryStatus
		state     State
		delivered bool
		err       error
	}{
		{name: "delivered", statuses: []DeliveryStatus{{testPerson, true}}, state: StateDelivered, delivered: true},
		{name: "declined", statuses: []DeliveryStatus{{testPerson, false}}, state: StateDeclined},
		{name: "repeated, agreeing", statuses: []DeliveryStatus{{testPerson, true}, {testPerson, true}}, state: StateDelivered, delivered: true},
		{name: "repeated, disagreeing", statuses: []DeliveryStatus{{testPerson, true}, {testPerson, false}}, err: ErrMalformed},
		{name: "other recipient", statuses: []DeliveryStatus{{testPerson2, true}}, err: ErrWrongRecipient},
		{name: "ours and another", statuses: []DeliveryStatus{{testPerson, true}, {testPerson2, true}}, err: ErrWrongRecipient},
		{name: "no status", err: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := FromDeliveryResult(testAttempt(req), &DeliveryResult{TransID: testTransID, Statuses: tt.statuses})
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				assert.Nil(t, r)
				if err != nil {
					assert.NotContains(t, err.Error(), string(testPerson2))
				}
				return
			}
			require.NoError(t, err)
			want := &Receipt{
				MessageID: testMsgID, Sender: testOrg, Recipient: testPerson, Class: 3,
				Channel: Digital, State: tt.state, Operator: testOperator, TransID: testTransID,
				Delivered: tt.delivered, SealedSHA256: RequestSHA256(req), At: testAt, Attempts: 1,
			}
			assert.Equal(t, want, r)
			assert.NoError(t, r.Validate())
		})
	}
}

func TestWrongRecipientErrorMasks(t *testing.T) {
	t.Parallel()
	_, err := FromDeliveryResult(testAttempt(nil), &DeliveryResult{TransID: "T", Statuses: []DeliveryStatus{{testPerson2, true}}})
	require.Error(t, err)
	assert.Equal(t, "answer is about another recipient: asked about 19530323****, answer is about 19810105****", err.Error())

	a := testAttempt(nil)
	a.Recipient = ""
	_, err = FromDeliveryResult(a, &DeliveryResult{TransID: "T", Statuses: []DeliveryStatus{{testPerson, true}}})
	assert.ErrorIs(t, err, ErrWrongRecipient)

	_, err = FromDeliveryResult(testAttempt(nil), nil)
	assert.EqualError(t, err, "delivery result is nil")
}

func TestFromNotifyResult(t *testing.T) {
	t.Parallel()
	a := testAttempt([]byte("n"))
	a.Class = 1
	r, err := FromNotifyResult(a, &NotifyResult{TransID: "N", Statuses: []NotifyStatus{{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"SMS"}}}})
	require.NoError(t, err)
	assert.Equal(t, Notification, r.Channel)
	assert.Equal(t, StateDelivered, r.State)
	assert.True(t, r.Delivered)
	assert.Equal(t, []string{"SMS"}, r.NotifiedBy)
	assert.Equal(t, "N", r.TransID)
	assert.Equal(t, RequestSHA256([]byte("n")), r.SealedSHA256)
	assert.NoError(t, r.Validate())

	r, err = FromNotifyResult(a, &NotifyResult{TransID: "N", Statuses: []NotifyStatus{{RecipientID: testPerson}}})
	require.NoError(t, err)
	assert.Equal(t, StateDeclined, r.State)
	assert.Nil(t, r.NotifiedBy)

	_, err = FromNotifyResult(a, &NotifyResult{TransID: "N", Statuses: []NotifyStatus{
		{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"SMS"}}, {RecipientID: testPerson, Delivered: true},
	}})
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = FromNotifyResult(a, &NotifyResult{TransID: "N", Statuses: []NotifyStatus{{RecipientID: testOrg.RecipientID()}}})
	assert.ErrorIs(t, err, ErrWrongRecipient)
	_, err = FromNotifyResult(a, nil)
	assert.EqualError(t, err, "notify result is nil")
}

func TestOtherOutcomes(t *testing.T) {
	t.Parallel()
	a := testAttempt(nil)
	p := NewPaper(a, "no-mailbox")
	assert.Equal(t, Paper, p.Channel)
	assert.Equal(t, StatePaper, p.State)
	assert.Equal(t, message.PaperNoMailbox, p.PaperReason)
	assert.Empty(t, p.SealedSHA256, "nothing was sent")
	assert.NoError(t, p.Validate())

	f := NewFailed(a, None, errors.New("Subject: required"))
	assert.Equal(t, None, f.Channel)
	assert.Equal(t, StateFailed, f.State)
	assert.Equal(t, "Subject: required", f.Problem)
	assert.NoError(t, f.Validate())

	a.Request = []byte("sent")
	u := NewUnknown(a, Digital, errors.New("read timeout"))
	assert.Equal(t, StateUnknown, u.State)
	assert.Equal(t, "read timeout", u.Problem)
	assert.Equal(t, RequestSHA256([]byte("sent")), u.SealedSHA256)
	assert.False(t, u.Delivered)
	assert.NoError(t, u.Validate())

	a.At = time.Time{}
	before := time.Now()
	assert.False(t, NewFailed(a, Digital, nil).At.Before(before), "zero At means now")
	assert.Empty(t, NewFailed(a, Digital, nil).Problem)
}

func TestToPaper(t *testing.T) {
	t.Parallel()
	declined, err := FromDeliveryResult(testAttempt([]byte("r")), &DeliveryResult{TransID: testTransID, Statuses: []DeliveryStatus{{testPerson, false}}})
	require.NoError(t, err)
	later := testAt.Add(time.Minute)
	p, err := declined.ToPaper("operator-declined", later)
	require.NoError(t, err)
	assert.Equal(t, Paper, p.Channel)
	assert.Equal(t, StatePaper, p.State)
	assert.Equal(t, message.PaperOperatorDeclined, p.PaperReason)
	assert.Equal(t, later, p.At)
	assert.Equal(t, testTransID, p.TransID, "the decline stays as evidence")
	assert.Equal(t, testOperator, p.Operator)
	assert.Equal(t, declined.SealedSHA256, p.SealedSHA256)
	assert.Equal(t, StateDeclined, declined.State, "the original is unchanged")
	assert.NoError(t, p.Validate())

	for _, st := range []State{StateDelivered, StateUnknown, StateFailed, StatePaper} {
		r := *declined
		r.State = st
		_, err := r.ToPaper("operator-declined", later)
		assert.ErrorIs(t, err, ErrInconsistent, st)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := Receipt{MessageID: "m", Recipient: testPerson, Channel: Digital, State: StateDelivered, Delivered: true}
	tests := []struct {
		name   string
		change func(*Receipt)
		want   string
	}{
		{"valid", func(*Receipt) {}, ""},
		{"unknown channel", func(r *Receipt) { r.Channel = "fax" }, `unknown channel "fax"`},
		{"unknown state", func(r *Receipt) { r.State = "lost" }, `unknown state "lost"`},
		{"no message ID", func(r *Receipt) { r.MessageID = "" }, "message ID is empty"},
		{"delivered flag off", func(r *Receipt) { r.Delivered = false }, "delivered flag false in state delivered"},
		{"paper channel, delivered state", func(r *Receipt) { r.Channel = Paper }, "state delivered on channel paper"},
		{"paper state, digital channel", func(r *Receipt) { r.State, r.Delivered, r.PaperReason = StatePaper, false, "x" }, "state paper on channel digital"},
		{"none but unknown", func(r *Receipt) { r.Channel, r.State, r.Delivered = None, StateUnknown, false }, "state unknown on channel none"},
		{"paper without reason", func(r *Receipt) { r.Channel, r.State, r.Delivered = Paper, StatePaper, false }, "paper receipt without a reason"},
		{"reason off paper", func(r *Receipt) { r.PaperReason = "x" }, "paper reason in state delivered"},
		{"notified by on digital", func(r *Receipt) { r.NotifiedBy = []string{"SMS"} }, "notified-by channels on an undelivered or non-notification receipt"},
		{"bad class", func(r *Receipt) { r.Class = 4 }, "class 4 is not 1, 2 or 3"},
		{"negative attempts", func(r *Receipt) { r.Attempts = -1 }, "attempts -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := good
			tt.change(&r)
			err := r.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrInconsistent)
			assert.EqualError(t, err, "inconsistent receipt: "+tt.want)
		})
	}
}

func TestRequestSHA256(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", RequestSHA256(nil))
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RequestSHA256([]byte("abc")))
}

func TestDigitalChannel(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Notification, DigitalChannel(securityclass.Class1))
	assert.Equal(t, Digital, DigitalChannel(securityclass.Class2))
	assert.Equal(t, Digital, DigitalChannel(securityclass.Class3))
	assert.Equal(t, Digital, DigitalChannel(0), "unset means class 3")
}
