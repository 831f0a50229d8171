package sessionlog

import (
	"errors"
	"os"
	"path/filepath"
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

func FuzzClean(f *testing.F) {
	addSessionSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if again := Clean(c); again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, again)
		}
		if strings.ContainsAny(c, "\r\b\x1b") {
			t.Fatalf("control characters left in %q", c)
		}
	})
}

func FuzzSplit(f *testing.F) {
	addSessionSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		cmds, err := SplitString(s)
		if err != nil {
			if !errors.Is(err, ErrNoPrompt) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// A lone CR may end a line too: an upper bound.
		lines := strings.Count(s, "\n") + strings.Count(s, "\r") + 1
		for _, c := range cmds {
			if c.Name == "" || c.Line < 1 || c.Line > lines {
				t.Fatalf("bad command %+v in %d lines", c, lines)
			}
			for _, n := range inputLines(c) {
				if n <= c.Line || n > lines {
					t.Fatalf("text line %d outside (%d, %d]", n, c.Line, lines)
				}
			}
		}
	})
}
