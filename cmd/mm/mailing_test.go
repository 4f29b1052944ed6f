package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/avsandare/mm/internal/conformance"
	"github.com/avsandare/mm/mailing/journal"
	"github.com/avsandare/mm/mailing/journal/journaltest"
	"github.com/avsandare/mm/mailing/pgjournal"
	"github.com/avsandare/mm/mailing/sqlitejournal"
	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/receipt"
)

const reportMailing = "bygglov-2026-11"

var reportOp = message.Operator{ID: "165599990001", Name: "Operatör A"}

func reportID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// fillMailing records a mailing whose figures are known: one message in
// each settled state, one unknown after two attempts, and three loaded, of
// which two instances hold three under leases (the unknown one among them).
func fillMailing(t *testing.T, j journal.Journal) {
	t.Helper()
	ctx := t.Context()
	rec := func(es ...journal.Entry) { require.NoError(t, j.Record(ctx, es...)) }
	entry := func(n int, r message.RecipientID) journal.Entry {
		return journal.Entry{Mailing: reportMailing, MessageID: reportID(n), Recipient: r, State: journal.Queued}
	}
	with := func(e journal.Entry, change func(e *journal.Entry)) journal.Entry { change(&e); return e }

	digital := with(entry(1, "195303231855"), func(e *journal.Entry) {
		e.State, e.Channel, e.Operator, e.Attempts = journal.Sending, receipt.Digital, reportOp, 1
	})
	rec(digital, with(digital, func(e *journal.Entry) { e.State = journal.Delivered }))
	paper := with(entry(2, "198101052382"), func(e *journal.Entry) {
		e.State, e.Channel, e.PaperReason, e.Attempts = journal.Sending, receipt.Paper, "no-mailbox", 1
	})
	rec(paper, with(paper, func(e *journal.Entry) { e.State = journal.Paper }))
	declined := with(digital, func(e *journal.Entry) { e.MessageID, e.Recipient = reportID(3), "199001012385" })
	declined = with(declined, func(e *journal.Entry) {
		e.Channel, e.Operator, e.PaperReason, e.Attempts = receipt.Paper, message.Operator{}, "operator-declined", 2
	})
	rec(with(digital, func(e *journal.Entry) { e.MessageID, e.Recipient = reportID(3), "199001012385" }),
		declined, with(declined, func(e *journal.Entry) { e.State = journal.DeclinedThenPaper }))
	rec(with(entry(4, "200001012384"), func(e *journal.Entry) {
		e.State, e.Error = journal.Failed, "message invalid: Subject: required"
	}))
	unknown := with(digital, func(e *journal.Entry) { e.MessageID = reportID(5) })
	unknown = with(unknown, func(e *journal.Entry) { e.State, e.Error = journal.Unknown, "timeout after 120s" })
	rec(with(digital, func(e *journal.Entry) { e.MessageID = reportID(5) }), unknown,
		with(unknown, func(e *journal.Entry) { e.Attempts = 2 }))

	_, err := j.Load(ctx, reportMailing, func(yield func(journal.Item, error) bool) {
		for i, r := range []message.RecipientID{"198101052382", "199001012385", "200001012384"} {
			if !yield(journal.Item{MessageID: reportID(6 + i), Recipient: r, Payload: []byte("{}")}, nil) {
				return
			}
		}
	})
	require.NoError(t, err)
	a, err := j.Claim(ctx, reportMailing, "host-a-4711", 2, time.Hour)
	require.NoError(t, err)
	require.Len(t, a, 2)
	b, err := j.Claim(ctx, reportMailing, "host-b-17", 1, time.Hour)
	require.NoError(t, err)
	require.Len(t, b, 1)
}

// wantStatus is fillMailing's status at, with leases from at.
func wantStatus(at time.Time) mailingStatus {
	return mailingStatus{Mailing: reportMailing, Total: 8, Settled: 4, Open: 4,
		States: map[journal.State]int{journal.Delivered: 1, journal.Paper: 1, journal.DeclinedThenPaper: 1,
			journal.Failed: 1, journal.Unknown: 1, journal.Queued: 3},
		Channels:  map[string]int{"digital": 2, "paper": 2},
		Operators: map[string]int{"165599990001": 2},
		At:        at, Window: 60, Recent: 4, Rate: 4.0 / 60,
		Instances: []mailingInstance{{"host-a-4711", 2, at.Add(time.Hour)}, {"host-b-17", 1, at.Add(time.Hour)}},
	}
}

func TestMailingStatusFromMemory(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	j := journal.NewMemory(journal.Config{Now: journaltest.NewClock(at).Now})
	fillMailing(t, j)

	s, err := readStatus(t.Context(), j, reportMailing, at)
	require.NoError(t, err)
	assert.Equal(t, wantStatus(at), s)

	var out strings.Builder
	printStatus(&out, s)
	assert.Equal(t, `mailing bygglov-2026-11: 8 messages, 4 settled (50.0%), 4 open
by state:
  queued                      3
  delivered                   1
  declined-then-paper         1
  paper                       1
  failed                      1
  unknown                     1
by channel:
  digital                     2
  paper                       2
by operator:
  165599990001                2
last 1m0s: 4 settled (0.07/s)
instances working (2):
  host-a-4711                 2 leased until 2026-11-30T09:00:00Z
  host-b-17                   1 leased until 2026-11-30T09:00:00Z
`, out.String())

	_, err = readStatus(t.Context(), j, "no-such-mailing", at)
	assert.ErrorIs(t, err, errNoMailing)
}

func TestMailingReportFromMemory(t *testing.T) {
	t.Parallel()
	j := journal.NewMemory(journal.Config{})
	fillMailing(t, j)
	tests := []struct {
		name    string
		states  string
		showIDs bool
		want    []string // lines, without the header, spaces squeezed
	}{
		{"default", "paper,failed,unknown", false, []string{
			"paper " + reportID(2) + " 19810105**** no-mailbox",
			"declined-then-paper " + reportID(3) + " 19900101**** operator-declined",
			"failed " + reportID(4) + " 20000101**** message invalid: Subject: required",
			"unknown " + reportID(5) + " 19530323**** timeout after 120s (attempts 2, digital to 165599990001)",
			"4 message(s)",
		}},
		{"ids shown", "failed", true, []string{
			"failed " + reportID(4) + " 200001012384 message invalid: Subject: required",
			"1 message(s)",
		}},
		{"delivered has no detail", "delivered", false, []string{"delivered " + reportID(1) + " 19530323****", "1 message(s)"}},
		{"nothing", "sending", false, []string{"0 message(s)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			groups, err := reportStates(tc.states)
			require.NoError(t, err)
			var out strings.Builder
			n, err := writeReport(t.Context(), &out, j, reportMailing, groups, tc.showIDs, false)
			require.NoError(t, err)
			assert.Equal(t, len(tc.want)-1, n)
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			require.NotEmpty(t, lines)
			assert.Equal(t, "STATE MESSAGE RECIPIENT DETAIL", strings.Join(strings.Fields(lines[0]), " "))
			var got []string
			for _, l := range lines[1:] {
				got = append(got, strings.Join(strings.Fields(l), " "))
			}
			assert.Equal(t, tc.want, got)
		})
	}

	_, err := reportStates("paper,lost")
	assert.EqualError(t, err, `--state "lost": want paper or a state (queued, looked-up, sending, delivered, declined-then-paper, paper, failed, unknown)`)
}

// readJSONLines decodes a report's JSON lines.
func readJSONLines(t *testing.T, s string) []reportLine {
	t.Helper()
	var out []reportLine
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var r reportLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		out = append(out, r)
	}
	return out
}

// testMailingCommands runs both commands against the journal at addr,
// which fillMailing has filled just now.
func testMailingCommands(t *testing.T, addr string) {
	code, out, errOut := mm(t, "", "mailing", "status", "--journal", addr, "--mailing", reportMailing)
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "mailing bygglov-2026-11: 8 messages, 4 settled (50.0%), 4 open\n"), out)
	assert.Contains(t, out, "last 1m0s: 4 settled (0.07/s)\n")
	assert.Contains(t, out, "instances working (2):\n  host-a-4711                 2 leased until ")

	code, out, errOut = mm(t, "", "mailing", "status", "--journal", addr, "--mailing", reportMailing, "--json")
	require.Equal(t, exitOK, code, errOut)
	var s mailingStatus
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	want := wantStatus(s.At)
	require.Len(t, s.Instances, 2)
	assert.WithinDuration(t, time.Now().Add(time.Hour), s.Instances[0].LeaseUntil, time.Minute)
	for i := range want.Instances {
		want.Instances[i].LeaseUntil = s.Instances[i].LeaseUntil
	}
	assert.Equal(t, want, s)
	assert.WithinDuration(t, time.Now(), s.At, time.Minute)

	code, out, errOut = mm(t, "", "mailing", "report", "--journal", addr, "--mailing", reportMailing, "--json")
	require.Equal(t, exitOK, code, errOut)
	lines := readJSONLines(t, out)
	require.Len(t, lines, 4)
	assert.Equal(t, reportLine{State: journal.Unknown, MessageID: reportID(5), Recipient: "19530323****", Channel: "digital",
		Operator: "165599990001", Error: "timeout after 120s", Attempts: 2, Updated: lines[3].Updated}, lines[3])
	assert.NotContains(t, out, "195303231855", "numbers are masked")

	code, out, _ = mm(t, "", "mailing", "report", "--journal", addr, "--mailing", reportMailing, "--state", "unknown,paper", "--show-ids")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "195303231855")
	assert.Less(t, strings.Index(out, "unknown"), strings.Index(out, "no-mailbox"), "groups in the order asked")
	assert.True(t, strings.HasSuffix(out, "3 message(s)\n"), out)
}

// TestMailingCommands runs the commands on both kinds of journal, by the
// address --journal takes.
func TestMailingCommands(t *testing.T) {
	t.Parallel()
	journals := map[string]func(t *testing.T) (journal.Journal, string){
		"sqlite": func(t *testing.T) (journal.Journal, string) {
			path := filepath.Join(t.TempDir(), "bygglov.journal")
			j, err := sqlitejournal.Open(path, journal.Config{})
			require.NoError(t, err)
			return j, path
		},
		"postgres": func(t *testing.T) (journal.Journal, string) {
			dsn := conformance.Postgres(t)
			j, err := pgjournal.Open(t.Context(), dsn, journal.Config{})
			require.NoError(t, err)
			return j, dsn
		},
	}
	for name, open := range journals {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			j, addr := open(t)
			fillMailing(t, j)
			require.NoError(t, j.Close())
			testMailingCommands(t, addr)
		})
	}
}

func TestMailingCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "bygglov.journal")
	j, err := sqlitejournal.Open(path, journal.Config{})
	require.NoError(t, err)
	fillMailing(t, j)
	require.NoError(t, j.Close())
	missing := filepath.Join(dir, "typo.journal")

	tests := []struct {
		name    string
		args    []string
		code    int
		errText string
	}{
		{"no subcommand", []string{"mailing"}, exitUsage, "mm mailing: a subcommand is needed: report, status"},
		{"unknown subcommand", []string{"mailing", "stats"}, exitUsage, `mm mailing: unknown command "stats" for "mm mailing" (did you mean status?)`},
		{"no journal", []string{"mailing", "status", "--mailing", reportMailing}, exitUsage, "mm mailing status: --journal: required"},
		{"no mailing", []string{"mailing", "report", "--journal", path}, exitUsage, "mm mailing report: --mailing: required"},
		{"stray argument", []string{"mailing", "status", "--journal", path, "--mailing", reportMailing, "extra"}, exitUsage, `unexpected argument "extra"`},
		{"bad state", []string{"mailing", "report", "--journal", path, "--mailing", reportMailing, "--state", "sent"}, exitUsage, `--state "sent"`},
		{"missing file", []string{"mailing", "status", "--journal", missing, "--mailing", reportMailing}, exitUsage, "no such file"},
		{"other scheme", []string{"mailing", "status", "--journal", "mysql://mm:sekret@db/x", "--mailing", reportMailing}, exitUsage, `scheme "mysql"`},
		{"unknown mailing", []string{"mailing", "status", "--journal", path, "--mailing", "bygglov-2025"}, exitFailed, `mailing "bygglov-2025": the journal holds no messages`},
		{"unknown mailing report", []string{"mailing", "report", "--journal", path, "--mailing", "bygglov-2025"}, exitFailed, "the journal holds no messages"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := mm(t, "", tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errOut, tc.errText)
			assert.Empty(t, out)
			assert.NotContains(t, errOut, "sekret")
		})
	}
	_, err = os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a mistyped journal path is not created")

	code, out, _ := mm(t, "", "mailing", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "report      the messages sent by paper (and why), failed (and why) and unknown")
}
