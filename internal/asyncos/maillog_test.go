package asyncos

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

func TestScanMailLogJoinsTLSAndFiltersPort(t *testing.T) {
	log := strings.Join([]string{
		"Mon Apr 7 15:48:40 2014 Info: New SMTP DCID 10 interface 10.0.0.1 address 10.0.0.9 port 25",
		"Mon Apr 7 15:48:41 2014 Info: DCID 10 TLS success protocol TLSv1.2 cipher AES",
		"Mon Apr 7 15:48:42 2014 Info: New SMTP DCID 11 interface In address 10.0.0.94 port 7025\r",
		"Mon Apr 7 15:48:42 2014 Info: Delivery start DCID 11 MID 5 to RID [0]",
		"Mon Apr 7 15:48:42 2014 Info: DCID 11 TLS failed: verify error: no certificate from server",
		"Mon Apr 7 15:48:42 2014 Info: DCID 11 TLS success protocol TLSv1 cipher X", // the first outcome stands
		"Mon Apr 7 15:48:43 2014 Info: DCID 11 close",
		"Mon Apr 7 15:48:44 2014 Info: DCID 11 TLS success protocol late", // closed: not joined
		"Mon Apr 7 15:49:00 2014 Info: Connection Error: DCID 12 domain: the.cpq.host IP: 10.0.0.94 port: 7025 details: timeout interface: 10.0.0.1 reason: network error",
		"Mon Apr 7 15:49:01 2014 Info: Connection Error: DCID 13 domain: x IP: 10.0.0.5 port: 25 details: timeout interface: 10.0.0.1 reason: network error",
		"Mon Apr 7 15:49:02 2014 Info: New SMTP DCID 14 interface 10.0.0.1 address 10.0.0.94 port 7025",
		"Mon Apr 7 15:49:03 2014 Info: Connection Error: DCID 14 domain: the.cpq.host IP: 10.0.0.94 port: 7025 details: reset interface: 10.0.0.1 reason: network error",
		"garbage DCID",
		"DCID 99 TLS failed: never opened",
	}, "\n")
	ml, err := ScanMailLog(iotest.OneByteReader(strings.NewReader(log)), 7025)
	if err != nil {
		t.Fatal(err)
	}
	if len(ml.Connections) != 3 {
		t.Fatalf("got %d connections: %+v", len(ml.Connections), ml.Connections)
	}
	c := ml.Connections[0]
	if c.DCID != "11" || c.Interface != "In" || c.Address != "10.0.0.94" || c.Port != 7025 || c.Time != "Mon Apr 7 15:48:42 2014" ||
		c.TLS != "failed" || c.TLSDetail != "verify error: no certificate from server" || len(c.Lines) != 5 {
		t.Errorf("connection 11: %+v", c)
	}
	if c := ml.Connections[1]; c.DCID != "12" || c.TLS != "" || c.TLSDetail != "connection error: timeout" || c.Address != "10.0.0.94" {
		t.Errorf("connection error 12: %+v", c)
	}
	if c := ml.Connections[2]; c.DCID != "14" || c.TLSDetail != "connection error: reset" || len(c.Lines) != 2 {
		t.Errorf("connection 14: %+v", c)
	}
}

func TestScanMailLogKeepsTheLastConnections(t *testing.T) {
	var b strings.Builder
	const n = maxConnections + 250
	for i := range n {
		fmt.Fprintf(&b, "Mon Apr 7 15:48:42 2014 Info: New SMTP DCID %d interface a address b port 7025\n", i)
	}
	// A TLS line for a connection that fell out of the window is ignored;
	// one for a kept connection is joined.
	fmt.Fprintf(&b, "Mon Apr 7 15:48:42 2014 Info: DCID 3 TLS failed: old\n")
	fmt.Fprintf(&b, "Mon Apr 7 15:48:42 2014 Info: DCID %d TLS failed: recent\n", n-1)
	ml, err := ScanMailLog(strings.NewReader(b.String()), 7025)
	if err != nil {
		t.Fatal(err)
	}
	if len(ml.Connections) != maxConnections || ml.Connections[0].DCID != fmt.Sprint(n-maxConnections) {
		t.Fatalf("kept %d, first %s", len(ml.Connections), ml.Connections[0].DCID)
	}
	if last := ml.Connections[maxConnections-1]; last.TLSDetail != "recent" {
		t.Errorf("last connection %+v", last)
	}
}

func TestScanMailLogLongLinesAndErrors(t *testing.T) {
	long := strings.Repeat("x", 3*maxLine) + " DCID 1 TLS\n"
	in := long + "Mon Info: New SMTP DCID 2 interface a address b port 7025\n"
	ml, err := ScanMailLog(strings.NewReader(in), 7025)
	if err != nil || len(ml.Connections) != 1 || ml.Connections[0].DCID != "2" {
		t.Fatalf("after a long line: %+v %v", ml, err)
	}
	if _, err := ScanMailLog(iotest.ErrReader(io.ErrUnexpectedEOF), 7025); err == nil {
		t.Error("a read error was swallowed")
	}
	if _, err := ScanMailLog(strings.NewReader(""), 0); err == nil {
		t.Error("port 0 accepted")
	}
	ml, err = ScanMailLog(strings.NewReader(""), 7025)
	if err != nil || ml.Connections == nil || len(ml.Connections) != 0 {
		t.Errorf("empty log must be collected and empty: %+v %v", ml, err)
	}
}

// BenchmarkScanMailLog scans a generated 100 MB mail_logs file (written to
// a temporary directory, never committed). Goals: >= 300 MB/s, and no
// allocation per line: "background" has no PVO connection and must report
// about 0 allocs/MB; "pvo" has one PVO connection every 1000 lines, whose
// facts (strings kept for the report) are the only allocations.
func BenchmarkScanMailLog(b *testing.B) {
	for _, bc := range []struct {
		name  string
		every int
	}{{"background", 0}, {"pvo", 1000}} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "mail_logs")
			size := writeMailLog(b, path, 100<<20, bc.every)
			b.SetBytes(size)
			b.ReportAllocs()
			scan := func() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				if _, err := ScanMailLog(f, 7025); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				scan()
			}
			b.ReportMetric(testing.AllocsPerRun(1, scan)/float64(size>>20), "allocs/MB")
		})
	}
}

// writeMailLog writes about size bytes of mail_logs with a PVO connection
// (and its failed TLS line) every pvoEvery lines; 0 means none.
func writeMailLog(b *testing.B, path string, size int64, pvoEvery int) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var n int64
	for i := 0; n < size; i++ {
		var l string
		switch {
		case pvoEvery > 0 && i%pvoEvery == 0:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: New SMTP DCID %d interface 172.16.0.179 address 172.16.0.94 port 7025\n", i)
		case pvoEvery > 0 && i%pvoEvery == 1:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: DCID %d TLS failed: verify error: no certificate from server\n", i-1)
		case i%5 == 0:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: New SMTP DCID %d interface 172.16.0.179 address 198.51.100.7 port 25\n", i)
		case i%5 == 1:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: Delivery start DCID %d MID %d to RID [0]\n", i-1, i*3)
		case i%5 == 2:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: MID %d ICID %d From: <user%d@example.com>\n", i*3, i, i)
		case i%5 == 3:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: MID %d matched all recipients for per-recipient policy DEFAULT in the inbound table\n", i*3)
		default:
			l = fmt.Sprintf("Mon Apr  7 15:48:42 2014 Info: DCID %d close\n", i-4)
		}
		k, err := w.WriteString(l)
		if err != nil {
			b.Fatal(err)
		}
		n += int64(k)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return n
}

// endlessLog is a mail log that never ends, one PVO connection per line.
type endlessLog struct{ n int }

func (e *endlessLog) Read(p []byte) (int, error) {
	line := fmt.Sprintf("Mon Apr 7 15:48:42 2014 Info: New SMTP DCID %d interface In address 10.0.0.94 port 7025\n", e.n)
	e.n++
	return copy(p, line), nil
}

// TestScanMailLogStopsAtCap is issue 14's defect 7 for --mail-log: an
// endless input ends at the cap, and the result says it was cut.
func TestScanMailLogStopsAtCap(t *testing.T) {
	ml, err := scanMailLog(&endlessLog{}, 7025, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if ml.Incomplete == "" || !strings.Contains(ml.Incomplete, "1 MB") {
		t.Errorf("Incomplete = %q, want the cap named", ml.Incomplete)
	}
	if len(ml.Connections) != maxConnections {
		t.Errorf("%d connections, want the ring full", len(ml.Connections))
	}
	whole, err := scanMailLog(strings.NewReader("Mon Apr 7 15:48:42 2014 Info: x\n"), 7025, 1<<20)
	if err != nil || whole.Incomplete != "" {
		t.Errorf("a log under the cap: %v, %q", err, whole.Incomplete)
	}
	exact := strings.Repeat("y", 1<<10)
	if ml, err := scanMailLog(strings.NewReader(exact), 7025, 1<<10); err != nil || ml.Incomplete != "" {
		t.Errorf("a log exactly at the cap is whole: %v, %q", err, ml.Incomplete)
	}
}

func TestScanMailLogDevZeroEnds(t *testing.T) {
	f, err := sessionlog.OpenInput("/dev/zero", sessionlog.Limits{MaxBytes: 8 << 20})
	if err != nil {
		t.Skipf("no /dev/zero: %v", err)
	}
	defer f.Close()
	ml, err := scanMailLog(f, 7025, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	if ml.Incomplete == "" {
		t.Error("an endless device read to the input cap is not marked incomplete")
	}
}

// TestScanMailLogCapMeetsOpenerCap: when the opener's cap and the scan's
// are the same, the scan still sees that more was there.
func TestScanMailLogCapMeetsOpenerCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mail_logs")
	if err := os.WriteFile(p, []byte(strings.Repeat("Mon Apr 7 15:48:42 2014 Info: x\n", 64<<10)), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := sessionlog.OpenInput(p, sessionlog.Limits{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ml, err := scanMailLog(f, 7025, 1<<20)
	if err != nil || ml.Incomplete == "" {
		t.Errorf("a 2 MB log under a 1 MB cap: %v, incomplete %q", err, ml.Incomplete)
	}
}
