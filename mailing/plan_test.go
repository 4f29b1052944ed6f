package mailing

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/securityclass"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testPersons = []string{"530323-1855", "198101052382", "19900101-2385", "200001012384"}

// mailingLine is line i of a generated mailing: every fifth message class
// 1, every third of the rest with one or two attachments, the first of
// those with the large one.
func mailingLine(i int) string {
	l := fmt.Sprintf(`{"to":%q,"subject":"Årsbesked %d","text":"Hej! Här är ditt årsbesked nummer %d.","support":{"text":"Ring 08-123 45 67"},"reference":"R-%d"`,
		testPersons[i%len(testPersons)], i, i, i)
	switch {
	case i%5 == 0:
		l += `,"class":1,"sms":{"from":"Kommun A","text":"Du har post"}`
	case i%3 == 0:
		l += `,"class":2,"attachments":[{"path":"bilagor/besked.pdf"}`
		if i%2 == 0 {
			l += `,{"path":"bilagor/möte.ics"}`
		}
		l += `]`
	}
	if i == 3 {
		l = strings.Replace(l, "bilagor/besked.pdf", "bilagor/stor.pdf", 1)
	}
	return l + "}"
}

// writeMailing writes n lines and the attachments they name to a folder
// and returns the JSONL's path.
func writeMailing(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bilagor"), 0o700))
	for name, size := range map[string]int{"besked.pdf": 20_000, "möte.ics": 300, "stor.pdf": 1_000_000} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bilagor", name), []byte(strings.Repeat("%", size)), 0o600))
	}
	path := filepath.Join(dir, "mailing.jsonl")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	for i := range n {
		_, _ = fmt.Fprintln(w, mailingLine(i))
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	return path
}

func TestPlanOfTwentyThousand(t *testing.T) {
	t.Parallel()
	const n = 20_000
	src, err := OpenSource("arsbesked-2026", writeMailing(t, n))
	require.NoError(t, err)
	count, err := src.Validate(t.Context())
	require.NoError(t, err)
	require.Equal(t, n, count)

	start := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	p, err := NewPlan(t.Context(), src.Messages(t.Context()), PlanConfig{
		Sender: testSender, Mailing: "arsbesked-2026", Contact: "Anna Andersson, 08-123 45 67", Start: start, Rate: 4,
	})
	require.NoError(t, err)

	class1, withAtt, twoAtt := 0, 0, 0
	for i := range n {
		switch {
		case i%5 == 0:
			class1++
		case i%3 == 0:
			withAtt++
			if i%2 == 0 {
				twoAtt++
			}
		}
	}
	assert.Equal(t, n, p.Messages)
	assert.Equal(t, map[securityclass.Class]int{securityclass.Class1: class1, securityclass.Class2: withAtt, securityclass.Class3: n - class1 - withAtt}, p.ByClass)
	assert.Equal(t, withAtt, p.WithAttachments)
	assert.Equal(t, withAtt+twoAtt, p.Attachments)
	assert.Equal(t, start.Add(time.Duration(n-1)*time.Second/4+time.Second), p.End)

	// The largest is line 3's; its size is the request's.
	var third int
	for m, err := range src.Messages(t.Context()) {
		require.NoError(t, err)
		if m.Reference == "R-3" {
			third, err = RequestSize(testSender, m, DeliverSecureOverhead)
			require.NoError(t, err)
			assert.Equal(t, m.ID, p.LargestID)
			break
		}
	}
	assert.Equal(t, third, p.LargestBytes)
	assert.Greater(t, p.LargestBytes, 4*1_000_000/3, "base64 of the 1 MB attachment")
	assert.Greater(t, p.TotalBytes, int64(withAtt)*20_000*4/3)

	text := p.Text()
	golden := filepath.Join("testdata", "plan-notice.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(text), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), text)
	assert.NotContains(t, text, "1855", "no personal number in the notice")

	var j map[string]any
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &j))
	assert.Equal(t, map[string]any{"id": "162021004748", "name": "Kommun A"}, j["sender"])
	assert.Equal(t, float64(n), j["messages"])
	assert.Equal(t, map[string]any{"1": float64(class1), "2": float64(withAtt), "3": float64(n - class1 - withAtt)}, j["byClass"])
	assert.Equal(t, "2026-11-30T07:00:00Z", j["start"])
	assert.Equal(t, float64(p.Average()), j["averageBytes"])
	assert.Equal(t, p.Duration().Seconds(), j["durationSeconds"])
}

func TestPlanConfig(t *testing.T) {
	t.Parallel()
	none := func(func(*message.Message, error) bool) {}
	good := PlanConfig{Sender: testSender, Mailing: "m", Start: time.Now(), Rate: 1}
	for name, change := range map[string]func(c *PlanConfig){
		"mailing": func(c *PlanConfig) { c.Mailing = "" },
		"sender":  func(c *PlanConfig) { c.Sender.Name = "" },
		"start":   func(c *PlanConfig) { c.Start = time.Time{} },
		"rate":    func(c *PlanConfig) { c.Rate = 0 },
	} {
		c := good
		change(&c)
		_, err := NewPlan(t.Context(), none, c)
		assert.Error(t, err, name)
	}
	p, err := NewPlan(t.Context(), none, good)
	require.NoError(t, err)
	assert.Equal(t, 0, p.Messages)
	assert.Equal(t, p.Start, p.End)
	assert.Contains(t, p.Text(), "(after less than a minute)")
}

// endless is a JSONL reader that makes n lines as it is read.
type endless struct {
	n, i int
	buf  []byte
}

func (e *endless) Read(p []byte) (int, error) {
	for len(e.buf) == 0 {
		if e.i == e.n {
			return 0, io.EOF
		}
		e.buf = []byte(mailingLine(e.i*15+1) + "\n") // class 3 lines, no files
		e.i++
	}
	k := copy(p, e.buf)
	e.buf = e.buf[k:]
	return k, nil
}

// TestSourceMemoryIsFlat streams 30 000 messages through Validate and
// Messages and checks that the heap does not grow with them.
func TestSourceMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 30 000 lines")
	}
	const n = 30_000
	src, err := NewSource(SourceConfig{Mailing: "m", Now: func() time.Time { return testNow },
		Open: func() (io.ReadCloser, error) { return io.NopCloser(&endless{n: n}), nil }})
	require.NoError(t, err)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	i, peak := 0, uint64(0)
	for _, err := range src.Messages(t.Context()) {
		require.NoError(t, err)
		if i++; i%10_000 == 0 {
			peak = max(peak, heap())
		}
	}
	assert.Equal(t, n, i)
	assert.Less(t, int64(peak)-int64(before), int64(8<<20), "Messages keeps nothing per message")

	count, err := src.Validate(t.Context())
	require.NoError(t, err)
	assert.Equal(t, n, count)
}
