package xmlseq

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/avsandare/mm/internal/xmltok"
)

const ns = "urn:r"

// record is what walk reads from a document of this shape, every element
// in namespace ns:
//
//	<r><name/> <note/>? <item/>* <data/>? <ext>anything</ext>? </r>
type record struct {
	Name  string
	Note  string
	Items []string
	Data  []byte
}

// walk reads a record with every kind of call a parser makes.
func walk(r *Reader) (record, error) {
	var rec record
	if err := r.Start(ns, "r"); err != nil {
		return rec, err
	}
	var err error
	if rec.Name, err = r.Leaf(ns, "name"); err != nil {
		return rec, err
	}
	if rec.Note, err = r.OptLeaf(ns, "note"); err != nil {
		return rec, err
	}
	for r.Is(ns, "item") {
		item, err := r.Leaf(ns, "item")
		if err != nil {
			return rec, err
		}
		rec.Items = append(rec.Items, item)
	}
	if ok, err := r.Opt(ns, "data"); err != nil {
		return rec, err
	} else if ok {
		b, err := r.TextBytes()
		if err != nil {
			return rec, err
		}
		rec.Data = bytes.Clone(b)
	}
	if ok, err := r.Opt(ns, "ext"); err != nil {
		return rec, err
	} else if ok {
		if err := r.Skip(); err != nil {
			return rec, err
		}
	}
	if err := r.End(); err != nil {
		return rec, err
	}
	return rec, r.EOF()
}

// source names a way to feed a Reader, as message and receipt do.
type source struct {
	name string
	new  func(doc []byte, o Options) *Reader
}

var sources = []source{
	{"encoding/xml", func(doc []byte, o Options) *Reader {
		return New(xml.NewDecoder(bytes.NewReader(doc)), o)
	}},
	{"xmltok", func(doc []byte, o Options) *Reader {
		o.Stable = true
		return New(xmltok.NewDecoder(doc, xmltok.Options{MaxDepth: 64}), o)
	}},
}

// walkAll walks doc with every source.
func walkAll(t *testing.T, doc string, o Options, f func(t *testing.T, src string, rec record, err error)) {
	t.Helper()
	for _, s := range sources {
		t.Run(s.name, func(t *testing.T) {
			rec, err := walk(s.new([]byte(doc), o))
			f(t, s.name, rec, err)
		})
	}
}
