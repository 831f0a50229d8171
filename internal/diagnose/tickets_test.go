package diagnose

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

var update = flag.Bool("update", false, "rewrite the golden ticket verdicts in testdata/golden/tickets")

// ticketVerdict is what a ticket's analysis must keep: who each appliance
// is and where it came from, where the ESAs probed the SMA and why, and
// every finding's status.
type ticketVerdict struct {
	Appliances []ticketAppliance `json:"appliances"`
	PVOHost    string            `json:"pvo_host"`
	PVOSource  string            `json:"pvo_source"`
	Findings   []string          `json:"findings"`
	Coverage   []string          `json:"coverage"`
}

type ticketAppliance struct {
	ID          facts.ApplianceID `json:"id"`
	Role        facts.Role        `json:"role"`
	Hostname    string            `json:"hostname"`
	Machine     string            `json:"machine,omitempty"`
	Address     string            `json:"address"`
	FeatureKeys []string          `json:"feature_keys_of,omitempty"`
	Delivery    string            `json:"delivery,omitempty"`
	Role002     string            `json:"account_role,omitempty"`
	Warnings    []string          `json:"merge_warnings,omitempty"`
}

// TestTickets analyzes each directory of testdata/tickets as a
// support engineer would (the directory as it came, no role given) and
// compares the verdicts with testdata/golden/tickets (-update rewrites
// them; review the diff).
func TestTickets(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "tickets")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			out, err := Analyze(Saved{Files: []string{filepath.Join(root, d.Name())}})
			if err != nil {
				t.Fatal(err)
			}
			got := verdictOf(out)
			b, _ := json.MarshalIndent(got, "", "  ")
			b = append(b, '\n')
			golden := filepath.Join("..", "..", "testdata", "golden", "tickets", d.Name()+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(want) != string(b) {
				t.Errorf("verdicts differ from %s:\n%s", golden, b)
			}
		})
	}
}

func verdictOf(out Outcome) ticketVerdict {
	v := ticketVerdict{PVOHost: out.Site.PVOHost, PVOSource: out.Site.PVOSource, Findings: []string{}, Coverage: []string{}}
	apps := append([]*facts.Appliance{}, out.Site.ESAs...)
	if out.Site.SMA != nil {
		apps = append(apps, out.Site.SMA)
	}
	for _, a := range apps {
		ta := ticketAppliance{ID: a.ID, Role: a.Role, Hostname: a.Hostname, Machine: a.Machine, Address: filepath.Base(a.Address)}
		for m := range a.FeatureKeys {
			ta.FeatureKeys = append(ta.FeatureKeys, m)
		}
		slices.Sort(ta.FeatureKeys)
		if a.Delivery != nil {
			ta.Delivery = a.Delivery.DefaultInterface
		}
		if a.Account != nil {
			ta.Role002 = a.Account.User + "/" + a.Account.Role
		}
		for _, w := range a.Warnings {
			if w.Line == 0 && w.Command == "" {
				ta.Warnings = append(ta.Warnings, w.Text)
			}
		}
		v.Appliances = append(v.Appliances, ta)
	}
	for _, f := range out.Result.Findings {
		v.Findings = append(v.Findings, f.ID+" "+string(f.Status)+" "+f.Appliance)
	}
	for _, m := range out.Result.ManualChecks {
		if m.ID == "coverage" {
			v.Coverage = append(v.Coverage, m.Summary)
		}
	}
	return v
}

// TestTicketVerdicts pins what each ticket is about, beside the goldens,
// so that an -update cannot quietly accept a wrong verdict.
func TestTicketVerdicts(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "tickets")
	status := func(t *testing.T, dir string) (map[string]rules.Status, Outcome) {
		t.Helper()
		out, err := Analyze(Saved{Files: []string{filepath.Join(root, dir)}})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]rules.Status{}
		for _, f := range out.Result.Findings {
			m[f.ID+" "+f.Appliance] = f.Status
		}
		return m, out
	}
	t.Run("one file with ESA and SMA", func(t *testing.T) {
		s, out := status(t, "one-file-esa-and-sma")
		if out.Site.SMA == nil || len(out.Site.ESAs) != 1 {
			t.Fatalf("want one ESA and the SMA from one file, got %d ESAs, SMA %v", len(out.Site.ESAs), out.Site.SMA != nil)
		}
		for k, st := range s {
			if st == rules.StatusUnknown || st == rules.StatusFail {
				t.Errorf("%s: %s on a healthy site", k, st)
			}
		}
	})
	t.Run("cluster in two files", func(t *testing.T) {
		s, out := status(t, "cluster-two-files")
		if len(out.Site.ESAs) != 2 {
			t.Fatalf("want two members, got %d", len(out.Site.ESAs))
		}
		for _, id := range []string{"PVO-005 cluster PVOCluster", "PVO-006 cluster PVOCluster"} {
			if s[id] != rules.StatusFail {
				t.Errorf("%s: %s, want fail (decided from both files)", id, s[id])
			}
		}
	})
	t.Run("IP-only probe linked by the 220 banner", func(t *testing.T) {
		s, out := status(t, "ip-probe-banner")
		if out.Site.PVOHost != "10.172.12.18" || s["PVO-101 mx.example.com"] != rules.StatusPass || s["PVO-003 mx.example.com"] != rules.StatusPass {
			t.Errorf("PVO host %q (%s), PVO-101 %s, PVO-003 %s", out.Site.PVOHost, out.Site.PVOSource, s["PVO-101 mx.example.com"], s["PVO-003 mx.example.com"])
		}
	})
	t.Run("two files of one ESA", func(t *testing.T) {
		s, out := status(t, "one-esa-two-files")
		if len(out.Site.ESAs) != 1 {
			t.Fatalf("want one ESA, got %d", len(out.Site.ESAs))
		}
		// The morning's file says In, the later one Auto: the later stands,
		// whichever order the files are given in.
		if got := out.Site.ESAs[0].Delivery.DefaultInterface; got != "Auto" || s["PVO-003 mx.example.com"] != rules.StatusPass {
			t.Errorf("delivery %q, PVO-003 %s", got, s["PVO-003 mx.example.com"])
		}
	})
	t.Run("whose session", func(t *testing.T) {
		s, _ := status(t, "who-several-users")
		if s["PVO-002 mx.example.com"] != rules.StatusFail || s["PVO-002 sma.example.com"] != rules.StatusUnknown {
			t.Errorf("PVO-002: ESA %s (its own row is the operator's), SMA %s (several users, no whoami)",
				s["PVO-002 mx.example.com"], s["PVO-002 sma.example.com"])
		}
	})
}

// TestSavedPVOEndpoint covers the names a probe may use for the SMA.
func TestSavedPVOEndpoint(t *testing.T) {
	probe := func(host, banner string) facts.Probe {
		return facts.Probe{Interface: "Auto", Host: host, Port: 7025, Outcome: facts.ProbeConnected, Banner: banner}
	}
	for _, c := range []struct {
		name     string
		sma      *facts.Appliance
		probes   []facts.Probe
		given    session.Address
		wantHost string
		wantWhy  string
	}{
		{"hostname", &facts.Appliance{Hostname: "sma.example.com"}, []facts.Probe{probe("sma.example.com", "")}, session.Address{Port: 7025},
			"sma.example.com", "own names"},
		{"interface address", &facts.Appliance{Hostname: "sma", Interfaces: map[string]*facts.Interfaces{"sma": {List: []facts.Interface{{Address: "192.0.2.9"}}}}},
			[]facts.Probe{probe("192.0.2.9", "")}, session.Address{Port: 7025}, "192.0.2.9", "own names"},
		{"banner", &facts.Appliance{Hostname: "sma.example.com"}, []facts.Probe{probe("192.0.2.9", "220 sma.example.com ESMTP")}, session.Address{Port: 7025},
			"192.0.2.9", "banner names the SMA"},
		{"only candidate", &facts.Appliance{Hostname: "sma.example.com"}, []facts.Probe{probe("192.0.2.9", "220 mail ESMTP")}, session.Address{Port: 7025},
			"192.0.2.9", "the only candidate"},
		{"override", &facts.Appliance{Hostname: "sma.example.com"}, []facts.Probe{probe("192.0.2.9", "")}, session.Address{Host: "10.0.0.1", Port: 7026},
			"10.0.0.1", "--sma-pvo-host"},
		{"moved port", &facts.Appliance{Hostname: "sma", TCPServices: &facts.TCPServices{Listeners: []facts.Listener{{Process: "cpq_listener", Address: "*", Port: 7026}}}},
			[]facts.Probe{{Host: "sma", Port: 7026, Outcome: facts.ProbeConnected}}, session.Address{Port: 7025}, "sma", "7026"},
	} {
		site := &facts.Site{SMA: c.sma, ESAs: []*facts.Appliance{{Hostname: "mx", Probes: c.probes}}}
		savedPVOEndpoint(site, c.given)
		if site.PVOHost != c.wantHost || !contains(site.PVOSource, c.wantWhy) {
			t.Errorf("%s: %q (%s), want %q (%s)", c.name, site.PVOHost, site.PVOSource, c.wantHost, c.wantWhy)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
