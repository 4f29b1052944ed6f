package paperdir

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/avsandare/mm/message"
)

// maxID bounds a message ID used as a folder name, leaving room in
// the 255-byte name limit of common file systems for the ".tmp-<id>-<random>"
// name it is first written under.
const maxID = 200

// checkMessage checks what a paper folder needs of a message: an ID
// that is a safe folder name, a recipient to address, a body, and attachment
// names that are plain file names on any file system the print provider may
// use. message.Validate already refuses names with directories; this checks
// again, and more strictly, because here names become paths.
func checkMessage(m *message.Message, why message.PaperReason) error {
	bad := func(field, rule, value string) error {
		return &message.ValidationError{Field: field, Rule: rule, Value: value}
	}
	if m == nil {
		return bad("Message", "required", "")
	}
	if !why.Valid() {
		return bad("PaperReason", "must be one of the PaperReason values", strconv.Quote(string(why)))
	}
	if err := checkID(m.ID); err != nil {
		return bad("ID", err.Error(), quote(m.ID))
	}
	if !m.Recipient.Valid() {
		return bad("Recipient", "must be a valid 12-digit identity the letter can be addressed to", m.Recipient.Masked())
	}
	if strings.TrimSpace(m.Subject) == "" {
		return bad("Subject", "required", "")
	}
	switch m.Body.ContentType {
	case message.ContentTypePlain, message.ContentTypeHTML:
	default:
		return bad("Body.ContentType", "must be text/plain or text/html", quote(m.Body.ContentType))
	}
	if strings.TrimSpace(m.Body.Text) == "" {
		return bad("Body.Text", "required", "")
	}
	seen := make(map[string]int, len(m.Attachments))
	for i, a := range m.Attachments {
		f := fmt.Sprintf("Attachments[%d].Filename", i)
		if err := checkFilename(a.Filename); err != nil {
			return bad(f, err.Error(), quote(a.Filename))
		}
		// Case-insensitive file systems would put two such names in one file.
		key := strings.ToLower(a.Filename)
		if j, dup := seen[key]; dup {
			return bad(f, fmt.Sprintf("differs from Attachments[%d].Filename only in case", j), quote(a.Filename))
		}
		seen[key] = i
	}
	return nil
}

func checkID(id string) error {
	switch {
	case id == "":
		return errors.New("required: call SetDefaults first")
	case len(id) > maxID:
		return fmt.Errorf("at most %d bytes to serve as a folder name", maxID)
	case !isAlnum(rune(id[0])) || !isAlnum(rune(id[len(id)-1])):
		return errors.New("must start and end with a letter or digit to serve as a folder name")
	}
	for _, r := range id {
		if !isAlnum(r) && r != '-' && r != '_' && r != '.' {
			return errors.New("may hold only ASCII letters, digits, '-', '_' and '.' to serve as a folder name")
		}
	}
	return nil
}

func isAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// checkFilename accepts a plain file name: no directory, no control
// characters, nothing Windows refuses or treats specially (a colon opens an
// alternate data stream; a trailing dot or space is dropped), no leading
// dot, so that readers never mistake it for a hidden or temporary entry.
func checkFilename(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("required")
	case len(name) > 255:
		return errors.New("at most 255 bytes")
	case !utf8.ValidString(name):
		return errors.New("must be valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return errors.New("must be a file name without directories")
	case strings.HasPrefix(name, "."):
		return errors.New("must not start with a dot")
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return errors.New("must not end with a dot or a space")
	case strings.ContainsAny(name, `:*?"<>|`):
		return errors.New(`must not contain any of : * ? " < > |`)
	case strings.ContainsFunc(name, unicode.IsControl):
		return errors.New("must not contain control characters")
	case windowsReserved(name):
		return errors.New("must not be a device name Windows reserves (CON, NUL, COM1…)")
	}
	return nil
}

func windowsReserved(name string) bool {
	stem, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch stem {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) && stem[3] >= '1' && stem[3] <= '9'
}

func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}
