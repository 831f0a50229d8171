package fix

import (
	"bytes"
	"github.com/pvo-doctor/pvo-doctor/internal/ciphers"
	"strings"
	"testing"

	"fmt"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func failing(id, app string, action Action, params map[string]string) Need {
	return Need{Rule: id, Name: app, Action: action, Params: ParamsFrom(params), Summary: id + " fix"}
}

// on resolves each need's appliance in site by name, as the driver does.
func on(site *facts.Site, needs ...Need) []Need {
	for i := range needs {
		for _, a := range append(append([]*facts.Appliance{}, site.ESAs...), site.SMA) {
			if a != nil && a.Name() == needs[i].Name {
				needs[i].Appliance = a
			}
		}
	}
	return needs
}

func standaloneSite() *facts.Site {
	return &facts.Site{
		SMA:  &facts.Appliance{Role: facts.RoleSMA, Address: "sma:22", Hostname: "sma.example.com"},
		ESAs: []*facts.Appliance{{Role: facts.RoleESA, Address: "mx:22", Hostname: "mx.example.com", Cluster: &facts.Cluster{Standalone: true}}},
	}
}

func TestPlanStandalone(t *testing.T) {
	site := standaloneSite()
	p := NewPlan(Input{Site: site, Needs: on(site,
		failing("PVO-001", "sma.example.com", ActionResume, nil),
		failing("PVO-002", "mx.example.com", "", nil),
		failing("PVO-003", "mx.example.com", ActionDeliveryAuto, nil),
		failing("PVO-004", "mx.example.com", ActionOutboundCiphers, map[string]string{"ciphers": ciphers.SafeOutbound, "method": "tlsv1/tlsv1.2"}),
		failing("PVO-105", "sma.example.com", ActionResumeTransfers, nil),
	)})
	if len(p.Sessions) != 2 {
		t.Fatalf("sessions = %+v, want mx then sma", p.Sessions)
	}
	mx, sma := p.Sessions[0], p.Sessions[1]
	if mx.Appliance != "mx.example.com" || mx.Address != "mx:22" || len(mx.Fixes) != 2 {
		t.Fatalf("mx session = %+v", mx)
	}
	if got := mx.Comment(); got != "pvo-doctor: PVO-003 default delivery interface Auto; PVO-004 remove anonymous outbound ciphers" {
		t.Errorf("commit comment = %q", got)
	}
	if sma.Appliance != "sma.example.com" || len(sma.Fixes) != 1 || sma.Fixes[0].Action != ActionResume || sma.Comment() != "" {
		t.Errorf("sma session = %+v", sma)
	}
	var manual []string
	for _, m := range p.Manual {
		manual = append(manual, m.Rule)
	}
	if strings.Join(manual, ",") != "PVO-002,PVO-105" {
		t.Errorf("manual = %v, want PVO-002 and PVO-105 (resumetransfers is never automatic)", manual)
	}
	d := mx.Fixes[0].Commands[0]
	if d.Line != "deliveryconfig" || d.Steps[1].Choose != "Auto" || d.Steps[1].Answer != "" {
		t.Errorf("deliveryconfig must choose Auto by label: %+v", d.Steps[1])
	}
	for _, st := range d.Steps[2:] {
		if !st.Default {
			t.Errorf("deliveryconfig step %q must keep the current value", st.Question)
		}
	}
	s := mx.Fixes[1].Commands[0]
	if s.Steps[0].Answer != "OUTBOUND" || s.Steps[1].Choose != "TLS v1/TLS v1.2" || s.Steps[2].Answer != ciphers.SafeOutbound || !s.Steps[3].Default {
		t.Errorf("sslconfig steps = %+v", s.Steps)
	}
	if !strings.Contains(s.Steps[1].Why, "tlsv1/tlsv1.2") {
		t.Errorf("the method step should name the method it keeps: %q", s.Steps[1].Why)
	}
}

// TestPlanOnlyNamed: --fix-rule limits the plan to the named rules, and an
// explicit fix (PVO-105's resumetransfers) is planned only when named.
func TestPlanOnlyNamed(t *testing.T) {
	site := standaloneSite()
	findings := on(site,
		failing("PVO-001", "sma.example.com", ActionResume, nil),
		failing("PVO-105", "sma.example.com", ActionResumeTransfers, nil),
	)
	p := NewPlan(Input{Site: site, Needs: findings, Only: map[string]bool{"PVO-105": true}})
	if len(p.Sessions) != 1 || len(p.Sessions[0].Fixes) != 1 || p.Sessions[0].Fixes[0].Rule != "PVO-105" {
		t.Fatalf("plan = %+v, want only PVO-105", p.Sessions)
	}
	cmds := p.Sessions[0].Fixes[0].Commands
	if cmds[0].Line != "resumetransfers" || cmds[1].Line != "status detail" || p.Sessions[0].Comment() != "" {
		t.Errorf("PVO-105 commands = %+v, want resumetransfers then status detail, no commit", cmds)
	}
	p = NewPlan(Input{Site: site, Needs: findings, Only: map[string]bool{"PVO-001": true}})
	if len(p.Sessions) != 1 || p.Sessions[0].Fixes[0].Rule != "PVO-001" || len(p.Manual) != 0 {
		t.Errorf("plan = %+v manual %+v, want only PVO-001", p.Sessions, p.Manual)
	}
	p = NewPlan(Input{Site: site, Needs: findings[1:]})
	if !p.Empty() || len(p.Manual) != 1 || !strings.Contains(p.Manual[0].Summary, "--fix-rule PVO-105") {
		t.Errorf("plain --fix planned %+v, manual %+v; want PVO-105 left to --fix-rule", p.Sessions, p.Manual)
	}
}

func TestPlanEmptyAndDone(t *testing.T) {
	site := standaloneSite()
	if p := NewPlan(Input{Site: site}); !p.Empty() || len(p.Manual) != 0 {
		t.Errorf("plan for a passing site = %+v", p)
	}
	fail := on(site, failing("PVO-001", "sma.example.com", ActionResume, nil))
	done := func(rule, app string) bool { return rule == "PVO-001" && app == "sma.example.com" }
	if p := NewPlan(Input{Site: site, Needs: fail, Done: done}); !p.Empty() {
		t.Errorf("a fix already attempted was planned again: %+v", p)
	}
	if p := NewPlan(Input{Needs: fail}); !p.Empty() {
		t.Errorf("no site, but a plan: %+v", p)
	}
	// resume belongs to the SMA; on an ESA it is left to a person.
	onESA := on(site, failing("PVO-001", "mx.example.com", ActionResume, nil))
	if p := NewPlan(Input{Site: site, Needs: onESA}); !p.Empty() || len(p.Manual) != 1 {
		t.Errorf("resume planned on an ESA: %+v", p)
	}
	var b bytes.Buffer
	if err := (Plan{}).Write(&b); err != nil || !strings.Contains(b.String(), "Nothing to fix automatically") {
		t.Errorf("empty plan text = %q, %v", b.String(), err)
	}
}

// clusterSite is two members of one cluster whose sessions the driver
// resolved to their machines (machines[i], "" when it could not), with
// the sslconfig level each session read (levelFromSpec shorthand).
func clusterSite(t *testing.T, level string, machines ...string) *facts.Site {
	cl := &facts.Cluster{Name: "PVOCluster", Groups: []facts.ClusterGroup{{Name: "Main_Group", Machines: []facts.ClusterMachine{
		{Name: "esa1.example.com", Serial: "S-ESA1"}, {Name: "esa2.example.com", Serial: "S-ESA2"},
	}}}}
	if machines == nil {
		machines = []string{"esa1.example.com", "esa2.example.com"}
	}
	site := &facts.Site{SMA: &facts.Appliance{Role: facts.RoleSMA, Address: "sma:22", Hostname: "sma.example.com"}}
	for i, addr := range []string{"e1:22", "e2:22"} {
		a := &facts.Appliance{ID: facts.ApplianceID("esa/" + addr), Role: facts.RoleESA, Address: addr, Cluster: cl, Machine: machines[i]}
		sl, err := levelFromSpec(level, facts.SettingOutboundTLS)
		if err != nil {
			t.Fatal(err)
		}
		a.SettingLevels = map[facts.Setting]*facts.SettingLevel{facts.SettingOutboundTLS: sl}
		site.ESAs = append(site.ESAs, a)
	}
	return site
}

func cipherNeeds(site *facts.Site) []Need {
	p := map[string]string{"ciphers": ciphers.SafeOutbound}
	return on(site,
		failing("PVO-004", "e1:22", ActionOutboundCiphers, p),
		failing("PVO-004", "e2:22", ActionOutboundCiphers, p),
	)
}

func TestPlanClusterLevelOnce(t *testing.T) {
	site := clusterSite(t, "defined at: Cluster PVOCluster")
	p := NewPlan(Input{Site: site, Needs: cipherNeeds(site)})
	if len(p.Sessions) != 1 || len(p.Sessions[0].Fixes) != 1 {
		t.Fatalf("want one change for the cluster: %+v", p.Sessions)
	}
	s := p.Sessions[0]
	f := s.Fixes[0]
	if s.Machine != "esa1.example.com" || s.Group != "Main_Group" || s.Cluster != "PVOCluster" || s.ID != "esa/e1:22" {
		t.Errorf("session = %+v", s)
	}
	if f.Level != (Level{Mode: "cluster", Known: true, Line: "defined at: Cluster PVOCluster"}) {
		t.Errorf("level = %+v", f.Level)
	}
	if strings.Join(f.Covers, ",") != "e1:22,e2:22" {
		t.Errorf("covers = %v", f.Covers)
	}
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"as machine esa1.example.com", "one change for e1:22, e2:22",
		"changed at cluster level (Cluster PVOCluster)", "> sslconfig    (read only", "> clustermode cluster", "pvo-doctor: PVO-004 remove anonymous outbound ciphers"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
}

func TestPlanClusterMachineOverride(t *testing.T) {
	over := "defined at: Cluster PVOCluster; Machine esa2.example.com"
	site := clusterSite(t, over)
	p := NewPlan(Input{Site: site, Needs: cipherNeeds(site)})
	if len(p.Sessions) != 2 {
		t.Fatalf("want one change per level: %+v", p.Sessions)
	}
	if m := p.Sessions[0].Fixes[0].Level.Mode; m != "cluster" {
		t.Errorf("esa1 changes at %q, want cluster", m)
	}
	if m := p.Sessions[1].Fixes[0].Level.Mode; m != "machine esa2.example.com" {
		t.Errorf("esa2 changes at %q, want its own machine level", m)
	}
	// Without its machine (no serial matched), esa2 cannot be named: its
	// level stays unknown rather than defaulting to the cluster's.
	site = clusterSite(t, over, "", "")
	p = NewPlan(Input{Site: site, Needs: cipherNeeds(site)})
	for _, s := range p.Sessions {
		if s.Fixes[0].Level.Known {
			t.Errorf("%s: level known without the machine's name: %+v", s.Appliance, s.Fixes[0].Level)
		}
	}
}

// TestEffectiveMode reads levels in the tests' shorthand and asks
// which level decides for esa2 in Main_Group.
func TestEffectiveMode(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // EffectiveMode for esa2 in Main_Group; "!" when not ok
	}{
		{"defined at: Cluster PVOCluster\n", "cluster"},
		{"defined at: Cluster C; Machine esa2.example.com\n", "machine esa2.example.com"},
		{"defined at: Cluster C; Machine esa1.example.com\n", "cluster"},
		{"defined at: None\n", "cluster"},
		{"defined at: Planet Mars\n", "!"},
		{"defined at:\n", "!"},
		{"Default interface to deliver mail: In\n", "!"},
		{"", "!"},
	} {
		got := "!"
		if sl, err := levelFromSpec(tc.text, facts.SettingOutboundTLS); err == nil {
			if m, ok := EffectiveMode(sl.Definitions, "esa2.example.com", "Main_Group"); ok {
				got = m
			}
		}
		if got != tc.want {
			t.Errorf("%q: mode %q, want %q", tc.text, got, tc.want)
		}
	}
}

// levelFromSpec builds a level from the tests' shorthand "defined at:
// Cluster C; Machine m" (or "None"), standing for what the driver's
// NOTICE-flow reads found; anything else is no readable level.
func levelFromSpec(spec string, setting facts.Setting) (*facts.SettingLevel, error) {
	t := strings.TrimSpace(spec)
	rest, ok := strings.CutPrefix(t, "defined at:")
	if !ok {
		return nil, fmt.Errorf("no level in %q", spec)
	}
	sl := &facts.SettingLevel{Setting: setting, Definitions: []facts.LevelDefinition{},
		Evidence: facts.Evidence{Command: "sslconfig", Lines: []string{t}}}
	rest = strings.TrimSpace(rest)
	if rest == "None" {
		return sl, nil
	}
	for _, part := range strings.Split(rest, ";") {
		word, name, _ := strings.Cut(strings.TrimSpace(part), " ")
		switch strings.ToLower(word) {
		case "cluster", "group", "machine":
			sl.Definitions = append(sl.Definitions, facts.LevelDefinition{Level: facts.Level(strings.ToLower(word)), Name: name})
		default:
			return nil, fmt.Errorf("unknown level %q", word)
		}
	}
	return sl, nil
}
