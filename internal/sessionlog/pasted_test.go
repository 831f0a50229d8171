package sessionlog

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// toyOutputs stands for asyncos's shapes: "Begin X" starts the output of
// x, a blank line ends an output unless an indented line follows it, and
// "End." is an output's last line.
func toyOutputs() Outputs {
	open, blank := false, false
	return func(l string) (string, bool) {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			blank = true
			return "", open
		case strings.HasPrefix(t, "Begin "):
			open, blank = true, false
			return strings.Fields(t)[1], true
		case open && (!blank || l[0] == ' '):
			blank = false
			if t == "End." {
				open = false
			}
			return "", true
		}
		open, blank = false, false
		return "", false
	}
}

type pastedBlock struct {
	Name  string
	Line  int
	Text  string
	Input []int
}

func pastedBlocks(t *testing.T, s string) []pastedBlock {
	t.Helper()
	cmds, err := SplitPasted(strings.NewReader(s), toyOutputs)
	if err != nil {
		t.Fatal(err)
	}
	var out []pastedBlock
	for _, c := range cmds {
		if !c.Pasted || c.Prompt != "" || c.Host != "" || len(c.Args) != 0 || c.Incomplete != "" {
			t.Errorf("%+v: a pasted command has no prompt, host, args or cut", c)
		}
		out = append(out, pastedBlock{c.Name, c.Line, c.Text, inputLines(c)})
	}
	return out
}

func TestSplitPastedCutsAtShapes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []pastedBlock
	}{{
		name: "prose around and between",
		in:   "Hello,\r\n\r\nhere is a:\r\nBegin a\r\n  one\r\n\r\n  two\r\n\r\nand b:\r\nBegin b\r\nx\r\nEnd.\r\nnot b's\r\nBegin a\r\n\r\nThanks\r\n",
		want: []pastedBlock{
			{"a", 4, "Begin a\n  one\n\n  two", []int{4, 5, 6, 7}},
			{"b", 10, "Begin b\nx\nEnd.", []int{10, 11, 12}},
			{"a", 14, "Begin a", []int{14}},
		},
	}, {
		name: "markdown fences end outputs",
		in:   "a:\n```\nBegin a\nx\n```\nprose\n```\nBegin b\ny\n```\n",
		want: []pastedBlock{{"a", 3, "Begin a\nx", []int{3, 4}}, {"b", 8, "Begin b\ny", []int{8, 9}}},
	}, {
		name: "forwarded by mail",
		in:   "Fwd:\n\n> here:\n> Begin a\n> x\n>\n> Begin b\n> y\nmy own note\n> z\n",
		want: []pastedBlock{{"a", 4, "Begin a\nx", []int{4, 5}}, {"b", 7, "Begin b\ny", []int{7, 8}}},
	}, {
		name: "html export",
		in:   "<html><body><p>here:</p><pre>Begin a<br>x &amp; y<br><br></pre><p>bye</p></body></html>\n",
		want: []pastedBlock{{"a", 1, "Begin a\nx & y", []int{1, 1}}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pastedBlocks(t, tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestSplitPastedKeepsPrompts holds the contract that a file with a prompt
// is split as Split splits it, the shapes never asked.
func TestSplitPastedKeepsPrompts(t *testing.T) {
	in := "Begin a\nmx> status\nBegin b\nSystem status: Online\n"
	want, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := SplitPasted(strings.NewReader(in), func() Outputs {
		t.Fatal("the shapes were asked about a file with prompts")
		return nil
	})
	if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
}

func TestSplitPastedProseOnly(t *testing.T) {
	for _, in := range []string{"Hello,\n\nthe Enable button is grey.\n\nRegards\n", "> quoted\n> prose\n"} {
		_, err := SplitPasted(strings.NewReader(in), toyOutputs)
		if !errors.Is(err, ErrNoPrompt) || err.Error() != "not an AsyncOS CLI session (no prompt found)" {
			t.Errorf("%q: %v, want ErrNoPrompt as Split says it", in, err)
		}
	}
}

// promptless is text without a prompt, outputs and prose mixed, of about n
// bytes.
func promptless(n int) string {
	unit := "Here is the output:\n\nBegin a\n" + strings.Repeat("  "+strings.Repeat("x", 60)+"\n", 40) + "\nthanks\n"
	return strings.Repeat(unit, n/len(unit)+1)
}

// TestSplitPastedIsBounded cuts 10 MB without a prompt within the
// splitter's linear work budget and the memory bound of
// TestSplitMemoryIsBounded.
func TestSplitPastedIsBounded(t *testing.T) {
	for _, s := range []string{promptless(10 << 20), strings.Repeat("no prompt here\n", (10<<20)/15)} {
		var m meter
		if _, err := splitPastedString(s, toyOutputs, &m); err != nil && !errors.Is(err, ErrNoPrompt) {
			t.Fatal(err)
		}
		checkWork(t, &m, s)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _ = splitPastedString(s, toyOutputs, nil)
		runtime.ReadMemStats(&after)
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(4*len(s)+16<<20); got > limit {
			t.Errorf("%d MB allocated for %d MB of input, limit %d MB", got>>20, len(s)>>20, limit>>20)
		}
	}
}

func BenchmarkSplitPasted(b *testing.B) {
	s := promptless(1 << 20)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SplitPasted(strings.NewReader(s), toyOutputs); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzSplitPasted(f *testing.F) {
	addSessionSeeds(f)
	addAdversarialSeeds(f)
	f.Add("x\n\nBegin a\n  y\n\nprose\n> Begin b\n")
	f.Fuzz(func(t *testing.T, s string) {
		var m meter
		cmds, err := splitPastedString(s, toyOutputs, &m)
		checkWork(t, &m, s)
		if err != nil {
			if !errors.Is(err, ErrNoPrompt) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		lines := strings.Count(s, "\n") + strings.Count(s, "\r") + 1
		last := 0
		for _, c := range cmds {
			if c.Name == "" || c.Line < last || c.Line > lines {
				t.Fatalf("bad command %+v in %d lines after line %d", c, lines, last)
			}
			last = c.Line
			for _, n := range inputLines(c) {
				if n < c.Line || n > lines {
					t.Fatalf("text line %d outside [%d, %d]", n, c.Line, lines)
				}
			}
		}
	})
}
