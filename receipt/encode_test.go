package receipt

import (
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendDeliverSecureResponse(t *testing.T) {
	t.Parallel()
	res := &DeliveryResult{TransID: "T&1", Statuses: []DeliveryStatus{{RecipientID: testPerson, Delivered: true}, {RecipientID: testOrg.RecipientID()}}}
	b, err := AppendDeliverSecureResponse([]byte("x"), res)
	require.NoError(t, err)
	const svc3, svc = message.NSServiceV3, message.NSService
	want := `x<deliverSecureResponse xmlns="` + svc3 + `"><return><TransId xmlns="` + svc + `">T&amp;1</TransId>` +
		`<Status xmlns="` + svc + `"><RecipientId>195303231855</RecipientId><Delivered>true</Delivered></Status>` +
		`<Status xmlns="` + svc + `"><RecipientId>162021004748</RecipientId><Delivered>false</Delivered></Status>` +
		`</return></deliverSecureResponse>`
	assert.Equal(t, want, string(b))
	assert.NotContains(t, string(b), "xmlns:", "prefix-free")

	conformance.ValidateXSD(t, conformance.ServiceXSD, b[1:])
	back, err := ParseDeliverSecureResponse(b[1:])
	require.NoError(t, err)
	assert.Equal(t, res, back)
}

func TestAppendNotifyResponse(t *testing.T) {
	t.Parallel()
	res := &NotifyResult{TransID: "N1", Statuses: []NotifyStatus{
		{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{NotifiedEMail, NotifiedSMS}},
		{RecipientID: testPerson2},
	}}
	b, err := AppendNotifyResponse(nil, res)
	require.NoError(t, err)
	const svc3, nf3 = message.NSServiceV3, message.NSNotificationV3
	want := `<notifyResponse xmlns="` + svc3 + `"><return><TransId xmlns="` + nf3 + `">N1</TransId>` +
		`<Status xmlns="` + nf3 + `"><RecipientId>195303231855</RecipientId><DeliveryStatus><DeliveredFlag>true</DeliveredFlag>` +
		`<NotifiedByChannel>EMail</NotifiedByChannel><NotifiedByChannel>SMS</NotifiedByChannel></DeliveryStatus></Status>` +
		`<Status xmlns="` + nf3 + `"><RecipientId>198101052382</RecipientId><DeliveryStatus><DeliveredFlag>false</DeliveredFlag></DeliveryStatus></Status>` +
		`</return></notifyResponse>`
	assert.Equal(t, want, string(b))

	conformance.ValidateXSD(t, conformance.ServiceXSD, b)
	back, err := ParseNotifyResponse(b)
	require.NoError(t, err)
	assert.Equal(t, res, back)
}

func TestAppendRefusesWhatTheSchemaWouldNot(t *testing.T) {
	t.Parallel()
	ok := DeliveryStatus{RecipientID: testPerson, Delivered: true}
	tests := []struct {
		name    string
		deliver *DeliveryResult
		notify  *NotifyResult
		want    string
	}{
		{name: "nil", want: "result is nil"},
		{name: "no status", deliver: &DeliveryResult{TransID: "T"}, want: "at least one status"},
		{name: "control character", deliver: &DeliveryResult{TransID: "T\x01", Statuses: []DeliveryStatus{ok}}, want: "TransID holds characters XML cannot carry"},
		{name: "invalid UTF-8", deliver: &DeliveryResult{TransID: "T\xff", Statuses: []DeliveryStatus{ok}}, want: "TransID holds characters"},
		{name: "bad recipient", deliver: &DeliveryResult{TransID: "T", Statuses: []DeliveryStatus{{RecipientID: "195313231855"}}}, want: "Statuses[0].RecipientID is not a 12-digit identity (got 19531323****)"},
		{name: "channels when not delivered", notify: &NotifyResult{TransID: "T", Statuses: []NotifyStatus{{RecipientID: testPerson, NotifiedBy: []string{"SMS"}}}}, want: "only when delivered"},
		{name: "three channels", notify: &NotifyResult{TransID: "T", Statuses: []NotifyStatus{{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"SMS", "EMail", "SMS"}}}}, want: "at most two"},
		{name: "unknown channel", notify: &NotifyResult{TransID: "T", Statuses: []NotifyStatus{{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"Fax"}}}}, want: `"Fax" is not SMS or EMail`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b []byte
			var err error
			if tt.notify != nil {
				b, err = AppendNotifyResponse([]byte("keep"), tt.notify)
			} else {
				b, err = AppendDeliverSecureResponse([]byte("keep"), tt.deliver)
			}
			assert.ErrorIs(t, err, ErrUnwritable)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, "keep", string(b), "dst is returned unchanged")
			assert.False(t, strings.Contains(err.Error(), "195313231855"))
		})
	}
}
