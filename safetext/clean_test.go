package safetext_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/avsandare/mm/message"
	"github.com/avsandare/mm/safetext"
	"github.com/stretchr/testify/assert"
)

// spoof is what a hostile server puts in a text to print a line of its own.
const spoof = "\x1b[2K\rmm send: message delivered OK\n"

func TestClean(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, in, want string }{
		{"plain text stays", "Ogiltig mottagare", "Ogiltig mottagare"},
		{"empty", "", ""},
		{"12 digits", "mottagare 195303231855 saknas", "mottagare 19530323**** saknas"},
		{"12 digits with hyphen", "pnr 19530323-1855.", "pnr 19530323-****."},
		{"10 digits with hyphen", "530323-1855", "530323-****"},
		{"10 digits with plus", "530323+1855", "530323+****"},
		{"10 digits", "(5303231855)", "(530323****)"},
		{"coordination number", "198101652389", "19810165****"},
		{"coordination number, day unknown", "198101602384", "19810160****"},
		{"wrong check digit still masked", "195303231856", "19530323****"},
		{"inside a word", "pnr195303231855x", "pnr19530323****x"},
		{"several", "195303231855,198101052382", "19530323****,19810105****"},
		{"organisation number stays", "162021004748 202100-4748 2021004748", "162021004748 202100-4748 2021004748"},
		{"no date: not a person", "call 1234567890 or 999999999999", "call 1234567890 or 999999999999"},
		{"longer runs stay", "1953032318551 19530323185", "1953032318551 19530323185"},
		{"century outside 1800-2099", "215303231855", "215303231855"},
		{"separator not before the last four", "1953032-31855", "1953032-31855"},
		{"message ID stays whole", "message 00000000-0000-4000-8000-195303231855 failed", "message 00000000-0000-4000-8000-195303231855 failed"},
		{"not a UUID: masked", "x-195303231855", "x-19530323****"},
		{"escape sequence", spoof, `�[2K\rmm send: message delivered OK\n`},
		{"tab", "a\tb", `a\tb`},
		{"C1 next line", "a\u0085b", "a�b"},
		{"bidi override", "abc\u202edcba", "abc�dcba"},
		{"isolate and marks", "\u2066x\u2069\u200e\u200f\u061c", "�x����"},
		{"line separator", "a\u2028b\u2029c", "a�b�c"},
		{"DEL and NUL", "a\x7fb\x00c", "a�b�c"},
		{"invalid UTF-8", "a\xffb\xc3", "a�b�"},
		{"Swedish letters stay", "Årsbesked för Östra Göinge", "Årsbesked för Östra Göinge"},
		{"number and spoof", "195303231855" + spoof, `19530323****�[2K\rmm send: message delivered OK\n`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := safetext.Clean(c.in)
			assert.Equal(t, c.want, got)
			assert.Equal(t, got, safetext.Clean(got), "idempotent")
		})
	}
}

// The mask is the one message.RecipientID.Masked applies to a wire form.
func TestCleanMasksLikeRecipientID(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"195303231855", "198101052382", "199001012385", "200001012384", "198101652389", "162021004748"} {
		id, err := message.ParseRecipientID(s)
		if assert.NoError(t, err) {
			assert.Equal(t, id.Masked(), safetext.Clean(s), s)
		}
	}
}

func TestCleanDoesNotAllocateForCleanText(t *testing.T) {
	for _, s := range []string{
		"soap fault 5001: ogiltig indata (call id ABCDEFGHIJKLMNOPQRSTUVWXYZ) 2026-12-04",
		"message 00000000-0000-4000-8000-195303231855 to 162021004748 (Östra Göinge): 1234567890",
	} {
		n := testing.AllocsPerRun(100, func() { _ = safetext.Clean(s) })
		assert.Zero(t, n, s)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"", "195303231855", "530323-1855", spoof, "\u2028201801011234", "\x1901011234",
		"00000000-0000-4000-8000-195303231855", "\n00000000-0000-4000-8000-195303231855",
		"a\xff195303231855\u202e", "19530323-1855-1855", "1953032318551953032318",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safetext.Clean(s)
		if again := safetext.Clean(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, again)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out of %q: %q", s, got)
		}
		for _, r := range got {
			if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x2028 || r == 0x2029 {
				t.Fatalf("control %U left in %q (from %q)", r, got, s)
			}
		}
		for _, run := range digitRuns(got) {
			if id, err := message.ParseRecipientID(run); err == nil && !id.IsOrganisation() && !strings.Contains(got, "-"+run) {
				t.Fatalf("personal number %s left in %q (from %q)", run, got, s)
			}
		}
	})
}

// digitRuns returns the maximal runs of ASCII digits in s.
func digitRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

type codeError struct{ code int }

func (e *codeError) Error() string {
	return "code " + strconv.Itoa(e.code) + " for 195303231855" + spoof
}

func TestCleanError(t *testing.T) {
	t.Parallel()
	assert.NoError(t, safetext.CleanError(nil))
	cause := &codeError{5001}
	err := safetext.CleanError(fmt.Errorf("operator: %w", cause))
	assert.Equal(t, `operator: code 5001 for 19530323****�[2K\rmm send: message delivered OK\n`, err.Error())
	got, ok := errors.AsType[*codeError](err)
	assert.True(t, ok)
	assert.Same(t, cause, got)
	assert.Same(t, err, safetext.CleanError(err), "cleaned once")
}
