package asyncos

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseShowChanges reads `showchanges` [C-IAF]: a Python dict literal,
// mode → mode name → setting key → value ({'standalone': {”: {...}}}),
// `{}` when nothing is pending. Only the keys matter; values may be any
// literal (strings, numbers, None, lists, nested dicts such as
// {'all': {-1: [...]}}). A literal that does not close is an error: an
// incomplete block must never read as "nothing pending".
func ParseShowChanges(text string) (*facts.PendingChanges, []facts.Warning, error) {
	const cmd = "showchanges"
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	var body strings.Builder
	first := 0
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if body.Len() == 0 && t == "" {
			continue
		}
		if body.Len() == 0 {
			if !strings.HasPrefix(t, "{") {
				return nil, nil, parseErr(cmd, i+1, l, errors.New("not a dict literal"))
			}
			first = i
		}
		body.WriteString(l + "\n")
	}
	p := &pyParser{s: body.String()}
	v, err := p.value()
	if err == nil {
		p.space()
		if p.i < len(p.s) {
			err = fmt.Errorf("text after the dict at offset %d", p.i)
		}
	}
	if err != nil {
		return nil, nil, parseErr(cmd, first+1, ls[first], err)
	}
	top, ok := v.(pyDict)
	if !ok {
		return nil, nil, parseErr(cmd, first+1, ls[first], errors.New("not a dict literal"))
	}
	pc := &facts.PendingChanges{Keys: []facts.PendingKey{}, Evidence: evidence(cmd)}
	addEvidence(&pc.Evidence, strings.TrimSpace(ls[first]))
	for _, m := range top {
		names, ok := m.val.(pyDict)
		if !ok {
			return nil, nil, parseErr(cmd, first+1, ls[first], fmt.Errorf("mode %s is not a dict", m.key))
		}
		for _, n := range names {
			keys, ok := n.val.(pyDict)
			if !ok {
				return nil, nil, parseErr(cmd, first+1, ls[first], fmt.Errorf("mode %s %s is not a dict", m.key, n.key))
			}
			for _, k := range keys {
				pc.Keys = append(pc.Keys, facts.PendingKey{Mode: m.key, Name: n.key, Key: k.key})
			}
			if len(keys) == 0 {
				// A mode with an empty dict still says something was staged.
				pc.Keys = append(pc.Keys, facts.PendingKey{Mode: m.key, Name: n.key})
			}
		}
	}
	sort.Slice(pc.Keys, func(i, j int) bool {
		a, b := pc.Keys[i], pc.Keys[j]
		if a.Mode != b.Mode {
			return a.Mode < b.Mode
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Key < b.Key
	})
	pc.Pending = len(top) > 0
	return pc, nil, nil
}

// pyDict keeps a dict's entries in order, keys rendered as text.
type pyDict []pyEntry

type pyEntry struct {
	key string
	val any
}

// pyParser reads the subset of Python literals showchanges prints.
type pyParser struct {
	s string
	i int
}

const maxPyDepth = 64

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) value() (any, error) { return p.valueAt(0) }

func (p *pyParser) valueAt(depth int) (any, error) {
	if depth > maxPyDepth {
		return nil, errors.New("literal nested too deep")
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, errors.New("literal ends early")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '[' || c == '(':
		return p.list(depth, map[byte]byte{'[': ']', '(': ')'}[c])
	case c == '\'' || c == '"':
		return p.str()
	default:
		return p.word()
	}
}

func (p *pyParser) dict(depth int) (pyDict, error) {
	p.i++
	d := pyDict{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d, nil
		}
		k, err := p.valueAt(depth + 1)
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("no ':' after key at offset %d", p.i)
		}
		p.i++
		v, err := p.valueAt(depth + 1)
		if err != nil {
			return nil, err
		}
		d = append(d, pyEntry{key: fmt.Sprint(k), val: v})
		if err := p.sep('}'); err != nil {
			return nil, err
		}
	}
}

func (p *pyParser) list(depth int, end byte) ([]any, error) {
	p.i++
	var out []any
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return out, nil
		}
		v, err := p.valueAt(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if err := p.sep(end); err != nil {
			return nil, err
		}
	}
}

// sep consumes a ',' or leaves the closing bracket for the caller.
func (p *pyParser) sep(end byte) error {
	p.space()
	switch {
	case p.i >= len(p.s):
		return errors.New("literal ends early")
	case p.s[p.i] == ',':
		p.i++
		return nil
	case p.s[p.i] == end:
		return nil
	}
	return fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
}

func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == q:
			return b.String(), nil
		case c == '\\' && p.i < len(p.s):
			e := p.s[p.i]
			p.i++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		case c == '\n':
			return "", errors.New("string runs past the end of the line")
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("string does not end")
}

// word is a number, None, True or False.
func (p *pyParser) word() (string, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(",:}])\t\r\n ", p.s[p.i]) < 0 {
		p.i++
	}
	w := p.s[start:p.i]
	switch {
	case w == "None" || w == "True" || w == "False":
		return w, nil
	case w != "" && strings.Trim(strings.TrimPrefix(w, "-"), "0123456789.L") == "" && w != "-":
		return w, nil
	}
	return "", fmt.Errorf("unexpected %q at offset %d", w, start)
}
