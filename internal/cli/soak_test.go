package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
)

// soakESAs is the soak's site size: a large site, every ESA examined.
const soakESAs = 100

// soakRound is one check of the whole soak site; it fails unless every
// rule about every ESA is decided (pass, fail or not applicable).
func soakRound(tb testing.TB, opts *CheckOptions) {
	tb.Helper()
	ios, _, out, errOut := Test()
	opts.IO = ios
	err := checkRun(context.Background(), opts)
	if ee, ok := err.(*ExitError); ok && ee.Err == nil && ee.Code == ExitOK {
		err = nil
	}
	if err != nil {
		tb.Fatalf("check: %v\n%s", err, errOut)
	}
	var rep struct {
		Findings []struct{ ID, Status, Appliance string } `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		tb.Fatal(err)
	}
	decided := map[string]int{}
	for _, f := range rep.Findings {
		if f.Status == "unknown" {
			tb.Fatalf("%s is unknown on %s", f.ID, f.Appliance)
		}
		decided[f.Appliance]++
	}
	for i := 1; i <= soakESAs; i++ {
		if esa := fmt.Sprintf("mx%d.example.com", i); decided[esa] == 0 {
			tb.Fatalf("no finding decided on %s", esa)
		}
	}
}

// soakUsage is what the process holds between rounds.
type soakUsage struct {
	goroutines, fds int
	heap            uint64 // live heap after a GC
	allocated       uint64 // bytes allocated so far
}

func measure(tb testing.TB) soakUsage {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Skipf("no /proc/self/fd to count descriptors: %v", err)
	}
	return soakUsage{goroutines: runtime.NumGoroutine(), fds: len(fds), heap: ms.HeapAlloc, allocated: ms.TotalAlloc}
}

// TestSoak100ESAs checks a 100-ESA site three times and requires every ESA
// decided each time and the process flat between rounds: a leak of one
// goroutine, descriptor or session per ESA would grow by 100 a round.
// The first round warms caches and pools; rounds two and three must not
// grow beyond a small slack.
func TestSoak100ESAs(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: -short")
	}
	opts, _, _ := benchSite(t, manyESAs(t, soakESAs), 0)
	opts.Concurrency = 16
	soakRound(t, opts)
	first := measure(t)
	var last soakUsage
	for round := 2; round <= 3; round++ {
		soakRound(t, opts)
		last = measure(t)
	}
	perESA := (last.allocated - first.allocated) / 2 / soakESAs
	t.Logf("after round 1: %d goroutines, %d fds, heap %d KiB; after round 3: %d goroutines, %d fds, heap %d KiB; %d bytes allocated per ESA and round",
		first.goroutines, first.fds, first.heap>>10, last.goroutines, last.fds, last.heap>>10, perESA)
	if last.goroutines > first.goroutines+soakESAs/10 {
		t.Errorf("goroutines grew from %d to %d over two rounds", first.goroutines, last.goroutines)
	}
	if last.fds > first.fds+soakESAs/20 {
		t.Errorf("open descriptors grew from %d to %d over two rounds", first.fds, last.fds)
	}
	if last.heap > first.heap*3/2+1<<20 {
		t.Errorf("live heap grew from %d to %d bytes over two rounds", first.heap, last.heap)
	}
}

// BenchmarkSoak100ESAs is the soak as a benchmark: one op is a check of
// the whole 100-ESA site; it reports bytes allocated per ESA and the
// goroutines and descriptors left after the last round.
func BenchmarkSoak100ESAs(b *testing.B) {
	opts, _, _ := benchSite(b, manyESAs(b, soakESAs), 0)
	opts.Concurrency = 16
	soakRound(b, opts)
	before := measure(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		soakRound(b, opts)
	}
	b.StopTimer()
	after := measure(b)
	b.ReportMetric(float64(after.allocated-before.allocated)/float64(b.N)/soakESAs, "B/ESA")
	b.ReportMetric(float64(after.goroutines-before.goroutines), "goroutines-grown")
	b.ReportMetric(float64(after.fds-before.fds), "fds-grown")
}
