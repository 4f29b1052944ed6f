package message

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLF(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"plain":          "plain",
		"a\r\nb":         "a\nb",
		"a\rb":           "a\nb",
		"\r\r\n\n\r":     "\n\n\n\n",
		"rad 1\r\nrad 2": "rad 1\nrad 2",
		"slut\r":         "slut\n",
		"\r\nbörjan":     "\nbörjan",
	} {
		assert.Equal(t, want, lf(in), "%q", in)
	}
	s := "no carriage return here"
	assert.Equal(t, 0, int(testing.AllocsPerRun(10, func() { _ = lf(s) })), "text without CR is not copied")
}

func FuzzLF(f *testing.F) {
	f.Add("a\r\nb\rc\n")
	f.Add("\r\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
		if got := lf(s); got != want {
			t.Fatalf("lf(%q) = %q, want %q", s, got, want)
		}
	})
}

// Windows line ends in any text field are written as LF: the signed form
// holds no carriage return, while the body (base64) and the attachments
// (bytes) keep theirs, and the message given is left as it was.
func TestCarriageReturnsBecomeLineFeeds(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Subject = "Beslut\r\nom bygglov"
	m.Support.Text = "Ring oss:\r\n08-123 45 67\rvardagar"
	m.Reference = "KST\r4711"
	m.Metadata = []Metadata{{Tag: "dnr\r\n", Value: "BN\r\n2026/17"}}
	m.Attachments[0].Data = []byte("%PDF-1.7\r\n")
	b, err := NewDelivery(Sender{ID: testOrg, Name: "Kommun\r\nA"}, m).MarshalSignedDelivery()
	require.NoError(t, err)
	s := string(b)
	assert.NotContains(t, s, "&#xD;")
	assert.NotContains(t, s, "\r")
	assert.Contains(t, s, "<Subject>Beslut\nom bygglov</Subject>")
	assert.Contains(t, s, "<Text>Ring oss:\n08-123 45 67\nvardagar</Text>")
	assert.Contains(t, s, ">KST\n4711</Reference>")
	assert.Contains(t, s, ">dnr\n</Tag>")
	assert.Contains(t, s, ">BN\n2026/17</Value>")
	assert.Contains(t, s, ">Kommun\nA</Name>")
	assert.Contains(t, s, base64.StdEncoding.EncodeToString([]byte(m.Body.Text)), "the body keeps its CRLF")
	assert.Contains(t, s, base64.StdEncoding.EncodeToString(m.Attachments[0].Data), "attachment bytes are untouched")
	assert.Equal(t, "Beslut\r\nom bygglov", m.Subject, "the message given is not modified")

	d, err := ParseSignedDelivery(b)
	require.NoError(t, err)
	assert.Equal(t, "Ring oss:\n08-123 45 67\nvardagar", d.Messages[0].Support.Text)

	n := testNotification()
	n.Message.Email.Text = "Hej!\r\nDu har post."
	n.Message.SMS.Text = "Ny post\r"
	nb, err := n.MarshalNotification()
	require.NoError(t, err)
	assert.NotContains(t, string(nb), "&#xD;")
	assert.Contains(t, string(nb), ">Hej!\nDu har post.</text>")
	assert.Contains(t, string(nb), ">Ny post\n</text>")
}

// Lengths are counted on the text as written: CRLF is one character.
func TestLengthsCountFoldedLineEnds(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.Subject = strings.Repeat("ab\r\n", MaxSubject/3) // 340 runes given, 255 written
	require.Len(t, lf(m.Subject), MaxSubject)
	assert.NoError(t, m.Validate())
	m.Subject += "x"
	assert.ErrorContains(t, m.Validate(), "Subject: at most 255 characters (got 256)")

	// The delivery header is shared only if it is the same as written.
	a, b := validMessage(), validMessage()
	a.Reference, b.Reference = "KST\r\n1", "KST\n1"
	assert.NoError(t, NewDelivery(testSender(), a, b).Validate())
}

func TestIDMustHoldNoCarriageReturn(t *testing.T) {
	t.Parallel()
	m := validMessage()
	m.ID = "3f2b1c9e-8d7a\r\n"
	err := m.Validate()
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "ID: must not contain a carriage return")
}
