package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// benchSite serves a scenario on loopback with a fresh login key and
// returns check options aimed at it.
func benchSite(b testing.TB, sc *sim.Scenario, latency time.Duration) (*CheckOptions, *sim.Site, string) {
	b.Helper()
	site, key, kh := startTestSite(b, sc, sim.Options{Latency: latency})
	ios, _, _, _ := Test()
	opts := &CheckOptions{
		IO: ios, Identities: []string{key}, KnownHosts: kh, User: "admin", noAgent: true, NoSSHConfig: true,
		SMAPVOHost: site.SMAPVOHost(), ConnectTimeout: 10 * time.Second, ProbeTimeout: 10 * time.Second,
		StepTimeout: 30 * time.Second, Timeout: 120 * time.Second, Concurrency: 32,
		reportFlags: reportFlags{Format: "json"},
	}
	for _, a := range site.Appliances() {
		if a.Role == "sma" {
			opts.SMAs = []string{a.User + "@" + a.Addr}
		} else {
			opts.ESAs = append(opts.ESAs, a.User+"@"+a.Addr)
		}
	}
	return opts, site, key
}

func runCheckBench(b *testing.B, opts *CheckOptions) {
	b.Helper()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := checkRun(context.Background(), opts)
		if ee, ok := err.(*ExitError); ok && ee.Err == nil && ee.Code == ExitOK {
			err = nil
		}
		if err != nil {
			b.Fatalf("check: %v", err)
		}
	}
}

func loadScenario(b testing.TB, name string) *sim.Scenario {
	sc, err := sim.LoadScenario(name)
	if err != nil {
		b.Fatal(err)
	}
	return sc
}

// BenchmarkCheckPair is a whole check of one ESA and one SMA on loopback.
// Goal: under 150 ms, and at most twice OpenSSH's login plus one command
// (BenchmarkOpenSSHOneCommand).
func BenchmarkCheckPair(b *testing.B) {
	opts, _, _ := benchSite(b, loadScenario(b, "healthy"), 0)
	runCheckBench(b, opts)
}

// BenchmarkCheckPairLatency50ms holds back every simulated reply by 50 ms.
// Goal: at most 1.2 x the round trips the slowest appliance needs x 50 ms;
// the round trips are counted from a transcript and reported as metrics.
func BenchmarkCheckPairLatency50ms(b *testing.B) {
	const latency = 50 * time.Millisecond
	opts, _, _ := benchSite(b, loadScenario(b, "healthy"), latency)
	rt := countRoundTrips(b, opts)
	runCheckBench(b, opts)
	b.ReportMetric(float64(rt), "roundtrips")
	b.ReportMetric(1.2*float64(rt)*float64(latency.Milliseconds()), "goal-ms")
}

// BenchmarkCheckPairLatency50msFoundPVO is the same check without
// --sma-pvo-host: the ESA waits, before its probes, for the SMA's
// tcpservices. Goal: within a round trip or two of the variant above.
func BenchmarkCheckPairLatency50msFoundPVO(b *testing.B) {
	const latency = 50 * time.Millisecond
	opts, _, _ := benchSite(b, loadScenario(b, "healthy"), latency)
	opts.SMAPVOHost = ""
	runCheckBench(b, opts)
}

// countRoundTrips runs check once with transcripts and returns the most
// lines any one appliance was sent: each waits for one simulated reply.
func countRoundTrips(b *testing.B, opts *CheckOptions) int {
	b.Helper()
	o := *opts
	o.TranscriptDir = b.TempDir()
	if err := checkRun(context.Background(), &o); err != nil {
		if ee, ok := err.(*ExitError); !ok || ee.Err != nil {
			b.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(o.TranscriptDir, "*"))
	most := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), " "); ok && strings.HasPrefix(rest, "> ") {
				n++
			}
		}
		fh.Close()
		most = max(most, n)
	}
	return most
}

// BenchmarkCheck16ESA checks one SMA and sixteen ESAs. Goal: at most twice
// BenchmarkCheckPair. With no latency the simulator's sixteen SSH servers
// and the client share this machine's cores, so the 50 ms variant, where
// waiting dominates as on a real network, is the fairer comparison (with
// BenchmarkCheckPairLatency50ms).
func BenchmarkCheck16ESA(b *testing.B) {
	opts, _, _ := benchSite(b, sixteenESAs(b), 0)
	runCheckBench(b, opts)
}

func BenchmarkCheck16ESALatency50ms(b *testing.B) {
	opts, _, _ := benchSite(b, sixteenESAs(b), 50*time.Millisecond)
	runCheckBench(b, opts)
}

// BenchmarkCheck32ESALatency50ms checks one SMA and 32 ESAs, every one of
// whose services the SMA reads (there is no cap, only --concurrency).
func BenchmarkCheck32ESALatency50ms(b *testing.B) {
	opts, _, _ := benchSite(b, manyESAs(b, 32), 50*time.Millisecond)
	runCheckBench(b, opts)
}

// sixteenESAs is a healthy site of one SMA and sixteen ESAs, all managed.
func sixteenESAs(b *testing.B) *sim.Scenario { return manyESAs(b, 16) }

// manyESAs is a healthy site of one SMA and n ESAs, all managed.
func manyESAs(b testing.TB, n int) *sim.Scenario {
	b.Helper()
	var y strings.Builder
	fmt.Fprintf(&y, "description: %d healthy ESAs\nsma:\n  hostname: sma.example.com\n  version: 14.2.0-224\n"+
		"  interfaces:\n    - {name: Management, address: 10.172.12.18/24, hostname: sma.example.com}\nesas:\n", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&y, "  - hostname: mx%d.example.com\n    version: 14.2.0-620\n    interfaces:\n"+
			"      - {name: Management, address: 10.172.%d.%d/24, hostname: mx%d.example.com}\n"+
			"    delivery: {interface: Auto}\n    reach: {Auto: connect, Management: connect}\n"+
			"    ssl:\n      outbound: {ciphers: \"HIGH:MEDIUM:ALL:-aNULL:-SSLv2\"}\n", i, 12+i/200, 100+i%200, i)
	}
	name := fmt.Sprintf("bench%d", n)
	sc, err := sim.ParseScenario(name+".yaml", name, []byte(y.String()))
	if err != nil {
		b.Fatal(err)
	}
	return sc
}

// BenchmarkOpenSSHOneCommand is the yardstick for BenchmarkCheckPair:
// OpenSSH's ssh logging into the simulator and running `version`.
func BenchmarkOpenSSHOneCommand(b *testing.B) {
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		b.Skip("no ssh client on PATH")
	}
	opts, site, key := benchSite(b, loadScenario(b, "healthy"), 0)
	a := site.Appliances()[0]
	host, port, _ := strings.Cut(a.Addr, ":")
	args := []string{"-F", "/dev/null", "-i", key, "-o", "UserKnownHostsFile=" + opts.KnownHosts,
		"-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
		"-p", port, a.User + "@" + host, "version"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(sshBin, args...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Version:") {
			b.Fatalf("ssh: %v: %s", err, out)
		}
	}
}

// BenchmarkCheckTelnetHang checks a site whose PVO port is silently dropped
// from the default interface, with --probe-timeout 1s. Goal: the run ends
// within the probe timeout plus a second.
func BenchmarkCheckTelnetHang(b *testing.B) {
	opts, _, _ := benchSite(b, loadScenario(b, "telnet-hang"), 0)
	opts.ProbeTimeout = time.Second
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := checkRun(context.Background(), opts)
		if ee, ok := err.(*ExitError); !ok || ee.Err != nil || ee.Code != ExitFailed {
			b.Fatalf("check: %v, want exit 1 (PVO-003 fails)", err)
		}
	}
}
