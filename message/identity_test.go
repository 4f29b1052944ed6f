package message

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var refDate = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestParseRecipientIDForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     RecipientID
		kind     IDKind
	}{
		{"12 digits", "195303231855", "195303231855", KindPerson},
		{"12 digits with hyphen", "19530323-1855", "195303231855", KindPerson},
		{"10 digits with hyphen", "530323-1855", "195303231855", KindPerson},
		{"10 digits", "5303231855", "195303231855", KindPerson},
		{"space around", "  810105-2382 ", "198101052382", KindPerson},
		{"plus: 100 years or more", "530323+1855", "185303231855", KindPerson},
		{"this century", "250101-1239", "202501011239", KindPerson},
		{"future date goes a century back", "270101-1237", "192701011237", KindPerson},
		{"leap day 2000", "000229-1235", "200002291235", KindPerson},
		{"leap day 2012", "120229-1231", "201202291231", KindPerson},
		{"coordination number", "530383-1852", "195303831852", KindCoordination},
		{"coordination number 12 digits", "195303831852", "195303831852", KindCoordination},
		{"organisation with hyphen", "202100-4748", "162021004748", KindOrganisation},
		{"organisation 10 digits", "5568402266", "165568402266", KindOrganisation},
		{"organisation 16-prefixed", "162021004748", "162021004748", KindOrganisation},
		{"sole trader receives on personnummer", "19810105-2382", "198101052382", KindPerson},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRecipientIDAt(tt.in, refDate)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.kind, got.Kind())
			assert.True(t, got.Valid())
		})
	}
}

func TestParseRecipientIDRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, reason string
	}{
		{"wrong check digit", "195303231856", "check digit"},
		{"wrong check digit short form", "530323-1856", "check digit"},
		{"impossible date", "195302301855", "does not exist"},
		{"month 13", "195313231855", "does not exist"},
		{"29 February in no leap year", "210229-1230", "does not exist"},
		{"coordination day beyond 91", "195303951855", "does not exist"},
		{"too short", "53032318", "digits"},
		{"13 digits", "1953032318551", "13 digits"},
		{"far too long", "19530323185511", "too long"},
		{"letters", "19530323-18X5", "unexpected character"},
		{"two separators", "530-323-1855", "separator"},
		{"separator in the wrong place", "5303-231855", "separator"},
		{"year before 1800", "175303231855", "outside 1800-2099"},
		{"organisation with plus", "202100+4748", "'+'"},
		{"organisation wrong check digit", "202100-4749", "check digit"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRecipientIDAt(tt.in, refDate)
			require.Error(t, err)
			assert.Empty(t, got)
			assert.ErrorIs(t, err, ErrInvalidID)
			assert.Contains(t, err.Error(), tt.reason)
			// The error never repeats the number.
			if len(tt.in) >= 10 {
				assert.NotContains(t, err.Error(), strings.ReplaceAll(tt.in, "-", ""))
			}
		})
	}
}

func TestParseOrgNumber(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"202100-4748", "2021004748", "162021004748"} {
		got, err := ParseOrgNumber(in)
		require.NoError(t, err, in)
		assert.Equal(t, OrgNumber("162021004748"), got)
		assert.True(t, got.Valid())
	}
	for _, in := range []string{"195303231855", "530323-1855", "172021004748", "202100-4749", "20210047"} {
		_, err := ParseOrgNumber(in)
		assert.ErrorIs(t, err, ErrInvalidID, in)
	}
}

func TestRecipientIDMasking(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "19530323****", testPerson.Masked())
	assert.Equal(t, "19530323****", fmt.Sprint(testPerson))
	assert.Equal(t, "19530323****", fmt.Sprintf("%s %v", testPerson, testPerson)[:12])
	assert.Equal(t, "195303231855", testPerson.Number())
	assert.Equal(t, "162021004748", RecipientID(testOrg).Masked(), "organisation numbers are public")

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("send", "to", testPerson)
	assert.Contains(t, buf.String(), "19530323****")
	assert.NotContains(t, buf.String(), "195303231855")
}

func TestRecipientIDValidRejectsNonWireForms(t *testing.T) {
	t.Parallel()
	assert.False(t, RecipientID("5303231855").Valid(), "10-digit form is not the wire form")
	assert.False(t, RecipientID("19530323-1855").Valid())
	assert.False(t, RecipientID("195303231856").Valid())
	assert.Equal(t, KindInvalid, RecipientID("abc").Kind())
}

func TestIDErrorUnwraps(t *testing.T) {
	t.Parallel()
	_, err := ParseRecipientID("nonsense")
	var ie *IDError
	require.True(t, errors.As(err, &ie))
	assert.NotEmpty(t, ie.Reason)
}

func FuzzParseRecipientID(f *testing.F) {
	for _, s := range []string{"195303231855", "530323-1855", "530323+1855", "202100-4748", "162021004748", "195303831852", "", "--", "0000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseRecipientIDAt(s, refDate)
		if err != nil {
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("error does not wrap ErrInvalidID: %v", err)
			}
			return
		}
		// What parses is a valid wire form that parses to itself.
		if !id.Valid() || id.Kind() == KindInvalid {
			t.Fatalf("%q parsed to invalid %q", s, id.Number())
		}
		again, err := ParseRecipientIDAt(id.Number(), refDate)
		if err != nil || again != id {
			t.Fatalf("wire form %q does not parse to itself: %q, %v", id.Number(), again.Number(), err)
		}
	})
}
