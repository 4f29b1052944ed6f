package mailing

import (
	"testing"
)

// FuzzParseLine feeds arbitrary lines to the JSONL parser: it must never
// panic, must report every failure as a LineError of the right line, and a
// line it accepts must have a recipient and a stable, well-formed ID.
func FuzzParseLine(f *testing.F) {
	for _, seed := range []string{
		fullLine,
		`{` + ok + `}`,
		`{` + ok + `,"class":1,"sms":{"from":"K","text":"T"},"metadata":[{"tag":"a","value":"b"}]}`,
		`{"to":"530323-1855","subject":"x","body_file":"a.html","content_type":"text/html","support":{"text":"R"}}`,
		`{"to":`, `[]`, `{}`, `{"metadata":{"a":1}}`, `{"attachments":[{"path":""}]}`, `null`, `{"class":"skyddsklass 2"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, errs := parseLine(7, data, testNow)
		for _, e := range errs {
			if e.Line != 7 || e.Err == nil {
				t.Fatalf("bad problem %#v", e)
			}
			_ = e.Error()
		}
		if len(errs) > 0 {
			return
		}
		if !l.msg.Recipient.Valid() {
			t.Fatalf("accepted line without a valid recipient: %q", data)
		}
		id := DeriveID("m", l.canonical())
		if !isUUID(id) || id != DeriveID("m", l.canonical()) {
			t.Fatalf("bad or unstable ID %q", id)
		}
		if l.explicitID && !isUUID(l.msg.ID) {
			t.Fatalf("accepted id %q", l.msg.ID)
		}
	})
}
