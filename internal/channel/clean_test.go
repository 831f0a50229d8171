package channel

import (
	"bytes"
	"testing"
)

func TestClean(t *testing.T) {
	for raw, want := range map[string]string{
		"a\r\nb\r\n":                           "a\nb\n",
		"a\r\r\nb":                             "a\nb",
		"\x1b[1;32mgreen\x1b[0m":               "green",
		"\x1b]0;title\x07x":                    "x",
		"\x1b]0;title\x1b\\x":                  "x",
		"\x1b(Bx":                              "x",
		"\x1b7saved\x1b8":                      "saved",
		"abc\b \bd":                            "abd",
		"ab\b\b\b\bc":                          "c",
		"a\n\bb":                               "a\nb",
		"-Press Any Key For More-\r    \rline": "line",
		"keep\r":                               "keep",
		"tab\there\x00\x07":                    "tab\there",
		"\x1b[12;":                             "",
		"ü\bx":                                 "x",
		"bad\x1b[12\nnext":                     "bad\nnext",
	} {
		if got := Clean([]byte(raw)); got != want {
			t.Errorf("Clean(%q) = %q, want %q", raw, got, want)
		}
	}
}

// cleanSplit feeds raw in chunks at the given cut points.
func cleanSplit(raw []byte, cuts []int) []byte {
	var c cleaner
	var out []byte
	prev := 0
	for _, at := range cuts {
		if at <= prev || at >= len(raw) {
			continue
		}
		out = c.feed(out, raw[prev:at])
		prev = at
	}
	return c.feed(out, raw[prev:])
}

func TestCleanSplitInvariant(t *testing.T) {
	raw := []byte("\x1b[1mmx\x1b[0m> st\batus\r\r\nline\r    \rover\x1b]0;t\x07\n")
	whole := Clean(raw)
	for i := 1; i < len(raw); i++ {
		if got := string(cleanSplit(raw, []int{i})); got != whole {
			t.Fatalf("cut at %d: %q, want %q", i, got, whole)
		}
	}
}

func FuzzClean(f *testing.F) {
	f.Add([]byte("Last login\r\nmx> "), 3)
	f.Add([]byte("\x1b[1;31mred\x1b[0m\r\n"), 5)
	f.Add([]byte("ab\b \bc\r\r\n-Press Any Key For More-\r   \r"), 7)
	f.Add([]byte("\x1b]0;x\x1b\\\x1b(B[]> "), 2)
	f.Fuzz(func(t *testing.T, raw []byte, step int) {
		whole := Clean(raw)
		if step < 1 {
			step = 1
		}
		var cuts []int
		for i := step; i < len(raw); i += step {
			cuts = append(cuts, i)
		}
		if got := string(cleanSplit(raw, cuts)); got != whole {
			t.Fatalf("split every %d: %q, whole %q", step, got, whole)
		}
		for _, b := range []byte(whole) {
			if b < 0x20 && b != '\n' && b != '\t' || b == 0x7f {
				t.Fatalf("control byte %#x left in %q", b, whole)
			}
		}
		// The prompt matcher and helpers never panic on what the cleaner
		// makes, and a main prompt is only ever found at the tail.
		kind, line := classify(whole, "mx> ")
		if kind != noPrompt && !bytes.HasSuffix([]byte(whole), []byte(line)) {
			t.Fatalf("prompt %q not at the tail of %q", line, whole)
		}
		if p, ok := learnPrompt(whole); ok && !bytes.HasSuffix([]byte(whole), []byte(p)) {
			t.Fatalf("learned %q not at the tail of %q", p, whole)
		}
		_ = DefaultOf(whole)
		_, _ = ChooseByLabel(whole, "Auto")
		_, _ = stripEcho(whole, "status", false)
		_, _ = stripEcho(whole, "pw", true)
	})
}
