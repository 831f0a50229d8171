package sessionlog

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// adversarial inputs: each is the worst case of one loop in the cleaner or
// the splitter. The sizes come in pairs so that the ns/op ratio shows
// linear (8x) or worse growth.
var adversarial = []struct {
	name string
	gen  func(n int) string
}{
	{"backspaces", func(n int) string { return strings.Repeat("x\b", n/2) }},
	{"overwrite-then-backspaces", func(n int) string {
		return strings.Repeat("A", n/2) + "\r" + strings.Repeat("x\b", n/4)
	}},
	{"pager-on-one-line", func(n int) string { return strings.Repeat("-Press Any Key For More-", n/24) + "x" }},
	{"prompts", func(n int) string { return strings.Repeat("m> a\n", n/5) }},
	{"distinct-prompts", func(n int) string { return strings.Repeat("m> a\nm> b\n", n/10) }},
	{"huge-line", func(n int) string { return "m> status\n" + strings.Repeat("y", n) }},
	{"short-lines", func(n int) string { return "m> status\n" + strings.Repeat("y\n", n/2) }},
	{"markdown-wrapped", func(n int) string { return "```\nm> status\n" + strings.Repeat("word  \n", n/7) }},
	{"quoted-prompts", func(n int) string { return strings.Repeat("> m> a\n", n/7) }},
	{"html-breaks", func(n int) string { return "<pre>m&gt; status<br>" + strings.Repeat("<br>", n/4) }},
	{"html-tags-entities", func(n int) string { return "m&gt; status\n" + strings.Repeat("<b title='>'>&amp;&#8203;", n/24) }},
	{"copied-blanks", func(n int) string { return "m> status\n" + strings.Repeat("\u00a0\u200bx\b", n/7) }},
}

func benchSizes() []int { return []int{128 << 10, 1 << 20} }

// benchAdversarial runs fn on every adversarial input at every size.
func benchAdversarial(b *testing.B, fn func(string)) {
	for _, a := range adversarial {
		for _, n := range benchSizes() {
			s := a.gen(n)
			b.Run(a.name+"/"+strconv.Itoa(n>>10)+"K", func(b *testing.B) {
				b.SetBytes(int64(len(s)))
				b.ReportAllocs()
				for b.Loop() {
					fn(s)
				}
			})
		}
	}
}

func BenchmarkCleanAdversarial(b *testing.B) { benchAdversarial(b, func(s string) { Clean(s) }) }

func BenchmarkSplitAdversarial(b *testing.B) {
	benchAdversarial(b, func(s string) { _, _ = SplitString(s) })
}

// TestSplitMemoryIsBounded is issue 14's defect 4: a file of nothing but
// prompts made the splitter allocate over a hundred times its size. All
// that splitting an adversarial input allocates, garbage included, stays
// within a small multiple of it plus the command cap's bookkeeping.
func TestSplitMemoryIsBounded(t *testing.T) {
	const n = 2 << 20
	for _, a := range adversarial {
		s := a.gen(n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _ = SplitString(s)
		runtime.ReadMemStats(&after)
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(4*len(s)+16<<20); got > limit {
			t.Errorf("%s: %d MB allocated for %d MB of input, limit %d MB", a.name, got>>20, len(s)>>20, limit>>20)
		}
	}
}

// BenchmarkSplitPlainLog is the common case: a clean session as a terminal
// logger saved it, repeated to a megabyte. What the splitter learnt to
// undo (quotes, HTML, copied Unicode) must cost such a file next to
// nothing.
func BenchmarkSplitPlainLog(b *testing.B) {
	one, err := os.ReadFile("../../testdata/sessions/esa-healthy-14.2.log")
	if err != nil {
		b.Fatal(err)
	}
	s := strings.Repeat(string(one), (1<<20)/len(one)+1)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SplitString(s); err != nil {
			b.Fatal(err)
		}
	}
}
