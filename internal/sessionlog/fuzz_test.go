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
	})
}

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
