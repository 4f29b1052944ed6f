package mailing

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

// testNow fixes the century of 2-digit years in the tests.
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// testFiles are the files the test lines name.
func testFiles() fstest.MapFS {
	return fstest.MapFS{
		"beslut.pdf":           {Data: []byte("%PDF-1.7 beslut")},
		"letters/kallelse.ics": {Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")},
		"letters/body.html":    {Data: []byte("<p>Hej!</p>")},
		"empty.pdf":            {Data: nil},
		"huge.pdf":             {Data: bytes.Repeat([]byte("x"), message.MaxSecureMessage+1)},
		"notes.txt":            {Data: []byte("text")},
	}
}

// testSource reads text as a JSONL file.
func testSource(t *testing.T, text string) *Source {
	t.Helper()
	s, err := NewSource(SourceConfig{
		Mailing: "bygglov-2026-11",
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil },
		Files:   testFiles(),
		Now:     func() time.Time { return testNow },
	})
	require.NoError(t, err)
	return s
}

const fullLine = `{"id":"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b","to":"530323-1855","subject":"Beslut om bygglov",` +
	`"body_file":"letters/body.html","attachments":[{"path":"beslut.pdf","filename":"Beslut.pdf"},` +
	`{"path":"letters/kallelse.ics","content_type":"text/calendar"}],"class":"2",` +
	`"support":{"text":"Frågor? Ring oss.","url":"https://kommun.example/kontakt","phone":"08-123 45 67","email":"kontakt@kommun.example"},` +
	`"reference":"KST-4711","correlation_id":"ärende-17","attention":"Bygglovsenheten","language":"sv-SE",` +
	`"metadata":{"dnr":"BN 2026/17","avdelning":"bygg"},` +
	`"official_matter":{"timestamp":"2026-11-26","event_id":"ev-1","matter_status":"closed"}}`

func TestSourceReadsEveryField(t *testing.T) {
	t.Parallel()
	s := testSource(t, fullLine+"\n")
	n, err := s.Validate(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	var got []*message.Message
	for m, err := range s.Messages(t.Context()) {
		require.NoError(t, err)
		got = append(got, m)
	}
	require.Len(t, got, 1)
	want := &message.Message{
		ID: "3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b", Recipient: "195303231855", Subject: "Beslut om bygglov",
		Body: message.Body{ContentType: message.ContentTypeHTML, Text: "<p>Hej!</p>"},
		Attachments: []message.Attachment{
			{Filename: "Beslut.pdf", ContentType: message.ContentTypePDF, Data: []byte("%PDF-1.7 beslut")},
			{Filename: "kallelse.ics", ContentType: message.ContentTypeCalendar, Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")},
		},
		Support:   message.SupportInfo{Text: "Frågor? Ring oss.", URL: "https://kommun.example/kontakt", Phone: "08-123 45 67", Email: "kontakt@kommun.example"},
		Class:     securityclass.Class2,
		Reference: "KST-4711", CorrelationID: "ärende-17", Attention: "Bygglovsenheten", Language: "sv-SE",
		Metadata:       []message.Metadata{{Tag: "dnr", Value: "BN 2026/17"}, {Tag: "avdelning", Value: "bygg"}},
		OfficialMatter: &message.OfficialMatter{Timestamp: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), EventID: "ev-1", MatterStatus: message.MatterClosed},
	}
	assert.Equal(t, want, got[0])
}

func TestSourceClassOneNotices(t *testing.T) {
	t.Parallel()
	s := testSource(t, `{"to":"198101052382","subject":"Påminnelse","text":"Hej","class":1,"support":{"text":"Ring oss"},`+
		`"sms":{"from":"Kommun A","text":"Du har post"},"email":{"from":"noreply@kommun.example","subject":"Post","text":"Du har post"},`+
		`"metadata":[{"tag":"typ","value":"a"},{"tag":"typ","value":"b"}]}`)
	for m, err := range s.Messages(t.Context()) {
		require.NoError(t, err)
		assert.Equal(t, securityclass.Class1, m.Class)
		assert.Equal(t, &message.SMSNotice{From: "Kommun A", Text: "Du har post"}, m.SMS)
		assert.Equal(t, &message.EmailNotice{From: "noreply@kommun.example", Subject: "Post", Text: "Du har post"}, m.Email)
		assert.Equal(t, []message.Metadata{{Tag: "typ", Value: "a"}, {Tag: "typ", Value: "b"}}, m.Metadata)
		assert.Equal(t, message.DefaultLanguage, m.Language, "defaults applied")
		assert.True(t, isUUID(m.ID), "derived ID")
	}
}

// ok is the smallest valid line; the table below breaks it one way each.
const ok = `"to":"195303231855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"}`

func TestSourceLineProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line, field, want string
		is                      error
	}{
		{"malformed JSON", `{"to":`, "", "malformed JSON", nil},
		{"not an object", `["to"]`, "", "must be a JSON object", nil},
		{"trailing data", `{` + ok + `} {}`, "", "more after the object", nil},
		{"unknown field", `{` + ok + `,"priority":1}`, "priority", "unknown field", nil},
		{"field names match exactly", `{"To":"195303231855","subject":"Beslut","text":"Hej","support":{"text":"Ring oss"}}`, "To", "unknown field", nil},
		{"unknown nested field", `{` + ok[:len(ok)-1] + `,"fax":"1"}}`, "support.fax", "unknown field", nil},
		{"repeated field", `{` + ok + `,"subject":"igen"}`, "", `"subject" appears twice`, nil},
		{"wrong type", `{` + ok + `,"reference":17}`, "reference", "must be a string", nil},
		{"bad check digit", `{"to":"195303231856","subject":"B","text":"H","support":{"text":"R"}}`, "to", "check digit", message.ErrInvalidID},
		{"no recipient", `{"subject":"B","text":"H","support":{"text":"R"}}`, "to", "required", nil},
		{"two bodies", `{` + ok + `,"html":"<p>x</p>"}`, "body", "exactly one of text, html and body_file (got 2)", nil},
		{"no body", `{"to":"195303231855","subject":"B","support":{"text":"R"}}`, "body", "(got 0)", nil},
		{"content type without file", `{` + ok + `,"content_type":"text/html"}`, "content_type", "only goes with body_file", nil},
		{"body file of unknown type", `{"to":"195303231855","subject":"B","body_file":"beslut.pdf","support":{"text":"R"}}`, "content_type", "required when body_file", nil},
		{"missing body file", `{"to":"195303231855","subject":"B","body_file":"saknas.txt","support":{"text":"R"}}`, "body_file", `file "saknas.txt" not found`, fs.ErrNotExist},
		{"missing attachment", `{` + ok + `,"attachments":[{"path":"saknas.pdf"}]}`, "attachments[0].path", `file "saknas.pdf" not found`, fs.ErrNotExist},
		{"attachment outside the folder", `{` + ok + `,"attachments":[{"path":"../etc/beslut.pdf"}]}`, "attachments[0].path", "stay inside", fs.ErrInvalid},
		{"attachment is a folder", `{` + ok + `,"attachments":[{"path":"letters","content_type":"application/pdf"}]}`, "attachments[0].path", "folder", nil},
		{"attachment of unknown type", `{` + ok + `,"attachments":[{"path":"notes.txt"}]}`, "attachments[0].content_type", `extension ".txt"`, nil},
		{"attachment without path", `{` + ok + `,"attachments":[{"filename":"a.pdf"}]}`, "attachments[0].path", "required", nil},
		{"empty attachment", `{` + ok + `,"attachments":[{"path":"empty.pdf"}]}`, "attachments[0].path", "must not be empty", message.ErrInvalid},
		{"attachment too large", `{` + ok + `,"attachments":[{"path":"huge.pdf"}]}`, "attachments[0].path", "larger than", message.ErrTooLarge},
		{"attachments in class 1", `{` + ok + `,"class":1,"attachments":[{"path":"beslut.pdf"}]}`, "attachments", "not allowed in class 1", message.ErrInvalid},
		{"no class 4", `{` + ok + `,"class":4}`, "class", "only 1, 2 and 3", nil},
		{"bad support e-mail", `{"to":"195303231855","subject":"B","text":"H","support":{"text":"R","email":"x"}}`, "support.email", "5 to 256", message.ErrInvalid},
		{"subject too long", `{"to":"195303231855","subject":"` + strings.Repeat("x", 256) + `","text":"H","support":{"text":"R"}}`, "subject", "at most 255", message.ErrInvalid},
		{"metadata value not a string", `{` + ok + `,"metadata":{"dnr":17}}`, "metadata.dnr", "must be a string", nil},
		{"metadata of the wrong shape", `{` + ok + `,"metadata":"dnr"}`, "metadata", "object of tag: value", nil},
		{"id not a UUID", `{"id":"brev-1",` + ok + `}`, "id", "must be a UUID", nil},
		{"bad matter date", `{` + ok + `,"official_matter":{"timestamp":"26/11/2026"}}`, "official_matter.timestamp", "must be a date", nil},
		{"sms in class 3", `{` + ok + `,"sms":{"from":"Kommun","text":"Post"}}`, "sms", "only for class 1", message.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := testSource(t, "\n"+tc.line+"\n")
			_, err := s.Validate(t.Context())
			var se *SourceError
			require.ErrorAs(t, err, &se)
			require.NotEmpty(t, se.Problems)
			p := se.Problems[0]
			assert.Equal(t, 2, p.Line, "line numbers count blank lines")
			assert.Equal(t, tc.field, p.Field)
			assert.Contains(t, p.Error(), tc.want)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.NotContains(t, err.Error(), "195303231856", "no identity number whole in errors")
		})
	}
}

func TestSourceValidateReportsAll(t *testing.T) {
	t.Parallel()
	good := `{` + ok + `}`
	lines := []string{
		good,
		`{"to":"530323-1855"}`, // three problems on one line
		``,
		`{"id":"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b",` + ok + `}`,
		`{"id":"3f2b1c9e-8d7a-4e6f-9b5c-1a2d3e4f5a6b",` + ok + `,"reference":"other"}`,
		`{ "subject":"Beslut","to":"530323-1855",  "support":{"text":"Ring oss"},"text":"Hej"}`, // good, reordered
		`{` + ok + `,"text2":"x"}`,
		"{\"to\":\"" + strings.Repeat("1", 300) + "\"}",
	}
	s, err := NewSource(SourceConfig{
		Mailing: "m", Files: testFiles(), Now: func() time.Time { return testNow }, MaxLineBytes: 200,
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(strings.Join(lines, "\r\n"))), nil
		},
	})
	require.NoError(t, err)
	n, err := s.Validate(t.Context())
	assert.Equal(t, 6, n, "blank and too long lines are not messages")
	var se *SourceError
	require.ErrorAs(t, err, &se)
	type got struct {
		Line  int
		Field string
	}
	var all []got
	for _, p := range se.Problems {
		all = append(all, got{p.Line, p.Field})
	}
	assert.Equal(t, []got{{2, "body"}, {2, "subject"}, {2, "support.text"}, {5, "id"}, {6, ""}, {7, "text2"}, {8, ""}}, all)
	assert.Contains(t, se.Problems[4].Error(), "same content as line 1")
	assert.Contains(t, se.Problems[3].Error(), "same message ID as line 4")
	assert.Contains(t, se.Problems[6].Error(), "longer than 200 bytes")
	assert.True(t, strings.HasPrefix(err.Error(), "mailing source: 7 problems\nline 2: body: give exactly one"), err.Error())

	// Past MaxProblems the problems are counted, not kept.
	s.maxProblems = 2
	_, err = s.Validate(t.Context())
	require.ErrorAs(t, err, &se)
	assert.Len(t, se.Problems, 2)
	assert.Equal(t, 5, se.Omitted)
}

func TestSourceItemsAndDecode(t *testing.T) {
	t.Parallel()
	s := testSource(t, fullLine+"\n"+`{`+ok+`}`+"\n"+`{"to":"x"}`+"\n")
	var msgs []*message.Message
	for m, err := range s.Messages(t.Context()) {
		if err != nil {
			var se *SourceError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 3, se.Problems[0].Line)
			continue
		}
		msgs = append(msgs, m)
	}
	require.Len(t, msgs, 2)
	i := 0
	for it, err := range s.Items(t.Context()) {
		if i == 2 {
			assert.Error(t, err, "the bad line")
			break
		}
		require.NoError(t, err)
		assert.Equal(t, msgs[i].ID, it.MessageID)
		assert.Equal(t, msgs[i].Recipient, it.Recipient)
		m, err := s.Decode(it.Payload)
		require.NoError(t, err)
		assert.Equal(t, msgs[i], m, "a worker rebuilds the same message from the payload")
		i++
	}
	_, err := s.Decode([]byte(`{"to":"x"}`))
	var se *SourceError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 0, se.Problems[0].Line)
}

// countingFS records which files were opened, to show that Messages reads
// a message's files only when it yields the message.
type countingFS struct {
	fs.FS
	opened *[]string
}

func (c countingFS) Open(name string) (fs.File, error) {
	*c.opened = append(*c.opened, name)
	return c.FS.Open(name)
}

func TestSourceReadsFilesLazily(t *testing.T) {
	t.Parallel()
	var opened []string
	text := `{` + ok + `,"attachments":[{"path":"beslut.pdf"}]}` + "\n" + `{` + ok + `,"reference":"2","attachments":[{"path":"letters/kallelse.ics"}]}`
	s, err := NewSource(SourceConfig{Mailing: "m", Files: countingFS{testFiles(), &opened}, Now: func() time.Time { return testNow },
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }})
	require.NoError(t, err)
	for range s.Messages(t.Context()) {
		assert.Equal(t, []string{"beslut.pdf"}, opened, "the second line's file is not read yet")
		break
	}
}

func TestSourceErrors(t *testing.T) {
	t.Parallel()
	_, err := NewSource(SourceConfig{Open: func() (io.ReadCloser, error) { return nil, nil }})
	assert.ErrorContains(t, err, "mailing name is empty")
	_, err = NewSource(SourceConfig{Mailing: "m"})
	assert.ErrorContains(t, err, "Open is nil")
	_, err = OpenSource("m", "/no/such/file.jsonl")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	boom := errors.New("disk gone")
	s, err := NewSource(SourceConfig{Mailing: "m", Open: func() (io.ReadCloser, error) { return nil, boom }})
	require.NoError(t, err)
	_, err = s.Validate(t.Context())
	assert.ErrorIs(t, err, boom)

	noFiles, err := NewSource(SourceConfig{Mailing: "m", Now: func() time.Time { return testNow },
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(`{` + ok + `,"attachments":[{"path":"beslut.pdf"}]}`)), nil
		}})
	require.NoError(t, err)
	_, err = noFiles.Validate(t.Context())
	assert.ErrorContains(t, err, "no folder to read files from")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = testSource(t, `{`+ok+`}`).Validate(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}
