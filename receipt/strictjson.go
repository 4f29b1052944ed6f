package receipt

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode"
)

// shape is what an object of a proof file may hold: its keys, exactly as
// written, each with the shape of its value (nil: any value that is not
// an object, or an array of such).
type shape struct{ fields map[string]*shape }

// shapeOf derives the keys of a struct from its json tags. A type that
// decodes itself (time.Time) is a plain value.
func shapeOf(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	p := reflect.PointerTo(t)
	if t.Kind() != reflect.Struct || p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
		return nil
	}
	s := &shape{fields: map[string]*shape{}}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "-" && name != "" {
			s.fields[name] = shapeOf(f.Type)
		}
	}
	return s
}

// proofShape is the file format: the proof's keys, the receipt's inside
// (proofJSON holds the receipt as raw JSON).
var proofShape = func() *shape {
	s := shapeOf(reflect.TypeFor[proofJSON]())
	s.fields["receipt"] = shapeOf(reflect.TypeFor[receiptJSON]())
	return s
}()

// maxJSONDepth bounds nesting; a proof file nests three deep.
const maxJSONDepth = 16

// jsonFrame is an object or array being read.
type jsonFrame struct {
	object, wantKey bool
	shape           *shape            // of this object, or of each element of this array
	next            *shape            // of the value after the key just read
	seen            map[string]string // folded key → the key as written
}

// checkStrict refuses JSON that encoding/json would read differently from
// other readers, before it decodes a proof: two keys of one object that
// are the same, or the same but for case (encoding/json matches names
// ignoring case and keeps the last of two, where jq shows another), a key
// not written exactly as the format names it, an object where the format
// has a plain value, and anything after the one top-level value.
func checkStrict(data []byte, top *shape) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var stack []*jsonFrame
	done := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if !done {
				return errors.New("no JSON value")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if done {
			return errors.New("something follows the JSON object")
		}
		var f *jsonFrame
		if len(stack) > 0 {
			f = stack[len(stack)-1]
		}
		if f != nil && f.object && f.wantKey {
			if tok == json.Delim('}') {
				stack = stack[:len(stack)-1]
				done = afterValue(stack)
				continue
			}
			if err := f.key(tok.(string)); err != nil { // json.Decoder gives only strings here
				return err
			}
			continue
		}
		expect := top
		switch {
		case f != nil && f.object:
			expect = f.next
		case f != nil:
			expect = f.shape
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) == maxJSONDepth {
				return fmt.Errorf("nested deeper than %d", maxJSONDepth)
			}
			object := tok == json.Delim('{')
			switch {
			case !object && expect != nil:
				return errors.New("want an object where an array stands")
			case object && expect == nil && f != nil:
				// Every object of the format has its keys listed.
				return errors.New("want a plain value where an object stands")
			}
			stack = append(stack, &jsonFrame{object: object, wantKey: object, shape: expect, seen: map[string]string{}})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			if expect != nil {
				return errors.New("want an object where a plain value stands")
			}
		}
		done = afterValue(stack)
	}
}

// key checks the key just read in object f.
func (f *jsonFrame) key(key string) error {
	folded := foldKey(key)
	if prev, dup := f.seen[folded]; dup {
		if prev == key {
			return fmt.Errorf("key %q appears twice in one object", key)
		}
		return fmt.Errorf("keys %q and %q differ only in case", prev, key)
	}
	f.seen[folded] = key
	f.wantKey, f.next = false, nil
	if f.shape == nil {
		return nil
	}
	child, known := f.shape.fields[key]
	if !known {
		for name := range f.shape.fields {
			if strings.EqualFold(name, key) {
				return fmt.Errorf("key %q must be written %q", key, name)
			}
		}
		return fmt.Errorf("unknown key %q", key)
	}
	f.next = child
	return nil
}

// afterValue notes that a value ended: the object around it, if any, wants
// its next key. It reports whether the top-level value ended.
func afterValue(stack []*jsonFrame) bool {
	if len(stack) == 0 {
		return true
	}
	if f := stack[len(stack)-1]; f.object {
		f.wantKey = true
	}
	return false
}

// foldKey maps a key to one string shared by every key equal to it but
// for case (Unicode simple folding, as strings.EqualFold compares).
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}
