package config

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal writes a Config built in code as veille.yaml text that Load reads
// back to the same values. Keys whose zero value Load reads the same as an
// absent key (empty strings, false, empty lists and mappings, nil pointers)
// are left out; numbers are always written, since Load keeps a written 0
// where it would fill in a default, and so is listen, whose "" disables the
// HTTP server.
func Marshal(c *Config) ([]byte, error) {
	n := encodeValue(reflect.ValueOf(c).Elem(), "", true)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return b.Bytes(), nil
}

// encodeValue returns the node for v, or nil to leave the key out. keep
// writes a zero value all the same.
func encodeValue(v reflect.Value, path string, keep bool) *yaml.Node {
	// Durations and sizes are written the way an admin writes them.
	switch x := v.Interface().(type) {
	case Duration:
		if x == 0 && path == "public_link_ttl" {
			return nil // no lifetime is 0: a Config built without one gets the default
		}
		return scalarNode("!!str", x.String())
	case ByteSize:
		return scalarNode("!!str", x.String())
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return encodeValue(v.Elem(), path, true)
	case reflect.Struct:
		m := &yaml.Node{Kind: yaml.MappingNode}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if !f.IsExported() || name == "" {
				continue
			}
			p := joinPath(path, name)
			if n := encodeValue(v.Field(i), p, p == "listen"); n != nil {
				m.Content = append(m.Content, scalarNode("!!str", name), n)
			}
		}
		if len(m.Content) == 0 && !keep {
			return nil
		}
		return m
	case reflect.Slice:
		if v.Len() == 0 {
			return nil
		}
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Len() {
			s.Content = append(s.Content, encodeValue(v.Index(i), fmt.Sprintf("%s[%d]", path, i), true))
		}
		return s
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range keys {
			m.Content = append(m.Content, scalarNode("!!str", k.String()), encodeValue(v.MapIndex(k), joinPath(path, k.String()), true))
		}
		return m
	case reflect.String:
		if v.String() == "" && !keep {
			return nil
		}
		return scalarNode("!!str", v.String())
	case reflect.Bool:
		if !v.Bool() && !keep {
			return nil
		}
		return scalarNode("!!bool", strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int64:
		return scalarNode("!!int", strconv.FormatInt(v.Int(), 10))
	case reflect.Float64:
		// Untagged, so that a whole number reads as one: min: 100.
		return scalarNode("", strconv.FormatFloat(v.Float(), 'g', -1, 64))
	}
	// A field of a new kind: TestMarshalRoundTrip fails until it is handled.
	panic(fmt.Sprintf("config: Marshal cannot write %s (%s)", path, v.Type()))
}

func scalarNode(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}
