package safetext

// number reads the digits that start at s[i] (not preceded by a digit),
// with the '-' or '+' people write before the last four of an identity
// number, and returns the index after them and whether they are a personal
// identity number, whose last four digits end there.
func number(s string, i int) (end int, mask bool) {
	end = digitsEnd(s, i)
	switch n := end - i; {
	case (n == 8 || n == 6) && end+5 <= len(s) && (s[end] == '-' || s[end] == '+') && digitsEnd(s, end+1) == end+5:
		return end + 5, personal(s[i:end])
	case n == 12 || n == 10:
		return end, personal(s[i : end-4])
	}
	return end, false
}

// digitsEnd returns the index after the run of digits that starts at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// personal reports whether date, the part of a 12- or 10-digit number
// before its last four digits (YYYYMMDD or YYMMDD), reads as that of a
// personal or coordination number: a real month and a day of 1–31 (61–91
// for a coordination number, 60 for one whose day is unknown), in the
// years 1800–2099 for the 12-digit form. Organisation numbers, whose month
// position is 20 or more, are not personal. The check digit is not asked
// for: a mistyped number still names a person.
func personal(date string) bool {
	if len(date) == 8 {
		if c := date[:2]; c != "18" && c != "19" && c != "20" {
			return false
		}
		date = date[2:]
	}
	month := int(date[2]-'0')*10 + int(date[3]-'0')
	day := int(date[4]-'0')*10 + int(date[5]-'0')
	return month >= 1 && month <= 12 && (day >= 1 && day <= 31 || day >= 60 && day <= 91)
}
