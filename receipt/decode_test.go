package receipt

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeRealSample reads the operator's real answer the way the SOAP
// layer will hand it over: decoder positioned after the payload's start tag.
func TestDecodeRealSample(t *testing.T) {
	t.Parallel()
	doc := conformance.Sample(t, "deliverSecureResponse.xml")
	d, start, err := soapPayload(doc)
	require.NoError(t, err)
	assert.Equal(t, xml.Name{Space: message.NSServiceV3, Local: "deliverSecureResponse"}, start.Name)
	res, err := DecodeDeliverSecureResponse(d, start)
	require.NoError(t, err)
	assert.Equal(t, "3832352f-fa74-4c17-ab6a-a6e3ab8324f3", res.TransID)
	require.Len(t, res.Statuses, 1)
	assert.Equal(t, message.RecipientID("192301010168"), res.Statuses[0].RecipientID)
	assert.True(t, res.Statuses[0].Delivered)

	// The answer is for the recipient asked about, and no other.
	r, err := FromDeliveryResult(Attempt{MessageID: "m", Recipient: "192301010168", At: testAt}, res)
	require.NoError(t, err)
	assert.Equal(t, StateDelivered, r.State)
	assert.Equal(t, "3832352f-fa74-4c17-ab6a-a6e3ab8324f3", r.TransID)
	_, err = FromDeliveryResult(Attempt{MessageID: "m", Recipient: testPerson}, res)
	assert.ErrorIs(t, err, ErrWrongRecipient)

	// The decoder is left after the payload: next come the Body's and the
	// Envelope's end tags.
	for _, want := range []string{"Body", "Envelope"} {
		var end xml.EndElement
		for {
			tok, err := d.Token()
			require.NoError(t, err)
			if e, ok := tok.(xml.EndElement); ok {
				end = e
				break
			}
		}
		assert.Equal(t, want, end.Name.Local)
	}
}

func TestParseDeliverSecureResponse(t *testing.T) {
	t.Parallel()
	const svc3, svc = message.NSServiceV3, message.NSService
	tests := []struct {
		name      string
		doc       string
		transID   string
		ids       []message.RecipientID
		delivered []bool
	}{
		{
			name: "prefix-free, as the writer writes it",
			doc: `<deliverSecureResponse xmlns="` + svc3 + `"><return><TransId xmlns="` + svc + `">T1</TransId>` +
				`<Status xmlns="` + svc + `"><RecipientId>195303231855</RecipientId><Delivered>false</Delivered></Status></return></deliverSecureResponse>`,
			transID: "T1", ids: []message.RecipientID{testPerson}, delivered: []bool{false},
		},
		{
			name: "prefixed, with declaration, comments and whitespace",
			doc: "<?xml version=\"1.0\"?>\n<!-- answer --><a:deliverSecureResponse xmlns:a=\"" + svc3 + "\" xmlns:b=\"" + svc + "\">\n" +
				"  <a:return><b:TransId> T2 </b:TransId><!-- c --><b:Status><b:RecipientId> 195303231855 </b:RecipientId>" +
				"<b:Delivered> 1 </b:Delivered></b:Status>\n<b:Status><b:RecipientId>198101052382</b:RecipientId><b:Delivered>0</b:Delivered></b:Status></a:return></a:deliverSecureResponse>\n",
			transID: " T2 ", ids: []message.RecipientID{testPerson, testPerson2}, delivered: []bool{true, false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := ParseDeliverSecureResponse([]byte(tt.doc))
			require.NoError(t, err)
			assert.Equal(t, tt.transID, res.TransID)
			require.Len(t, res.Statuses, len(tt.ids))
			for i := range tt.ids {
				assert.Equal(t, tt.ids[i], res.Statuses[i].RecipientID)
				assert.Equal(t, tt.delivered[i], res.Statuses[i].Delivered)
			}
		})
	}
}

func TestParseNotifyResponse(t *testing.T) {
	t.Parallel()
	const svc3, nf3 = message.NSServiceV3, message.NSNotificationV3
	doc := `<x:notifyResponse xmlns:x="` + svc3 + `" xmlns:n="` + nf3 + `"><x:return><n:TransId>N1</n:TransId>` +
		`<n:Status><n:RecipientId>195303231855</n:RecipientId><n:DeliveryStatus><n:DeliveredFlag>true</n:DeliveredFlag>` +
		`<n:NotifiedByChannel>SMS</n:NotifiedByChannel><n:NotifiedByChannel>EMail</n:NotifiedByChannel></n:DeliveryStatus></n:Status>` +
		`</x:return></x:notifyResponse>`
	res, err := ParseNotifyResponse([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, "N1", res.TransID)
	require.Len(t, res.Statuses, 1)
	assert.Equal(t, NotifyStatus{RecipientID: testPerson, Delivered: true, NotifiedBy: []string{"SMS", "EMail"}}, res.Statuses[0])

	// No channels: an undelivered notification.
	doc = strings.Replace(doc, `<n:NotifiedByChannel>SMS</n:NotifiedByChannel><n:NotifiedByChannel>EMail</n:NotifiedByChannel>`, "", 1)
	doc = strings.Replace(doc, ">true<", ">false<", 1)
	res, err = ParseNotifyResponse([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, NotifyStatus{RecipientID: testPerson}, res.Statuses[0])
}

func TestParseRefusesMalformed(t *testing.T) {
	t.Parallel()
	const svc3, svc, nf3 = message.NSServiceV3, message.NSService, message.NSNotificationV3
	status := `<Status xmlns="` + svc + `"><RecipientId>195303231855</RecipientId><Delivered>true</Delivered></Status>`
	dsr := func(inner string) string {
		return `<deliverSecureResponse xmlns="` + svc3 + `"><return><TransId xmlns="` + svc + `">T</TransId>` + inner + `</return></deliverSecureResponse>`
	}
	nst := func(channels string) string {
		return `<notifyResponse xmlns="` + svc3 + `"><return><TransId xmlns="` + nf3 + `">T</TransId><Status xmlns="` + nf3 + `">` +
			`<RecipientId>195303231855</RecipientId><DeliveryStatus><DeliveredFlag>true</DeliveredFlag>` + channels + `</DeliveryStatus></Status></return></notifyResponse>`
	}
	ch := func(v string) string { return `<NotifiedByChannel>` + v + `</NotifiedByChannel>` }
	tests := []struct {
		name, doc, where string
		notify           bool
	}{
		{name: "no status", doc: dsr(""), where: "want element Status"},
		{name: "wrong root namespace", doc: strings.Replace(dsr(status), svc3, "urn:other", 1), where: "want element deliverSecureResponse"},
		{name: "wrong root", doc: `<notifyResponse xmlns="` + svc3 + `"/>`, where: "want element deliverSecureResponse"},
		{name: "children in the wrapper's namespace", doc: strings.ReplaceAll(dsr(status), `xmlns="`+svc+`"`, ""), where: "want element TransId"},
		{name: "bad boolean", doc: dsr(strings.Replace(status, ">true<", ">yes<", 1)), where: "/deliverSecureResponse/return/Status/Delivered: want true or false"},
		{name: "short recipient", doc: dsr(strings.Replace(status, "195303231855", "19530323185", 1)), where: "RecipientId: want 12 digits"},
		{name: "letters in recipient", doc: dsr(strings.Replace(status, "195303231855", "19530323185x", 1)), where: "want 12 digits"},
		{name: "missing Delivered", doc: dsr(strings.Replace(status, "<Delivered>true</Delivered>", "", 1)), where: "want element Delivered"},
		{name: "unknown element", doc: dsr(status + `<Extra/>`), where: "unexpected element Extra"},
		{name: "stray text", doc: dsr(status + `oops`), where: "unexpected text"},
		{name: "element in leaf", doc: strings.Replace(dsr(status), ">T<", "><b/><", 1), where: "element b where only text belongs"},
		{name: "truncated", doc: dsr(status)[:200], where: "unexpected EOF"},
		{name: "DTD", doc: `<!DOCTYPE x [<!ENTITY a "b">]>` + dsr(status), where: "directives"},
		{name: "unknown entity", doc: strings.Replace(dsr(status), ">T<", ">&a;<", 1), where: "entity"},
		{name: "content after root", doc: dsr(status) + `<x/>`, where: "content after the root element"},
		{name: "text after root", doc: dsr(status) + `x`, where: "text after the root element"},
		{name: "long TransId", doc: strings.Replace(dsr(status), ">T<", ">"+strings.Repeat("t", maxLeafText+1)+"<", 1), where: "longer than 1024 bytes"},
		{name: "too many statuses", doc: dsr(strings.Repeat(status, maxStatuses+1)), where: "more than 1000 statuses"},
		{name: "unknown channel", doc: nst(ch("Fax")), notify: true, where: `want SMS or EMail, got "Fax"`},
		{name: "three channels", doc: nst(ch("SMS") + ch("EMail") + ch("SMS")), notify: true, where: "more than two NotifiedByChannel"},
		{name: "notify missing DeliveryStatus", doc: strings.Replace(nst(""), "<DeliveryStatus><DeliveredFlag>true</DeliveredFlag></DeliveryStatus>", "", 1), notify: true, where: "want element DeliveryStatus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.notify {
				_, err = ParseNotifyResponse([]byte(tt.doc))
			} else {
				_, err = ParseDeliverSecureResponse([]byte(tt.doc))
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrMalformed)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, err.Error(), tt.where)
			assert.NotContains(t, err.Error(), "195303231855", "errors never carry a whole personal number")
		})
	}
}

func TestParseErrorNeverShowsNumber(t *testing.T) {
	t.Parallel()
	// A 13-digit typo of a personal number must not appear in the error.
	doc := `<deliverSecureResponse xmlns="` + message.NSServiceV3 + `"><return><TransId xmlns="` + message.NSService + `">T</TransId>` +
		`<Status xmlns="` + message.NSService + `"><RecipientId>1953032318551</RecipientId><Delivered>true</Delivered></Status></return></deliverSecureResponse>`
	_, err := ParseDeliverSecureResponse([]byte(doc))
	require.Error(t, err)
	assert.Equal(t, "malformed answer: at /deliverSecureResponse/return/Status/RecipientId: want 12 digits", err.Error())
}

func TestSoapPayloadSkipsHeaderAndRefusesFault(t *testing.T) {
	t.Parallel()
	withHeader := []byte(`<e:Envelope xmlns:e="` + message.NSSOAP + `"><e:Header><x:Sec xmlns:x="urn:x"><x:y/></x:Sec></e:Header><e:Body>` +
		`<p xmlns="urn:p"/></e:Body></e:Envelope>`)
	_, start, err := soapPayload(withHeader)
	require.NoError(t, err)
	assert.Equal(t, xml.Name{Space: "urn:p", Local: "p"}, start.Name)

	fault := []byte(soapOpen + `<soap:Fault><faultcode>soap:Server</faultcode><faultstring>x</faultstring></soap:Fault>` + soapClose)
	_, _, err = soapPayload(fault)
	assert.ErrorIs(t, err, ErrMalformed)
	assert.Contains(t, err.Error(), "SOAP fault")

	_, _, err = soapPayload(bytes.ReplaceAll(withHeader, []byte(message.NSSOAP), []byte("http://www.w3.org/2003/05/soap-envelope")))
	assert.ErrorContains(t, err, "want element Envelope in namespace "+message.NSSOAP)
}
