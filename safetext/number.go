package safetext

import "strings"

// number writes the digits that start at s[i] (not preceded by a digit),
// masked when they are a personal identity number, and returns the index
// after what it wrote.
func number(b *strings.Builder, s string, i int) int {
	end := digitsEnd(s, i)
	n := end - i
	// With a separator: YYYYMMDD-NNNN or YYMMDD-NNNN ('+' for a person aged
	// 100 or more).
	if (n == 8 || n == 6) && end+5 <= len(s) && (s[end] == '-' || s[end] == '+') &&
		digitsEnd(s, end+1) == end+5 {
		if personal(s[i:end] + s[end+1:end+5]) {
			b.WriteString(s[i : end+1])
			b.WriteString("****")
		} else {
			b.WriteString(s[i : end+5])
		}
		return end + 5
	}
	if (n == 12 || n == 10) && personal(s[i:end]) {
		b.WriteString(s[i : end-4])
		b.WriteString("****")
		return end
	}
	b.WriteString(s[i:end])
	return end
}

// digitsEnd returns the index after the run of digits that starts at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// personal reports whether d, 10 or 12 digits, reads as a personal or
// coordination number: a real month and a day of 1–31 (61–91 for a
// coordination number, 60 for one whose day is unknown), in the years
// 1800–2099 for the 12-digit form. Organisation numbers, whose month
// position is 20 or more, are not personal. The check digit is not
// asked for: a mistyped number still names a person.
func personal(d string) bool {
	switch len(d) {
	case 12:
		if c := d[:2]; c != "18" && c != "19" && c != "20" {
			return false
		}
		d = d[2:]
	case 10:
	default:
		return false
	}
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	day := int(d[4]-'0')*10 + int(d[5]-'0')
	return month >= 1 && month <= 12 && (day >= 1 && day <= 31 || day >= 60 && day <= 91)
}
