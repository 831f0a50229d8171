package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// Ctrl-C while an ESA's telnet hangs (the context is cancelled when the
// probe starts, as the signal handler cancels it): the telnet is
// interrupted back to the prompt, nothing is left pending, the partial
// report is written to stdout and --report, and the exit is 130.
func TestInterruptMidRun(t *testing.T) {
	opts, site, _, out, errOut := fixSite(t, "telnet-hang")
	opts.ProbeTimeout = time.Hour // only the interrupt can end the probe
	opts.Timeout = time.Hour
	report := filepath.Join(t.TempDir(), "partial.json")
	opts.Reports = []string{report}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	opts.progressTo = func(s string) {
		if strings.Contains(s, "telnet ") {
			once.Do(cancel)
		}
	}
	code := exitCode(t, checkRun(ctx, opts))
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, ExitInterrupted, errOut)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no partial report: %v", err)
	}
	if !strings.Contains(string(data), `"schema_version": 1`) || !strings.Contains(out.String(), "PVO-") {
		t.Errorf("partial report incomplete:\n%s\nstdout:\n%s", data, out)
	}
	for _, a := range site.Appliances() {
		if site.Pending(a.Hostname) {
			t.Errorf("%s has pending changes after the interrupt", a.Hostname)
		}
	}
}

// A --report file that cannot be written at the end (its directory went
// away after the check before the run) is exit 4, with the report on
// stdout and the message saying it is the only record of the fixes.
func TestReportLostAfterFix(t *testing.T) {
	ios, _, out, _ := Test()
	dir := filepath.Join(t.TempDir(), "gone")
	rf := reportFlags{Reports: []string{filepath.Join(dir, "r.json")}}
	rep := newTestReport()
	err := deliver(ios, rf, rep, ExitOK, true)
	if code := exitCode(t, err); code != ExitReportLost {
		t.Fatalf("exit %d, want %d", code, ExitReportLost)
	}
	if !strings.Contains(err.Error(), "only record of the fixes committed") || !strings.Contains(err.Error(), "r.json not written") {
		t.Errorf("message: %v", err)
	}
	if !strings.Contains(out.String(), "pvo-doctor") {
		t.Errorf("no report on stdout:\n%s", out)
	}
}

func newTestReport() *report.Report {
	return report.New(&facts.Site{}, rules.Result{}, report.Meta{ToolVersion: "test", Mode: report.ModeCheck})
}

// cancelOnWrite passes writes on and cancels once it has seen text.
type cancelOnWrite struct {
	w      io.Writer
	text   string
	cancel context.CancelFunc
	seen   strings.Builder
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.seen.Write(p)
	if strings.Contains(c.seen.String(), c.text) {
		c.cancel()
	}
	return c.w.Write(p)
}

// Ctrl-C at "Apply these changes?" ends the run at once (no wait for
// Enter): nothing is changed, the report is written, exit 130.
func TestInterruptAtConfirm(t *testing.T) {
	opts, site, _, out, errOut := fixSite(t, "case4-anonymous-ciphers")
	opts.Fix = true
	pr, pw := io.Pipe() // a terminal nobody types on
	defer pw.Close()
	opts.IO.In = pr
	opts.IO.SetTTY(true, false, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts.IO.ErrOut = &cancelOnWrite{w: errOut, text: "Apply these changes?", cancel: cancel}
	before := map[string]string{}
	for _, a := range site.Appliances() {
		before[a.Hostname] = site.Snapshot(a.Hostname)
	}
	if code := exitCode(t, checkRun(ctx, opts)); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, ExitInterrupted, errOut)
	}
	if !strings.Contains(out.String(), "PVO-004") {
		t.Errorf("no report on stdout:\n%s", out)
	}
	for _, a := range site.Appliances() {
		if site.Pending(a.Hostname) || site.Snapshot(a.Hostname) != before[a.Hostname] {
			t.Errorf("%s changed or has pending changes", a.Hostname)
		}
	}
}
