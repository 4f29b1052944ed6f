package message

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/securityclass"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "differs from %s (run with -update after checking)", path)
}

func testNotification() *Notification {
	m := validMessage()
	class1(m)
	m.Email = &EmailNotice{From: "noreply@kommun.example", Subject: "Nytt meddelande", Text: "Du har fått ett meddelande från Kommun A."}
	m.SMS = &SMSNotice{From: "Kommun A", Text: "Du har fått ett meddelande."}
	return &Notification{Sender: testSender(), Message: m}
}

func TestMarshalSignedDeliveryGolden(t *testing.T) {
	t.Parallel()
	b, err := NewDelivery(testSender(), richMessage()).MarshalSignedDelivery()
	require.NoError(t, err)
	golden(t, "signed-delivery.xml", b)
	// The prefix-free form: no element carries a prefix.
	assert.NotContains(t, string(b), "xmlns:")
	assert.True(t, bytes.HasPrefix(b, []byte(`<SignedDelivery xmlns="`+NSMessageV3+`"><Delivery><Header><Sender xmlns="`+NSMessageV2+`"><Id xmlns="`+NSSender+`">162021004748</Id><Name xmlns="`+NSSender+`">`)))
}

func TestMarshalNotificationGolden(t *testing.T) {
	t.Parallel()
	b, err := testNotification().MarshalNotification()
	require.NoError(t, err)
	golden(t, "notification.xml", b)
}

func TestMarshalEscapesAndEncodes(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Subject = `a & b < c > d "e" 'f'`
	b, err := NewDelivery(testSender(), m).MarshalSignedDelivery()
	require.NoError(t, err)
	assert.Contains(t, string(b), `<Subject>a &amp; b &lt; c &gt; d "e" 'f'</Subject>`)
	// Attachment checksum is the upper-case hex MD5 of the raw bytes.
	assert.Contains(t, string(b), `<Checksum xmlns="`+NSMessage+`">97B5BA987AE5C44042C4896D0C428CE3</Checksum>`)
	// The body is base64 of the UTF-8 text, once.
	assert.Contains(t, string(b), "SGVqISBEaXR0IGJ5Z2dsb3Ygw6RyIGJldmlsamF0ICYga2xhcnQgPG51Pi4NCk12aA==")
}

func TestMarshalRefusesInvalidAndUnsetID(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Subject = ""
	_, err := NewDelivery(testSender(), m).MarshalSignedDelivery()
	assert.ErrorIs(t, err, ErrInvalid)

	m = validMessage()
	m.ID = ""
	_, err = NewDelivery(testSender(), m).MarshalSignedDelivery()
	assert.ErrorIs(t, err, ErrNoID)
}

func TestDeliverySizeIsExact(t *testing.T) {
	t.Parallel()
	d := NewDelivery(testSender(), richMessage(), validMessage())
	d.Messages[1].ID = NewID()
	b, err := d.AppendDelivery([]byte("prefix"))
	require.NoError(t, err)
	assert.Equal(t, len(b)-len("prefix"), d.DeliverySize())
	full, err := d.MarshalSignedDelivery()
	require.NoError(t, err)
	assert.Equal(t, d.signedSize(), len(full))
	assert.Equal(t, cap(full), len(full), "buffer is sized exactly")
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	two := validMessage()
	two.ID = NewID()
	two.Attachments = nil
	two.Metadata = nil
	two.Support = SupportInfo{Text: "Ring oss"}
	two.Body.Text = "ä\r\n\tö & <x>"
	cases := map[string]*Delivery{
		"rich":           NewDelivery(testSender(), richMessage()),
		"two messages":   NewDelivery(testSender(), validMessage(), two),
		"minimal header": NewDelivery(testSender(), func() *Message { m := *two; m.Reference, m.CorrelationID, m.Attention = "", "", ""; return &m }()),
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := d.MarshalSignedDelivery()
			require.NoError(t, err)
			got, err := ParseSignedDelivery(b)
			require.NoError(t, err)
			for _, m := range d.Messages {
				m.Class = 0 // the wire does not carry class 2 versus 3
			}
			assert.Equal(t, d, got)
			again, err := got.MarshalSignedDelivery()
			require.NoError(t, err)
			assert.Equal(t, string(b), string(again))
		})
	}
}

func TestNotificationRoundTrip(t *testing.T) {
	t.Parallel()
	n := testNotification()
	b, err := n.MarshalNotification()
	require.NoError(t, err)
	got, err := ParseNotification(b)
	require.NoError(t, err)
	assert.Equal(t, n, got)
	assert.Equal(t, securityclass.Class1, got.Message.Class)
}

// Other implementations send prefixes, pretty-printing, comments and
// line-wrapped base64; the parser reads them to the same model.
func TestParseForeignForms(t *testing.T) {
	t.Parallel()
	d := NewDelivery(testSender(), richMessage())
	canonical, err := d.MarshalSignedDelivery()
	require.NoError(t, err)
	want, err := ParseSignedDelivery(canonical)
	require.NoError(t, err)

	prefixed := `<?xml version="1.0" encoding="UTF-8"?>
<!-- made elsewhere -->
<ns4:SignedDelivery xmlns:ns2="` + NSSender + `" xmlns:ns3="` + NSMessageV2 + `" xmlns:ns4="` + NSMessageV3 + `" xmlns:ns6="` + NSMessage + `" xmlns:om="` + NSOfficialMatterV3 + `">
  <ns4:Delivery>
    <ns4:Header>
      <ns3:Sender><ns2:Id>162021004748</ns2:Id><ns2:Name>Kommun A</ns2:Name></ns3:Sender>
      <ns3:Recipient>195303231855</ns3:Recipient>
      <ns3:Reference>KST-4711</ns3:Reference>
      <ns3:CorrelationId>ärende-2026-17</ns3:CorrelationId>
      <ns3:Attention>Bygglovsenheten</ns3:Attention>
    </ns4:Header>
    <ns4:Message>
      <ns4:Header>
        <ns4:Id>3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b</ns4:Id>
        <ns4:Subject>Beslut om bygglov</ns4:Subject>
        <ns4:Supportinfo><ns4:Text>Frågor? Ring kommunens kontaktcenter.</ns4:Text><ns4:URL>https://kommun.example/kontakt</ns4:URL><ns4:PhoneNumber>+46 8 123 45 67</ns4:PhoneNumber><ns4:EmailAdress>kontakt@kommun.example</ns4:EmailAdress></ns4:Supportinfo>
        <ns4:OfficialMatter><om:OfficialMatterExtension><om:Timestamp>2026-11-26+01:00</om:Timestamp><om:Identity><om:EventId>ev-1</om:EventId><om:OfficialMatterId>om-1</om:OfficialMatterId><om:PrecedingEventId>ev-0</om:PrecedingEventId></om:Identity><om:MatterSubject>Bygglov</om:MatterSubject><om:EventType>beslut</om:EventType><om:MatterStatus>closed</om:MatterStatus></om:OfficialMatterExtension></ns4:OfficialMatter>
        <ns4:Metadata><ns6:Tag>dnr</ns6:Tag><ns6:Value>BN 2026/17</ns6:Value></ns4:Metadata>
        <ns4:Language>svSE</ns4:Language>
      </ns4:Header>
      <ns4:Body><ns6:ContentType>text/html</ns6:ContentType><ns6:Body>PGh0bWw+PGJvZHk+PHA+SGVqIDxiPmR1PC9iPjwvcD48aW1nIHNyYz0iZGF0YTppbWFnZS9w
bmc7YmFzZTY0LEFBQUEiLz48YnI+PC9ib2R5PjwvaHRtbD4=</ns6:Body></ns4:Body>
      <ns4:Attachment><ns6:ContentType>application/pdf</ns6:ContentType><ns6:Body>JVBERi0x LjcgdGVzdA==</ns6:Body><ns6:Checksum>97b5ba987ae5c44042c4896d0c428ce3</ns6:Checksum><ns6:Filename>beslut.pdf</ns6:Filename></ns4:Attachment>
    </ns4:Message>
  </ns4:Delivery>
  <ds:Signature xmlns:ds="` + NSDSig + `"><ds:SignedInfo/></ds:Signature>
</ns4:SignedDelivery>
`
	got, err := ParseSignedDelivery([]byte(prefixed))
	require.NoError(t, err)
	assert.Equal(t, want, got)
	again, err := got.MarshalSignedDelivery()
	require.NoError(t, err)
	assert.Equal(t, string(canonical), string(again), "re-marshals to the canonical form")
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	canonical, err := NewDelivery(testSender(), validMessage()).MarshalSignedDelivery()
	require.NoError(t, err)
	doc := string(canonical)
	tests := []struct {
		name, doc, want string
	}{
		{"not XML", "hello", "text outside the root"},
		{"wrong root", strings.Replace(doc, "SignedDelivery", "Delivered", 2), "want element SignedDelivery"},
		{"wrong namespace", strings.Replace(doc, NSMessageV3, NSMessageV2, 1), "namespace"},
		{"missing subject", strings.Replace(doc, "<Subject>Beslut om bygglov</Subject>", "", 1), "want element Subject"},
		{"unknown element", strings.Replace(doc, "<Language>", "<Extra>x</Extra><Language>", 1), "want element Language"},
		{"element in text", strings.Replace(doc, "<Subject>Beslut", "<Subject><b>x</b>Beslut", 1), "only text"},
		{"text between elements", strings.Replace(doc, "<Language>", "stray<Language>", 1), "unexpected text"},
		{"bad checksum", strings.Replace(doc, "97B5BA98", "00000000", 1), "Checksum does not match"},
		{"bad base64", strings.Replace(doc, "JVBERi0xLjcgdGVzdA==", "JVBERi0x!!", 1), "attachment Body"},
		{"body not UTF-8", strings.Replace(doc, ">SGVq", ">/0Vq", 1), "not UTF-8"},
		{"two recipients", strings.Replace(doc, "</Recipient>", "</Recipient><Recipient xmlns=\""+NSMessageV2+"\">198101052382</Recipient>", 1), "one recipient"},
		{"reply unsupported", strings.Replace(doc, "</Language>", "</Language><Reply>REQUESTED</Reply>", 1), "not supported"},
		{"DTD", `<!DOCTYPE x [<!ENTITY a "b">]>` + doc, "DTD"},
		{"unknown entity", strings.Replace(doc, "Beslut", "&xxe;", 1), "entity"},
		{"truncated", doc[:len(doc)/2], "xml syntax error"},
		{"trailing content", doc + "<more/>", "second root"},
		{"unclosed at end", strings.TrimSuffix(doc, "</SignedDelivery>"), "unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSignedDelivery([]byte(tt.doc))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrMalformed)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestWireFormValidatesAgainstXSD(t *testing.T) {
	t.Parallel()
	big := validMessage()
	big.Attachments[0].Data = bigAttachment(100_000)
	deliveries := map[string]*Delivery{
		"rich":  NewDelivery(testSender(), richMessage()),
		"plain": NewDelivery(testSender(), validMessage()),
		"big":   NewDelivery(testSender(), big),
	}
	for name, d := range deliveries {
		t.Run(name, func(t *testing.T) {
			b, err := d.MarshalSignedDelivery()
			require.NoError(t, err)
			conformance.ValidateXSD(t, conformance.ServiceXSD, conformance.WrapUnsignedDelivery(b))
		})
	}
	t.Run("notification", func(t *testing.T) {
		n := testNotification()
		n.Message.OfficialMatter = richMessage().OfficialMatter
		body, err := n.AppendNotification([]byte(`<notify xmlns="`+NSServiceV3+`">`), "notify", NSServiceV3, NSServiceV3)
		require.NoError(t, err)
		conformance.ValidateXSD(t, conformance.ServiceXSD, append(body, "</notify>"...))
	})
	t.Run("schema catches a broken document", func(t *testing.T) {
		b, err := NewDelivery(testSender(), validMessage()).MarshalSignedDelivery()
		require.NoError(t, err)
		broken := bytes.Replace(b, []byte("<Language>svSE</Language>"), nil, 1)
		assert.Error(t, conformance.CheckXSD(t, conformance.ServiceXSD, conformance.WrapUnsignedDelivery(broken)))
	})
}

func FuzzParseSignedDelivery(f *testing.F) {
	for _, d := range []*Delivery{NewDelivery(testSender(), richMessage()), NewDelivery(testSender(), validMessage())} {
		b, _ := d.MarshalSignedDelivery()
		f.Add(b)
	}
	f.Add([]byte(`<SignedDelivery xmlns="` + NSMessageV3 + `"></SignedDelivery>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseSignedDelivery(data)
		if err != nil {
			return
		}
		if d.Validate() != nil || d.Messages[0].ID == "" {
			return // parsed, but not sendable: nothing to re-marshal
		}
		b, err := d.MarshalSignedDelivery()
		if err != nil {
			t.Fatalf("valid parsed delivery does not marshal: %v", err)
		}
		d2, err := ParseSignedDelivery(b)
		if err != nil {
			t.Fatalf("own output does not parse: %v\n%s", err, b)
		}
		b2, err := d2.MarshalSignedDelivery()
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("re-marshal differs: %v\n%s\n%s", err, b, b2)
		}
	})
}

func FuzzParseNotification(f *testing.F) {
	b, _ := testNotification().MarshalNotification()
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseNotification(data)
		if err != nil || n.Validate() != nil || n.Message.ID == "" {
			return
		}
		b, err := n.MarshalNotification()
		if err != nil {
			t.Fatalf("valid parsed notification does not marshal: %v", err)
		}
		n2, err := ParseNotification(b)
		if err != nil {
			t.Fatalf("own output does not parse: %v", err)
		}
		b2, _ := n2.MarshalNotification()
		if !bytes.Equal(b, b2) {
			t.Fatalf("re-marshal differs")
		}
	})
}
