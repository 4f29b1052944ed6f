package message

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// RecipientID is a recipient's identity in its 12-digit wire form, without
// hyphen: a personal identity number (personnummer) YYYYMMDDNNNN, a
// coordination number (samordningsnummer, day + 60), or an organisation
// number 16NNNNNNNNNN. A sole trader (enskild firma) receives post on the
// owner's personal identity number.
//
// Personal identity numbers are personal data: String and LogValue mask the
// last four digits of a person's number, so that fmt and slog never print it
// whole. Use [RecipientID.Number] for the full wire form.
type RecipientID string

// OrgNumber is an organisation number in its 12-digit wire form 16NNNNNNNNNN.
type OrgNumber string

// IDKind tells what kind of identity a RecipientID is.
type IDKind int

// The kinds of recipient identity.
const (
	KindInvalid IDKind = iota
	KindPerson
	KindCoordination
	KindOrganisation
)

func (k IDKind) String() string {
	switch k {
	case KindPerson:
		return "personal identity number"
	case KindCoordination:
		return "coordination number"
	case KindOrganisation:
		return "organisation number"
	}
	return "invalid"
}

// ErrInvalidID is wrapped by every error of the identity parsers.
var ErrInvalidID = errors.New("invalid identity number")

// IDError tells why an identity number was refused. It never holds the
// number itself.
type IDError struct {
	Reason string
}

func (e *IDError) Error() string { return "invalid identity number: " + e.Reason }

// Unwrap lets errors.Is(err, ErrInvalidID) match.
func (e *IDError) Unwrap() error { return ErrInvalidID }

func idErr(format string, a ...any) error { return &IDError{Reason: fmt.Sprintf(format, a...)} }

// ParseRecipientID reads an identity in any of the forms people write and
// returns its wire form. Accepted: YYYYMMDDNNNN, YYYYMMDD-NNNN, YYMMDD-NNNN,
// YYMMDDNNNN, YYMMDD+NNNN (a person aged 100 or more), coordination numbers
// in the same forms (day + 60), and organisation numbers as NNNNNN-NNNN,
// NNNNNNNNNN or 16NNNNNNNNNN. The Luhn check digit is verified, and a
// person's date must exist. The century of a 10-digit personal number is
// chosen relative to the current date; use [ParseRecipientIDAt] to fix it.
func ParseRecipientID(s string) (RecipientID, error) {
	return ParseRecipientIDAt(s, time.Now())
}

// ParseRecipientIDAt is [ParseRecipientID] with the date that decides the
// century of a 10-digit personal identity number.
func ParseRecipientIDAt(s string, now time.Time) (RecipientID, error) {
	digits, sep, err := splitID(s)
	if err != nil {
		return "", err
	}
	switch len(digits) {
	case 10:
		if digits[2] >= '2' { // month position >= 20: an organisation
			if sep == '+' {
				return "", idErr("'+' is not used in organisation numbers")
			}
			return orgFrom10(digits)
		}
		full, err := addCentury(digits, sep == '+', now)
		if err != nil {
			return "", err
		}
		return personFrom12(full)
	case 12:
		if strings.HasPrefix(digits, "16") && digits[4] >= '2' {
			return orgFrom10(digits[2:])
		}
		if sep == '+' {
			return "", idErr("'+' only goes with a 2-digit year")
		}
		return personFrom12(digits)
	}
	return "", idErr("has %d digits, want 10 or 12", len(digits))
}

// ParseOrgNumber reads an organisation number written as NNNNNN-NNNN,
// NNNNNNNNNN or 16NNNNNNNNNN and returns its wire form.
func ParseOrgNumber(s string) (OrgNumber, error) {
	digits, sep, err := splitID(s)
	if err != nil {
		return "", err
	}
	if sep == '+' {
		return "", idErr("'+' is not used in organisation numbers")
	}
	switch {
	case len(digits) == 12 && strings.HasPrefix(digits, "16"):
		digits = digits[2:]
	case len(digits) == 12:
		return "", idErr("a 12-digit organisation number starts with 16")
	case len(digits) != 10:
		return "", idErr("has %d digits, want 10 or 12", len(digits))
	}
	if digits[2] < '2' {
		return "", idErr("third digit of an organisation number is at least 2")
	}
	id, err := orgFrom10(digits)
	return OrgNumber(id), err
}

// splitID strips space, finds the one allowed separator and checks that the
// rest is digits.
func splitID(s string) (digits string, sep byte, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, idErr("empty")
	}
	if len(s) > 13 {
		return "", 0, idErr("too long")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '-' || c == '+':
			if sep != 0 {
				return "", 0, idErr("more than one separator")
			}
			// The separator stands before the last four digits.
			if len(s)-i != 5 {
				return "", 0, idErr("separator must stand before the last four digits")
			}
			sep = c
		default:
			return "", 0, idErr("unexpected character %q", c)
		}
	}
	return b.String(), sep, nil
}

func orgFrom10(d string) (RecipientID, error) {
	if !luhnValid(d) {
		return "", idErr("check digit does not match (Luhn)")
	}
	return RecipientID("16" + d), nil
}

func personFrom12(d string) (RecipientID, error) {
	c := d[:2]
	if c != "18" && c != "19" && c != "20" {
		return "", idErr("year %s is outside 1800-2099", d[:4])
	}
	if _, _, err := birthDate(d); err != nil {
		return "", err
	}
	if !luhnValid(d[2:]) {
		return "", idErr("check digit does not match (Luhn)")
	}
	return RecipientID(d), nil
}

// birthDate returns the date a 12-digit personal or coordination number
// encodes. Day 60 in a coordination number means the day is unknown; the
// first of the month is returned then.
func birthDate(d string) (time.Time, bool, error) {
	year := atoi(d[0:4])
	month := atoi(d[4:6])
	day := atoi(d[6:8])
	coord := day > 60
	if day == 60 { // coordination number with unknown day
		coord, day = true, 1
	} else if coord {
		day -= 60
	}
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, coord, idErr("date %s-%s-%s does not exist", d[0:4], d[4:6], d[6:8])
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return time.Time{}, coord, idErr("date %s-%s-%s does not exist", d[0:4], d[4:6], d[6:8])
	}
	return t, coord, nil
}

// addCentury turns YYMMDDNNNN into YYYYMMDDNNNN: the most recent century in
// which the date exists and is not in the future; one century earlier for
// '+', which marks a person aged 100 or more.
func addCentury(d string, plus bool, now time.Time) (string, error) {
	base := now.Year() - now.Year()%100 + atoi(d[:2])
	var firstErr error
	for _, y := range []int{base, base - 100} {
		t, _, err := birthDate(fmt.Sprintf("%04d%s", y, d[2:]))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if t.After(now) {
			continue
		}
		if plus {
			y -= 100
		}
		return fmt.Sprintf("%04d%s", y, d[2:]), nil
	}
	if firstErr == nil {
		firstErr = idErr("date lies in the future")
	}
	return "", firstErr
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// luhnValid checks the Luhn check digit of a 10-digit number: the digits at
// even positions from the left are doubled.
func luhnValid(d string) bool {
	sum := 0
	for i := 0; i < len(d); i++ {
		n := int(d[i] - '0')
		if i%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// Kind tells what kind of identity r is, or KindInvalid when r is not a
// well-formed wire form.
func (r RecipientID) Kind() IDKind {
	s := string(r)
	if len(s) != 12 || !allDigits(s) {
		return KindInvalid
	}
	if strings.HasPrefix(s, "16") && s[4] >= '2' {
		return KindOrganisation
	}
	if _, coord, err := birthDate(s); err == nil {
		if coord {
			return KindCoordination
		}
		return KindPerson
	}
	return KindInvalid
}

// Valid reports whether r is a well-formed wire form with a correct check
// digit.
func (r RecipientID) Valid() bool {
	got, err := ParseRecipientIDAt(string(r), time.Time{})
	return err == nil && got == r
}

// Number returns the full 12-digit wire form. Do not log it.
func (r RecipientID) Number() string { return string(r) }

// Masked returns the identity safe for logs: a person's number keeps its date
// and loses the last four digits (19530323****); an organisation number is
// public and stays whole.
func (r RecipientID) Masked() string {
	s := string(r)
	if r.Kind() == KindOrganisation {
		return s
	}
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return s[:len(s)-4] + "****"
}

// String returns the masked form; see [RecipientID.Masked].
func (r RecipientID) String() string { return r.Masked() }

// LogValue makes slog print the masked form.
func (r RecipientID) LogValue() slog.Value { return slog.StringValue(r.Masked()) }

// IsOrganisation reports whether r is an organisation number.
func (r RecipientID) IsOrganisation() bool { return r.Kind() == KindOrganisation }

// String returns the wire form; organisation numbers are public.
func (o OrgNumber) String() string { return string(o) }

// Valid reports whether o is a well-formed organisation number.
func (o OrgNumber) Valid() bool {
	got, err := ParseOrgNumber(string(o))
	return err == nil && got == o
}

// RecipientID returns o as a recipient identity.
func (o OrgNumber) RecipientID() RecipientID { return RecipientID(o) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
