package securityclass

import (
	"fmt"
	"slices"
	"strings"
)

// Class is a protection class (skyddsklass). The zero value means "not set";
// [Class.OrDefault] turns it into [Class3], the class most messages use.
type Class int

// The three protection classes.
const (
	Class1 Class = 1
	Class2 Class = 2
	Class3 Class = 3
)

// Default is the class used when a message does not name one.
const Default = Class3

// Parse reads a class from "1", "2" or "3" (surrounding space and a leading
// "class " or "skyddsklass " are accepted).
func Parse(s string) (Class, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "skyddsklass")
	t = strings.TrimPrefix(t, "class")
	switch strings.TrimSpace(t) {
	case "1":
		return Class1, nil
	case "2":
		return Class2, nil
	case "3":
		return Class3, nil
	}
	return 0, fmt.Errorf("securityclass: %q is not a protection class: only 1, 2 and 3 exist", s)
}

// Valid reports whether c is one of the three classes.
func (c Class) Valid() bool { return c >= Class1 && c <= Class3 }

// OrDefault returns c, or [Default] when c is the zero value.
func (c Class) OrDefault() Class {
	if c == 0 {
		return Default
	}
	return c
}

// String returns "class 1", "class 2" or "class 3" (or "class ?(n)" for an
// invalid value, so that a bad value is visible in logs).
func (c Class) String() string {
	if c.Valid() {
		return fmt.Sprintf("class %d", int(c))
	}
	if c == 0 {
		return "class unset"
	}
	return fmt.Sprintf("class ?(%d)", int(c))
}

// Requirements returns what the class means, from [Rules]; the zero value
// means class 3. An invalid class returns the zero Requirements and false.
func (c Class) Requirements() (Requirements, bool) {
	r := row(c)
	if r == nil {
		return Requirements{}, false
	}
	out := *r
	out.Inferred = slices.Clone(r.Inferred)
	return out, true
}

// Operation returns the Service v3 operation that carries messages of the
// class, from [Rules]: [OpNotify] for class 1, [OpDeliverSecure] for
// classes 2 and 3 (and the zero value); "" for an invalid class.
func (c Class) Operation() Operation {
	if r := row(c); r != nil {
		return r.Operation
	}
	return ""
}

// row is the table's row for c (the zero value meaning class 3), nil for
// an invalid class. Every message asks it, so it reads the table in place.
func row(c Class) *Requirements {
	c = c.OrDefault()
	for i := range rules {
		if rules[i].Class == c {
			return &rules[i]
		}
	}
	return nil
}

// MarshalText encodes the class as its digit.
func (c Class) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("securityclass: cannot encode invalid class %d", int(c))
	}
	return []byte{byte('0' + c)}, nil
}

// UnmarshalText decodes a class written as by [Parse].
func (c *Class) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
