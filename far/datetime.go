package far

import (
	"fmt"
	"time"
)

// dateTime reads an xs:dateTime element; see parseDateTime.
func (a *answers) dateTime(name string) (time.Time, error) {
	b, err := a.text(name)
	if err != nil {
		return time.Time{}, err
	}
	t, offset, ok := parseDateTime(b)
	if !ok {
		return time.Time{}, fmt.Errorf("%s %q is not an xs:dateTime", name, b)
	}
	if offset == 0 {
		return t, nil
	}
	loc, ok := a.zones[offset]
	if !ok {
		loc = time.FixedZone("", offset)
		if a.zones == nil {
			a.zones = map[int]*time.Location{}
		}
		a.zones[offset] = loc
	}
	return t.In(loc), nil
}

// parseDateTime reads an xs:dateTime as FaR writes it,
// 2016-10-30T15:38:49.517+01:00: a four-digit year, seconds with an
// optional fraction, and an optional zone (Z or ±hh:mm; none is read as
// UTC). It returns the time in UTC and the zone's offset in seconds.
func parseDateTime(b []byte) (t time.Time, offset int, ok bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return t, 0, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return t, 0, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for ; n < len(rest) && rest[n] >= '0' && rest[n] <= '9'; n++ {
			if n <= 9 {
				nsec = nsec*10 + int(rest[n]-'0')
			}
		}
		if n == 1 {
			return t, 0, false
		}
		for k := n; k <= 9; k++ {
			nsec *= 10
		}
		rest = rest[n:]
	}
	switch {
	case len(rest) == 0, len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, okH := digits(rest[1:3])
		m, okM := digits(rest[4:6])
		if !okH || !okM || h > 14 || m > 59 || (h == 14 && m > 0) {
			return t, 0, false
		}
		offset = (h*60 + m) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return t, 0, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 30 February and the like
		return time.Time{}, 0, false
	}
	return t.Add(-time.Duration(offset) * time.Second), offset, true
}

// digits reads a run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
