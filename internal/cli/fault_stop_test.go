package cli

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// signalWriter collects what is written and closes seen once it holds want.
type signalWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestFaultStoppedSimulator is kill -STOP and -CONT of a real simulator
// process (`pvo-doctor sim`), driven by events: the fix plan has been
// confirmed-to-be when the process is stopped, so the fix session meets a
// port that accepts and never speaks. The fix fails within
// --connect-timeout having changed nothing, the re-check loses both
// appliances (exit 3, nothing passes); once continued, a check finds the
// site as it was (PVO-004 still failing on the same ciphers).
func TestFaultStoppedSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("stopped simulator: -short")
	}
	bin, err := exec.LookPath("pvo-doctor")
	if err != nil {
		t.Skipf("no pvo-doctor command on PATH (TestMain puts this binary there): %v", err)
	}
	dir := t.TempDir()
	ready, kh := filepath.Join(dir, "ready.json"), filepath.Join(dir, "known_hosts")
	child := exec.Command(bin, "sim", "--scenario", "case4-anonymous-ciphers", "--ready-file", ready, "--known-hosts-out", kh)
	stderr, err := child.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = child.Process.Signal(syscall.SIGCONT)
		_ = child.Process.Signal(syscall.SIGTERM)
		_ = child.Wait()
	})
	serving := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "Serving until interrupted") {
				serving <- nil
				_, _ = io.Copy(io.Discard, stderr)
				return
			}
		}
		serving <- io.ErrUnexpectedEOF
	}()
	select {
	case err := <-serving:
		if err != nil {
			t.Fatalf("pvo-doctor sim ended before serving: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("pvo-doctor sim not serving within 30s")
	}
	var site simReady
	data, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &site); err != nil {
		t.Fatal(err)
	}
	var esa, sma, password string
	for _, a := range site.Appliances {
		if a.Role == "sma" {
			sma, password = a.User+"@"+a.Address, a.Password
		} else {
			esa = a.User + "@" + a.Address
		}
	}
	os.Setenv("PVO_FAULT_STOP_PASSWORD", password)
	args := []string{"check", "--esa", esa, "--sma", sma, "--sma-pvo-host", site.SMAPVOHost, "--known-hosts", kh,
		"--password-env", "PVO_FAULT_STOP_PASSWORD", "--color", "never", "--format", "text",
		"--connect-timeout", fmConnect.String(), "--step-timeout", fmStep.String(), "--timeout", fmRun.String()}

	// Check, and stop the process while the plan waits for its answer.
	ios, _, out, _ := Test()
	answer, typed := io.Pipe()
	ios.In = answer
	ios.SetTTY(true, false, false)
	asked := &signalWriter{want: "Apply these changes? [y/N]", seen: make(chan struct{})}
	ios.ErrOut = asked
	code := make(chan int, 1)
	go func() { code <- Run(ios, append(args, "--fix")) }()
	select {
	case <-asked.seen:
	case c := <-code:
		t.Fatalf("check --fix ended (exit %d) without asking:\n%s\n%s", c, out, asked)
	case <-time.After(fmRun):
		t.Fatalf("no confirmation asked within %s:\n%s", fmRun, asked)
	}
	if err := child.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := io.WriteString(typed, "y\n"); err != nil {
		t.Fatal(err)
	}
	var got int
	select {
	case got = <-code:
	case <-time.After(fmRun + fmSlack):
		t.Fatalf("check --fix against a stopped simulator did not end within %s:\n%s", fmRun+fmSlack, asked)
	}
	took := time.Since(start)
	if err := child.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	if got != ExitIncomplete {
		t.Errorf("exit %d, want %d\n%s\n%s", got, ExitIncomplete, report, asked)
	}
	// The fix session and the re-check each wait one connect deadline.
	if bound := 2*fmConnect + fmSlack; took > bound {
		t.Errorf("took %s after the answer, beyond %s", took.Round(time.Millisecond), bound)
	}
	if n := len(regexp.MustCompile(`(?m)^\s*error: connect: .*(did not speak ssh within|ssh login to .*: context deadline exceeded).*; nothing was changed$`).FindAllString(report, -1)); n != 1 {
		t.Errorf("%d fix error lines saying the stopped appliance did not speak ssh, want 1:\n%s", n, report)
	}
	if regexp.MustCompile(`(?m)^PASS `).MatchString(report) {
		t.Errorf("a rule passes while the appliances are stopped:\n%s", report)
	}

	// Continued: the site is as it was.
	ios, _, out, errOut := Test()
	if got := Run(ios, args); got != ExitFailed {
		t.Fatalf("check after SIGCONT: exit %d, want %d\n%s\n%s", got, ExitFailed, out, errOut)
	}
	if !regexp.MustCompile(`(?m)^FAIL +PVO-004 `).MatchString(out.String()) || !strings.Contains(out.String(), "HIGH:MEDIUM:ALL:-SSLv2") {
		t.Errorf("after SIGCONT the ciphers are not as they were:\n%s", out)
	}
}
