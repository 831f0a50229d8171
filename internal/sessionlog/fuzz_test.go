package sessionlog

import (
	"errors"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func addSessionSeeds(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/sessions/*")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("h> x\n\x1b[\r\b-Press Any Key For More-```\n")
}

// workPerByte bounds the bytes the cleaner's and splitter's loops may look
// at per input byte (plus a constant): a loop that rescans what it already
// scanned, the way to a time blow-up, exceeds it on some input long before
// the fuzzer's time limit would notice.
const workPerByte = 64

func checkWork(t *testing.T, m *meter, s string) {
	t.Helper()
	if budget := workPerByte*len(s) + 4096; m.n > budget {
		t.Fatalf("work %d for %d input bytes exceeds the linear budget %d", m.n, len(s), budget)
	}
}

// addAdversarialSeeds adds the benchmarks' worst cases, small.
func addAdversarialSeeds(f *testing.F) {
	for _, a := range adversarial {
		f.Add(a.gen(4 << 10))
	}
}

func FuzzClean(f *testing.F) {
	addSessionSeeds(f)
	addAdversarialSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		var m meter
		c := cleanMetered(s, &m)
		checkWork(t, &m, s)
		if again := Clean(c); again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, again)
		}
		if strings.ContainsAny(c, "\r\b\x1b") {
			t.Fatalf("control characters left in %q", c)
		}
		if i := strings.IndexAny(c, copyArtefacts); i >= 0 {
			t.Fatalf("a copy's artefact left at %d in %q", i, c)
		}
	})
}

// copyArtefacts are the characters Clean replaces (see copyArtefact).
const copyArtefacts = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000" +
	"\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u2018\u2019\u201a\u201c\u201d\u201e"

func FuzzSplit(f *testing.F) {
	addSessionSeeds(f)
	addAdversarialSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		var m meter
		cmds, err := splitMetered(s, &m)
		checkWork(t, &m, s)
		if err != nil {
			for _, want := range []error{ErrNoPrompt, ErrTooLarge} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		// A lone CR may end a line too: an upper bound.
		lines := strings.Count(s, "\n") + strings.Count(s, "\r") + 1
		// In HTML, a <br> puts output on its command's line.
		sameLine := 1
		if text, err := decodeString(s); err == nil && looksHTML(text, nil) {
			sameLine = 0
			checkLineOf(t, text, lines)
		}
		for _, c := range cmds {
			if c.Name == "" || c.Line < 1 || c.Line > lines {
				t.Fatalf("bad command %+v in %d lines", c, lines)
			}
			for _, n := range inputLines(c) {
				if n < c.Line+sameLine || n > lines {
					t.Fatalf("text line %d outside [%d, %d]", n, c.Line+sameLine, lines)
				}
			}
			if i := strings.IndexAny(c.Text, copyArtefacts); i >= 0 {
				t.Fatalf("a copy's artefact left at %d in %q", i, c.Text)
			}
		}
		checkForms(t, s, cmds)
	})
}

// checkLineOf holds decodeHTML to its contract: one input line for each
// decoded line, in order, within the input.
func checkLineOf(t *testing.T, text string, lines int) {
	t.Helper()
	decoded, lineOf := decodeHTML(text, nil)
	if strings.Contains(decoded, "\r") {
		t.Fatalf("a carriage return in decoded HTML %q", decoded)
	}
	if n := strings.Count(decoded, "\n") + 1; n != len(lineOf) {
		t.Fatalf("%d decoded lines, %d line numbers", n, len(lineOf))
	}
	for i, n := range lineOf {
		if n < 1 || int(n) > lines || i > 0 && n < lineOf[i-1] {
			t.Fatalf("line numbers %v out of order or beyond %d", lineOf, lines)
		}
	}
}

// checkForms is the metamorphic half of FuzzSplit: the session forwarded
// by mail (every line quoted) and saved as HTML (escaped inside <pre>)
// gives the same commands, on the same lines. It holds for inputs those
// forms carry unchanged: no carriage returns (a quote marker after a lone
// CR is not at a line's start), no NULs (UTF-16 detection looks at byte
// pairs), no '<', '&' or line-starting '>' of their own; and only where the
// survey takes the new form for what it is, which needs a command line it
// can see before the splitter's joins.
func checkForms(t *testing.T, s string, want []Command) {
	if strings.ContainsAny(s, "\r\x00<&") || strings.HasPrefix(s, ">") || strings.Contains(s, "\n>") {
		return
	}
	quoted := "> " + strings.ReplaceAll(s, "\n", "\n> ")
	if text, err := decodeString(quoted); err == nil {
		if sh, err := survey(text, nil); err == nil && sh.quoted {
			sameCommands(t, "quoted", quoted, want)
		}
	}
	escaped := "<pre>" + html.EscapeString(s)
	if text, err := decodeString(escaped); err == nil && looksHTML(text, nil) {
		sameCommands(t, "HTML", escaped, want)
	}
}

func sameCommands(t *testing.T, form, in string, want []Command) {
	t.Helper()
	got, err := SplitString(in)
	if err != nil {
		t.Fatalf("%s: %v", form, err)
	}
	brief := func(cs []Command) []cmdBrief {
		var out []cmdBrief
		for _, c := range cs {
			out = append(out, cmdBrief{c.Line, c.Prompt + " " + c.CommandLine(), c.Text, inputLines(c), c.Incomplete != ""})
		}
		return out
	}
	if g, w := brief(got), brief(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("%s %q:\ngot  %+v\nwant %+v", form, in, g, w)
	}
}
