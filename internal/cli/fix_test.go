package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// fixSite starts a scenario and returns check options that log in with the
// scenario's password, and the simulator.
func fixSite(t *testing.T, scenario string) (*CheckOptions, *sim.Site, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	t.Setenv("HOME", t.TempDir()) // no keys of the user's own get in the way
	sc, err := sim.LoadScenario(scenario)
	if err != nil {
		t.Fatal(err)
	}
	site, err := sim.Start(context.Background(), sc, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, site.KnownHosts(), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, in, out, errOut := Test()
	opts := &CheckOptions{IO: ios, KnownHosts: kh, User: "admin", SMAPVOHost: site.SMAPVOHost(),
		ConnectTimeout: 10 * time.Second, ProbeTimeout: 3 * time.Second, StepTimeout: 10 * time.Second,
		Timeout: 60 * time.Second, Concurrency: 8, noAgent: true, NoSSHConfig: true}
	for _, a := range site.Appliances() {
		pw := a.Password
		opts.password = func() (string, error) { return pw, nil }
		if a.Role == "sma" {
			opts.SMAs = []string{a.Addr}
		} else {
			opts.ESAs = append(opts.ESAs, a.Addr)
		}
	}
	return opts, site, in, out, errOut
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	}
	t.Fatalf("checkRun: %v", err)
	return -1
}

// Each fix session and re-check leaves its own redacted transcript.
func TestFixTranscripts(t *testing.T) {
	opts, site, _, out, _ := fixSite(t, "case4-anonymous-ciphers")
	dir := t.TempDir()
	opts.TranscriptDir = dir
	opts.Fix, opts.Yes = true, true
	if code := exitCode(t, checkRun(context.Background(), opts)); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimPrefix(f, dir+"/"))
	}
	esa := "esa-" + strings.ReplaceAll(opts.ESAs[0], ":", "_")
	for _, want := range []string{esa + ".transcript", esa + ".fix1.transcript", esa + ".recheck1.transcript"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("no %s among %v", want, names)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "sma-") && strings.Contains(n, ".fix1.") {
			t.Errorf("a fix transcript for the SMA, which needed no fix: %v", names)
		}
	}
	pw := site.Appliances()[0].Password
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", f, st.Mode().Perm())
		}
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(pw)) {
			t.Errorf("%s holds the password", f)
		}
		if strings.HasSuffix(f, ".fix1.transcript") && !bytes.Contains(b, []byte("HIGH:MEDIUM:ALL:-aNULL:-SSLv2")) {
			t.Errorf("%s does not show the fix dialog:\n%s", f, b)
		}
	}
}

// On a terminal, --fix asks; anything but yes changes nothing.
func TestFixConfirmOnTerminal(t *testing.T) {
	opts, site, in, out, errOut := fixSite(t, "case3-delivery-interface")
	opts.IO.SetTTY(true, false, false)
	opts.Fix = true
	before := site.Snapshot("mx.example.com")
	in.WriteString("n\n")
	if code := exitCode(t, checkRun(context.Background(), opts)); code != ExitFailed {
		t.Fatalf("declined: exit %d, want the check's 1", code)
	}
	if !strings.Contains(errOut.String(), "Apply these changes? [y/N] ") || !strings.Contains(errOut.String(), "Nothing was changed.") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if !strings.Contains(out.String(), "PVO-003 on mx.example.com: deliveryconfig_auto (skipped)") {
		t.Errorf("report:\n%s", out)
	}
	if site.Snapshot("mx.example.com") != before {
		t.Errorf("declined, yet the state changed")
	}

	out.Reset()
	errOut.Reset()
	in.WriteString("yes\n")
	if code := exitCode(t, checkRun(context.Background(), opts)); code != ExitOK {
		t.Fatalf("confirmed: exit %d\n%s\n%s", code, errOut, out)
	}
	if !strings.Contains(out.String(), "deliveryconfig_auto (verified)") {
		t.Errorf("report:\n%s", out)
	}
	if after := site.Snapshot("mx.example.com"); !strings.Contains(after, "delivery.interface = Auto") {
		t.Errorf("confirmed, yet not Auto:\n%s", after)
	}
}
