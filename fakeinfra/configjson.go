package fakeinfra

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/avsandare/mm/safetext"
)

// ConfigError is a mistake in a configuration, at a JSON path such as
// recipients[2].mailbox (empty when the mistake is the whole document).
type ConfigError struct {
	Path string
	Err  error
}

// Error names the path and the mistake. Both may quote the file (a key, a
// name), which may hold anything: the text is cleaned by safetext.Clean.
func (e *ConfigError) Error() string {
	if e.Path == "" {
		return safetext.Clean("config: " + e.Err.Error())
	}
	return safetext.Clean("config: " + e.Path + ": " + e.Err.Error())
}

// Unwrap returns the mistake without its path.
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(path, format string, a ...any) error {
	return &ConfigError{Path: path, Err: fmt.Errorf(format, a...)}
}

// decodeStrict decodes JSON into v (a pointer to a struct) as encoding/json
// does, but refuses fields v does not have and names the JSON path of each
// mistake, which encoding/json does not: a configuration's author should
// learn which entry of which list to fix.
func decodeStrict(data []byte, v any) error {
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			line, col := position(data, se.Offset-1) // Offset is just past the offending byte
			return configErr("", "line %d, column %d: %v", line, col, se)
		}
		return configErr("", "%v", err)
	}
	return decodeValue("", data, reflect.ValueOf(v).Elem())
}

func decodeValue(path string, raw json.RawMessage, v reflect.Value) error {
	null := bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
	switch v.Kind() {
	case reflect.Pointer:
		if null {
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return decodeValue(path, raw, v.Elem())
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			return configErr(path, "want an object")
		}
		fields := jsonFields(v.Type())
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		given := map[int]string{}
		for _, k := range keys {
			idx, ok := fields[k]
			if !ok {
				return configErr(join(path, k), "unknown field (known: %s)", strings.Join(sortedNames(fields), ", "))
			}
			if other, twice := given[idx]; twice {
				return configErr(join(path, k), "given twice, also as %s: keep one", other)
			}
			given[idx] = k
			if err := decodeValue(join(path, k), obj[k], v.Field(idx)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if null {
			v.SetZero()
			return nil
		}
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return configErr(path, "want an array")
		}
		out := reflect.MakeSlice(v.Type(), len(arr), len(arr))
		for k, el := range arr {
			if err := decodeValue(fmt.Sprintf("%s[%d]", path, k), el, out.Index(k)); err != nil {
				return err
			}
		}
		v.Set(out)
		return nil
	}
	if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
		return configErr(path, "want %s", kindName(v.Kind()))
	}
	return nil
}

// jsonFields maps the JSON names of a struct's fields to their indexes: the
// camelCase name of the tag, which every JSON of mm uses ("displayName"),
// and its snake_case spelling ("display_name"), which configurations
// written before stay readable by.
func jsonFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for k := range t.NumField() {
		f := t.Field(k)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = k
		out[snakeCase(name)] = k
	}
	return out
}

// snakeCase spells a camelCase key as configurations written before the
// keys were camelCase did: afterStore, after_store.
func snakeCase(key string) string {
	var b strings.Builder
	for _, r := range key {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sortedNames lists the fields by their camelCase names.
func sortedNames(fields map[string]int) []string {
	out := make([]string, 0, len(fields))
	for n := range fields {
		if !strings.Contains(n, "_") {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a " + k.String()
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// position turns a byte offset into a line and column, both from 1.
func position(data []byte, offset int64) (line, col int) {
	before := data[:max(0, min(int(offset), len(data)))]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
