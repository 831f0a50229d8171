package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

func TestSimFlags(t *testing.T) {
	ios, _, _, _ := Test()
	var got *SimOptions
	cmd := NewCmdSim(ios, func(o *SimOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--scenario", "case1-sma-offline", "--latency", "50ms", "--legacy-ssh-algorithms", "--ready-file", "r.json", "--known-hosts-out", "kh", "--listen", "127.0.0.1:2200"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Scenario != "case1-sma-offline" || got.Latency != 50*time.Millisecond || !got.Legacy ||
		got.ReadyFile != "r.json" || got.KnownHostsOut != "kh" || got.Listen != "127.0.0.1:2200" {
		t.Errorf("options = %+v", got)
	}
}

func TestSimUsageErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("sma:\n  hostname: s\n  colour: blue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sim"}, "--scenario is required"},
		{[]string{"sim", "--scenario", "nope"}, `unknown scenario "nope"`},
		{[]string{"sim", "--scenario", bad}, bad + ":3: field colour not found"},
	} {
		ios, _, _, errOut := Test()
		if code := Run(ios, tc.args); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", tc.args, code, ExitUsage)
		}
		if !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, errOut.String(), tc.want)
		}
	}
}

func TestSimList(t *testing.T) {
	ios, _, out, _ := Test()
	if code := Run(ios, []string{"sim", "--list"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, name := range sim.Scenarios() {
		if !strings.Contains(out.String(), name+" ") {
			t.Errorf("--list lacks %s:\n%s", name, out.String())
		}
	}
}

func TestSimServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	ios, _, _, errOut := Test()
	ready := make(chan *sim.Site, 1)
	opts := &SimOptions{IO: ios, Scenario: "healthy", Listen: "127.0.0.1:0",
		ReadyFile: filepath.Join(dir, "ready.json"), KnownHostsOut: filepath.Join(dir, "known_hosts"), ready: ready}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- simRun(ctx, opts) }()
	var site *sim.Site
	select {
	case site = <-ready:
	case err := <-done:
		t.Fatalf("sim ended early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("sim not ready within 10s")
	}
	data, err := os.ReadFile(opts.ReadyFile)
	if err != nil {
		t.Fatal(err)
	}
	var r simReady
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("ready file: %v\n%s", err, data)
	}
	if len(r.Appliances) != 2 || r.SMAPVOHost != site.SMAPVOHost() || r.SMAPVOPort != 7025 {
		t.Errorf("ready = %+v", r)
	}
	for i, a := range site.Appliances() {
		got := r.Appliances[i]
		if got.Role != a.Role || got.Hostname != a.Hostname || got.Address != a.Addr || got.User != a.User || got.Password != a.Password {
			t.Errorf("ready appliance %d = %+v, want %+v", i, got, a)
		}
	}
	kh, err := os.ReadFile(opts.KnownHostsOut)
	if err != nil || string(kh) != string(site.KnownHosts()) {
		t.Errorf("known hosts = %q, %v", kh, err)
	}
	if strings.Contains(errOut.String(), site.Appliances()[0].Password) {
		t.Error("the summary shows a password")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("simRun: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop within 10s of cancel")
	}
}
