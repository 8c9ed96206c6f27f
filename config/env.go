package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// expandEnv replaces ${NAME} in every string of the decoded config. Only the
// braced form is expanded: a bare $ is common in passwords and must stay.
// Walking the decoded struct (rather than the YAML text) keeps line numbers
// exact and applies to every string field, including ones added later.
func expandEnv(c *Config, getenv func(string) (string, bool)) []Problem {
	e := &expander{c: c, getenv: getenv}
	e.walk(reflect.ValueOf(c).Elem(), "")
	return e.problems
}

type expander struct {
	c        *Config
	getenv   func(string) (string, bool)
	problems []Problem
}

func (e *expander) walk(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		if s, ok := e.expand(v.String(), path); ok && v.CanSet() {
			v.SetString(s)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			e.walk(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if !f.IsExported() || name == "" {
				continue
			}
			e.walk(v.Field(i), joinPath(path, name))
		}
	case reflect.Slice:
		for i := range v.Len() {
			e.walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			// Map values are not addressable: expand a copy and store it back.
			val := reflect.New(v.Type().Elem()).Elem()
			val.Set(v.MapIndex(k))
			e.walk(val, joinPath(path, k.String()))
			v.SetMapIndex(k, val)
		}
	}
}

// yamlName is the key a struct field is read from, "" for fields yaml skips.
func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

// expand returns s with ${NAME} replaced; ok is false when s has nothing to
// expand. An unset variable is a problem: an empty password or host would
// otherwise fail much later and far from its cause.
func (e *expander) expand(s, path string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, false
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			break
		}
		name := s[i+2 : i+2+j]
		if !validEnvName(name) {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		val, ok := e.getenv(name)
		if !ok {
			// The half-expanded value would only cause misleading problems.
			if e.c.src != nil {
				e.c.src.broken = append(e.c.src.broken, path)
			}
			e.problems = append(e.problems, Problem{
				File: e.c.Path, Line: e.c.src.line(path), Path: path,
				Msg: fmt.Sprintf("environment variable %s is not set", name),
			})
		}
		b.WriteString(val)
		s = s[i+3+j:]
	}
	b.WriteString(s)
	return b.String(), true
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
