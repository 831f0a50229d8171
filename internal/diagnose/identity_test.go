package diagnose

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		spec, user, addr, id string
	}{
		{"mx.example.com", "admin", "mx.example.com:22", "esa/mx.example.com:22"},
		{"ops@mx.example.com:2222", "ops", "mx.example.com:2222", "esa/mx.example.com:2222"},
		{"[2001:db8::7]:2222", "admin", "[2001:db8::7]:2222", "esa/[2001:db8::7]:2222"},
		{"2001:db8::7", "admin", "[2001:db8::7]:22", "esa/[2001:db8::7]:22"},
	} {
		id, err := ParseTarget(facts.RoleESA, tc.spec, "admin")
		if err != nil || id.User != tc.user || id.Addr.String() != tc.addr || string(id.ID) != tc.id || id.Spec != tc.spec {
			t.Errorf("ParseTarget(%q) = %+v, %v", tc.spec, id, err)
		}
	}
	for _, bad := range []string{"@mx", "mx:0", ""} {
		if _, err := ParseTarget(facts.RoleESA, bad, "admin"); !errors.Is(err, ErrUsage) {
			t.Errorf("ParseTarget(%q): error %v, want a usage error", bad, err)
		}
	}
}

// TestParsePVOEndpoint: HOST[:PORT] means the same in check and analyze;
// a bare IPv6 address takes the PVO port, never SSH's 22.
func TestParsePVOEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"sma.example.com":      "sma.example.com:7025",
		"sma.example.com:7026": "sma.example.com:7026",
		"10.172.12.18":         "10.172.12.18:7025",
		"[2001:db8::18]:7026":  "[2001:db8::18]:7026",
		"[2001:db8::18]":       "[2001:db8::18]:7025",
		"2001:db8::18":         "[2001:db8::18]:7025",
	} {
		got, err := ParsePVOEndpoint(in, facts.DefaultPVOPort)
		if err != nil || got.String() != want {
			t.Errorf("ParsePVOEndpoint(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ParsePVOEndpoint("sma:70250", facts.DefaultPVOPort); !errors.Is(err, ErrUsage) {
		t.Errorf("a bad port: %v, want a usage error", err)
	}
}

// TestCollectResolvesIdentity: a live check stamps every appliance with
// its stable ID, and a cluster member with the machine its serial number
// names, although its prompt shows only the cluster.
func TestCollectResolvesIdentity(t *testing.T) {
	cfg := simConfig(t, "cluster-two-esa")
	site := Collect(context.Background(), cfg, "")
	apps := append(append([]*facts.Appliance{}, site.ESAs...), site.SMA)
	if len(apps) != 3 {
		t.Fatalf("site = %+v", site)
	}
	for i, a := range apps {
		if want := cfg.Targets[i].ID; a.ID != want || want == "" {
			t.Errorf("%s: ID %q, want %q", a.Address, a.ID, want)
		}
		if len(a.Errors) > 0 {
			t.Errorf("%s: errors %+v", a.Address, a.Errors)
		}
	}
	if site.ESAs[0].Machine != "esa1.example.com" || site.ESAs[1].Machine != "esa2.example.com" || site.SMA.Machine != "" {
		t.Errorf("machines = %q, %q, %q", site.ESAs[0].Machine, site.ESAs[1].Machine, site.SMA.Machine)
	}
	// Read through the NOTICE flow in every mode: at cluster level only.
	if sl := site.ESAs[0].SettingLevels[facts.SettingOutboundTLS]; sl == nil || len(sl.Definitions) != 1 ||
		sl.Definitions[0] != (facts.LevelDefinition{Level: facts.LevelCluster, Name: "PVOCluster"}) {
		t.Errorf("esa1's sslconfig level = %+v", sl)
	}
}

// TestAnalyzeResolvesIdentity: saved sessions get stable IDs too, keyed by
// role and the hostname the session showed (what joins an appliance's
// sessions across files), and the PVO endpoint is the SMA's name the ESA
// probed (here its address, which the SMA's interfaceconfig shows).
func TestAnalyzeResolvesIdentity(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "sessions")
	esa := filepath.Join(dir, "pvo100-healthy-esa.log")
	sma := filepath.Join(dir, "pvo100-healthy-sma.log")
	out, err := Analyze(Saved{ESAFiles: []string{esa}, SMAFile: sma})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.Site.ESAs[0].ID, facts.ApplianceID("esa/host:mx.example.com"); got != want {
		t.Errorf("ESA ID = %q, want %q", got, want)
	}
	if got, want := out.Site.SMA.ID, facts.ApplianceID("sma/host:sma.example.com"); got != want {
		t.Errorf("SMA ID = %q, want %q", got, want)
	}
	if out.Site.PVOHost != "10.172.12.18" || out.Site.PVOPort != facts.DefaultPVOPort || !strings.Contains(out.Site.PVOSource, "the SMA's own names") {
		t.Errorf("PVO endpoint = %s:%d (%s), want the SMA's address the ESA probed and 7025", out.Site.PVOHost, out.Site.PVOPort, out.Site.PVOSource)
	}
}

// simConfig serves a scenario on loopback and returns a Config aimed at it,
// logging in with the scenario's password.
func simConfig(t *testing.T, scenario string) Config {
	t.Helper()
	cfg, _ := simSite(t, scenario)
	return cfg
}

// simSite serves scenario and returns the check's configuration for it and
// the simulator, whose state a test can compare.
func simSite(t *testing.T, scenario string) (Config, *sim.Site) {
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
	var esas []string
	sma, pw := "", ""
	for _, a := range site.Appliances() {
		pw = a.Password
		if a.Role == "sma" {
			sma = a.User + "@" + a.Addr
		} else {
			esas = append(esas, a.User+"@"+a.Addr)
		}
	}
	ids, err := ResolveTargets(Named{ESAs: esas, SMAs: []string{sma}, NoSSHConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	pvo, err := ParsePVOEndpoint(site.SMAPVOHost(), facts.DefaultPVOPort)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Targets: ids, PVO: pvo,
		Dial: session.Options{KnownHosts: kh, ConnectTimeout: 10 * time.Second, StepTimeout: 10 * time.Second,
			Secrets: &session.Secrets{Password: func() (string, error) { return pw, nil }}},
		ProbeTimeout: 3 * time.Second, StepTimeout: 10 * time.Second, Timeout: 60 * time.Second, Concurrency: 4}, site
}

func TestPasswordEnvs(t *testing.T) {
	ids := []Identity{{PasswordEnv: "ESA4_PASSWORD"}, {}, {PasswordEnv: "PVO_DOCTOR_PASSWORD"}, {PasswordEnv: "ESA4_PASSWORD"}}
	got := PasswordEnvs("PVO_DOCTOR_PASSWORD", ids)
	if want := []string{"ESA4_PASSWORD", "PVO_DOCTOR_PASSWORD"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
