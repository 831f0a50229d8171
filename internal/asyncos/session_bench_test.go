package asyncos

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// BenchmarkFromSessionAdversarial runs the whole offline parse on the
// inputs of issue 14's defects 3 and 4: before, 16 MB of "m> a" took 30 s
// and 1.9 GB, and a megabyte overwritten then backspaced 28 s.
func BenchmarkFromSessionAdversarial(b *testing.B) {
	inputs := []struct{ name, s string }{
		{"prompts-16MB", strings.Repeat("m> a\n", 16<<20/5)},
		{"overwrite-then-backspaces-1MB", "m> status\n" + strings.Repeat("A", 512<<10) + "\r" + strings.Repeat("x\b", 256<<10) + "\nm> "},
		{"healthy-session-x1000", strings.Repeat(healthyForBench(b), 1000)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.s)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = FromSession("bench.log", strings.NewReader(in.s), facts.RoleESA)
			}
		})
	}
}

func healthyForBench(b *testing.B) string {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(sessionsDir, "esa-healthy-14.2.log"))
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}
