package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// healthyESA is one cluster member whose session read everything about
// itself; levels, when set, adds the cluster-mode reads.
func healthyESA(n int, c *facts.Cluster, levels bool) *facts.Appliance {
	name := fmt.Sprintf("esa%d.example.com", n)
	a := member(name, c)
	a.ID = facts.ApplianceID(fmt.Sprintf("esa-%d", n))
	a.Address = fmt.Sprintf("10.172.12.2%d", n)
	a.Account = whoAccount("admin", "Administrator")
	a.Version = &facts.Version{Raw: "14.2.0-620", Major: 14, Minor: 2, Evidence: ev("version", "Version: 14.2.0-620")}
	a.Delivery = &facts.Delivery{DefaultInterface: "Data1", Evidence: ev("deliveryconfig", "Default interface to deliver mail: Data1")}
	a.Probes = []facts.Probe{probe("Data1", 7025, facts.ProbeConnected)}
	a.SSL = sslESA("sslv3tlsv1", "HIGH:MEDIUM:ALL:-aNULL:-SSLv2").SSL
	tv := *goodTLS
	a.TLSVerify = &tv
	a.Quarantines = &facts.Quarantines{Centralized: true, CentralizedOn: "sma.example.com",
		Rows: []facts.QuarantineRow{{Name: "Policy"}, {Name: "Virus"}, {Name: "Outbreak"}},
		Evidence: ev("quarantineconfig", "Note: Policy, Virus and Outbreak Quarantines are centralized on sma.example.com.",
			"1. Outbreak  0M  0", "2. Policy  0M  0", "3. Virus  0M  0")}
	a.FeatureKeys = map[string]*facts.FeatureKeys{}
	a.Interfaces = map[string]*facts.Interfaces{}
	addMachine(a, name, n)
	if levels {
		at := facts.LevelDefinition{Level: facts.LevelCluster, Name: c.Name}
		a.SettingLevels = map[facts.Setting]*facts.SettingLevel{}
		for _, s := range append([]facts.Setting{facts.SettingPVO}, facts.ClusterSettings...) {
			a.SettingLevels[s] = &facts.SettingLevel{Setting: s, Definitions: []facts.LevelDefinition{at},
				Evidence: ev("levels", "defined at Cluster "+c.Name)}
		}
	}
	return a
}

// addMachine has a's session read machine n's keys and interfaces.
func addMachine(a *facts.Appliance, name string, n int) {
	a.FeatureKeys[name] = keys(name, "Outbreak Filters", "Sophos Anti-Virus")
	a.Interfaces[name] = interfaces(name,
		facts.Interface{Name: "Data1", Address: fmt.Sprintf("192.168.1.1%d", n), PrefixLen: 24, Port: "Data1"},
		facts.Interface{Name: "Management", Address: fmt.Sprintf("10.172.12.2%d", n), PrefixLen: 24, Port: "Management"})
}

func healthySMA(esas ...string) *facts.Appliance {
	sma := managedSMA()
	sma.ID = "sma-1"
	sma.Managed.Lines = []string{"Security Appliances:"}
	for i, name := range esas {
		addr := fmt.Sprintf("10.172.12.2%d", i+1)
		sma.Managed.Appliances = append(sma.Managed.Appliances, managed(name, addr, bptr(true), facts.TestSucceeded))
		sma.Probes = append(sma.Probes, smaProbe(addr, facts.ProbeConnected))
	}
	sma.Account = whoAccount("admin", "Administrator")
	sma.Version = &facts.Version{Raw: "14.2.0-224", Major: 14, Minor: 2, Evidence: ev("version", "Version: 14.2.0-224")}
	sma.Status.TransfersSuspended = bptr(false)
	sma.Status.Lines = append(sma.Status.Lines, "Centralized transfers:         Active")
	sma.TCPServices = &facts.TCPServices{Listeners: []facts.Listener{{Process: "cpq_listener", Proto: "TCP", Port: 7025}},
		Evidence: ev("tcpservices", "cpq_listener  2002  IPv4  TCP  10.172.12.18:7025  LISTEN")}
	sma.DiskQuota = &facts.DiskQuota{Rows: []facts.QuotaRow{{Service: "Policy, Virus & Outbreak Quarantines", Usage: 1, Quota: 10}},
		Evidence: ev("diskquotaconfig", "Policy, Virus & Outbreak Quarantines   1   10")}
	return sma
}

// twoSessions is a healthy two-member cluster with a session on each
// member; the cluster-mode levels were read on the first only, so every
// read has one session that holds it.
func twoSessions() *facts.Site {
	c := clusterOf("PVOCluster", "esa1.example.com", "esa2.example.com")
	return &facts.Site{SMA: healthySMA("esa1.example.com", "esa2.example.com"), PVOHost: smaIP, PVOPort: 7025,
		ESAs: []*facts.Appliance{healthyESA(1, c, true), healthyESA(2, c, false)}}
}

// oneSession is the same cluster read through one member's session, the
// other member's facts through clustermode machine.
func oneSession() *facts.Site {
	c := clusterOf("PVOCluster", "esa1.example.com", "esa2.example.com")
	a := healthyESA(1, c, true)
	addMachine(a, "esa2.example.com", 2)
	return &facts.Site{SMA: healthySMA("esa1.example.com", "esa2.example.com"), PVOHost: smaIP, PVOPort: 7025,
		ESAs: []*facts.Appliance{a}}
}

// breakers make each rule fail on a healthy site.
var breakers = map[string]func(*facts.Site){
	"PVO-001": func(s *facts.Site) { s.SMA.Status.Value = "Offline" },
	"PVO-002": func(s *facts.Site) { s.ESAs[0].Account = whoAccount("oper1", "Operator") },
	"PVO-003": func(s *facts.Site) { s.ESAs[0].Probes = []facts.Probe{probe("Data1", 7025, facts.ProbeTimedOut)} },
	"PVO-004": func(s *facts.Site) { s.ESAs[0].SSL = sslESA("sslv3tlsv1", "RC4-SHA:RC4-MD5:ALL").SSL },
	"PVO-005": func(s *facts.Site) {
		for _, fk := range s.ESAs[0].FeatureKeys {
			fk.Keys = append(fk.Keys, facts.FeatureKey{Module: "Data Loss Prevention", Remaining: "30 days"})
			break
		}
	},
	"PVO-006": func(s *facts.Site) {
		s.ESAs[0].SettingLevels[facts.SettingDLP].Definitions = append(s.ESAs[0].SettingLevels[facts.SettingDLP].Definitions,
			facts.LevelDefinition{Level: facts.LevelMachine, Name: "esa2.example.com"})
	},
	"PVO-101": func(s *facts.Site) {
		for _, a := range s.ESAs {
			a.Probes = []facts.Probe{probe("Data1", 7025, facts.ProbeRefused)}
		}
	},
	"PVO-102": func(s *facts.Site) { *s.SMA.Managed.Appliances[0].PVOService = false },
	"PVO-103": func(s *facts.Site) { s.SMA.Managed.Appliances = s.SMA.Managed.Appliances[:1] },
	"PVO-104": func(s *facts.Site) { s.SMA.Managed.Appliances[0].Test.Outcome = facts.TestAuthFailed },
	"PVO-105": func(s *facts.Site) { *s.SMA.Status.TransfersSuspended = true },
	"PVO-106": func(s *facts.Site) { s.ESAs[0].Version.Major = 15 },
	"PVO-107": func(s *facts.Site) { s.SMA.DiskQuota.Rows[0].Usage = 9.9 },
	"PVO-108": func(s *facts.Site) { s.ESAs[0].Quarantines.Rows[0].Messages = 3 },
	"PVO-109": func(s *facts.Site) {
		for _, fk := range s.ESAs[0].FeatureKeys {
			fk.Keys[0].Remaining = "Expired"
		}
	},
}

// drop removes what read cmd produced on a (for machine, that machine's).
func drop(a *facts.Appliance, cmd, machine string) {
	if s, ok := levelSetting(cmd); ok {
		delete(a.SettingLevels, s)
		return
	}
	switch cmd {
	case "version":
		a.Version = nil
	case "whoami":
		a.Account = nil
	case "status", "status detail":
		a.Status = nil
	case "tcpservices":
		a.TCPServices = nil
	case "deliveryconfig":
		a.Delivery = nil
	case "telnet":
		a.Probes = nil
	case "tlsverify":
		a.TLSVerify = nil
	case "sslconfig":
		a.SSL = nil
	case "clusterconfig":
		a.Cluster = nil
	case "mail_logs":
		a.MailLog = nil
	case "applianceconfig":
		a.Managed = nil
	case "diskquotaconfig":
		a.DiskQuota = nil
	case "quarantineconfig":
		a.Quarantines = nil
	case "featurekey":
		delete(a.FeatureKeys, machine)
	case "interfaceconfig":
		delete(a.Interfaces, machine)
	default:
		panic("no way to drop " + cmd)
	}
}

// mutation is one way a read falls short.
type mutation struct {
	name string
	// gap: the engine must treat the read as missing, even when IfRead.
	ifRead bool
	apply  func(a *facts.Appliance, cmd, machine string)
}

var mutations = []mutation{
	{"absent", false, drop},
	{"failed", true, func(a *facts.Appliance, cmd, machine string) {
		a.Errors = append(a.Errors, facts.CollectError{Step: steps(cmd)[0], Message: "injected failure"})
	}},
	{"failed and absent", true, func(a *facts.Appliance, cmd, machine string) {
		drop(a, cmd, machine)
		a.Errors = append(a.Errors, facts.CollectError{Step: steps(cmd)[0], Message: "injected failure"})
	}},
	{"cut short", true, func(a *facts.Appliance, cmd, machine string) {
		evs, _ := blocks(a, cmd, machine)
		for _, e := range evs {
			e.Incomplete = "the block ends before the prompt"
		}
	}},
}

// target is one appliance (and machine, for a per-member read) a read
// applies to.
type target struct {
	esa     int // index in site.ESAs, or -1 for the SMA
	machine string
}

func targets(site *facts.Site, rd Read) []target {
	if rd.Role == facts.RoleSMA {
		return []target{{esa: -1}}
	}
	var out []target
	for i, a := range site.ESAs {
		if !memberRead(rd.Command) {
			out = append(out, target{esa: i})
			continue
		}
		var m []string
		switch rd.Command {
		case "featurekey":
			for k := range a.FeatureKeys {
				m = append(m, k)
			}
		case "interfaceconfig":
			for k := range a.Interfaces {
				m = append(m, k)
			}
		}
		for _, k := range m {
			out = append(out, target{esa: i, machine: k})
		}
	}
	return out
}

func (t target) app(site *facts.Site) *facts.Appliance {
	if t.esa < 0 {
		return site.SMA
	}
	return site.ESAs[t.esa]
}

// affected are the findings whose verdict rests on the target's read.
func affected(r Rule, rd Read, t target, site *facts.Site, fs []Finding) []Finding {
	id := ApplianceID(t.app(site))
	var out []Finding
	for _, f := range fs {
		switch {
		case rd.Role == facts.RoleSMA && r.Scope != ScopeAppliance:
			out = append(out, f)
		case r.Scope == ScopeMachine && t.machine != "":
			// One session may hold every machine's keys: only the
			// machine's own finding rests on them.
			if strings.EqualFold(f.Appliance, t.machine) {
				out = append(out, f)
			}
		case f.ApplianceID == id:
			out = append(out, f)
		}
	}
	return out
}

// accounted checks property (b): every examined appliance has its finding.
func accounted(t *testing.T, r Rule, site *facts.Site, fs []Finding) {
	t.Helper()
	ids := map[facts.ApplianceID]bool{}
	names := map[string]bool{}
	for _, f := range fs {
		ids[f.ApplianceID] = true
		names[f.Appliance] = true
	}
	var want []*facts.Appliance
	switch r.Scope {
	case ScopeSMA:
		want = []*facts.Appliance{site.SMA}
	case ScopeAppliance:
		want = append([]*facts.Appliance{site.SMA}, site.ESAs...)
	default:
		want = site.ESAs
	}
	for _, a := range want {
		inCluster := r.Scope == ScopeCluster && a.Cluster != nil && names["cluster "+a.Cluster.Name]
		if !ids[ApplianceID(a)] && !inCluster {
			t.Errorf("%s: no finding for %s: %+v", r.ID, a.Name(), fs)
		}
	}
}

// TestEngineGuarantees proves, for every rule in All(), by taking away
// each declared read in turn (absent, failed, both, cut short) on every
// appliance it applies to: (a) a finding that rests on it never passes;
// (b) every examined appliance still gets its finding; (c) on a failing
// site a failure that survives names what is missing.
func TestEngineGuarantees(t *testing.T) {
	for _, shape := range []struct {
		name string
		site func() *facts.Site
	}{{"two sessions", twoSessions}, {"one session", oneSession}} {
		for _, r := range All() {
			healthy, _ := r.Check(shape.site())
			for _, f := range healthy {
				if f.Status != StatusPass {
					t.Fatalf("%s/%s: healthy site gives %s: %s", shape.name, r.ID, f.Status, f.Summary)
				}
			}
			broken := shape.site()
			breakers[r.ID](broken)
			bad, _ := r.Check(broken)
			failed := false
			for _, f := range bad {
				failed = failed || f.Status == StatusFail
			}
			if !failed {
				t.Fatalf("%s/%s: breaker gives no failure: %+v", shape.name, r.ID, bad)
			}
			for _, rd := range r.Reads {
				if rd.Need == Context {
					continue
				}
				for _, tg := range targets(shape.site(), rd) {
					for _, m := range mutations {
						for _, failing := range []bool{false, true} {
							name := fmt.Sprintf("%s/%s/%s/esa%d %s/%s/failing=%v", shape.name, r.ID, rd.Command, tg.esa, tg.machine, m.name, failing)
							site := shape.site()
							if failing {
								breakers[r.ID](site)
							}
							m.apply(tg.app(site), rd.Command, tg.machine)
							fs, _ := r.Check(site)
							accounted(t, r, site, fs)
							gap := rd.Need == Needed || m.ifRead
							for _, f := range affected(r, rd, tg, site, fs) {
								if gap && f.Status == StatusPass {
									t.Errorf("%s: passes: %s", name, f.Summary)
								}
								if gap && f.Status == StatusFail && !strings.Contains(f.Summary, shown(rd.Command)) {
									t.Errorf("%s: fails without naming %s: %s", name, shown(rd.Command), f.Summary)
								}
								if f.Status == StatusUnknown && !strings.Contains(f.Summary, "run ") {
									t.Errorf("%s: unknown without saying what to run: %s", name, f.Summary)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestEveryReadIsWired: each command a rule reads is found on the healthy
// site, so no read is misspelt or declared in vain.
func TestEveryReadIsWired(t *testing.T) {
	site := oneSession()
	for _, r := range All() {
		if len(r.Reads) == 0 {
			t.Errorf("%s declares no reads", r.ID)
		}
		for _, rd := range r.Reads {
			if rd.Role != facts.RoleESA && rd.Role != facts.RoleSMA {
				t.Errorf("%s reads %q on role %q", r.ID, rd.Command, rd.Role)
			}
			if rd.Command == "mail_logs" {
				continue // history only, absent from the healthy site
			}
			found := false
			for _, tg := range targets(site, rd) {
				if _, ok := blocks(tg.app(site), rd.Command, tg.machine); ok {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: %q not found on the healthy site", r.ID, rd.Command)
			}
		}
	}
}

func TestNotApplicableRestsOnNoCutBlock(t *testing.T) {
	a := standalone("mx.example.com")
	a.Quarantines = &facts.Quarantines{Rows: []facts.QuarantineRow{}, Evidence: ev("quarantineconfig", "Quarantine Name   Messages")}
	site := &facts.Site{ESAs: []*facts.Appliance{a}}
	got, _ := localMessages().Check(site)
	if got[0].Status != StatusNotApplicable {
		t.Fatalf("status %s, want not_applicable", got[0].Status)
	}
	// A cut table may have lost the "centralized" note.
	a.Quarantines.Incomplete = "the block ends before the prompt"
	got, _ = localMessages().Check(site)
	if got[0].Status != StatusUnknown || !strings.Contains(got[0].Summary, "cut short") {
		t.Errorf("cut: %s %q, want unknown naming the cut", got[0].Status, got[0].Summary)
	}
	a.Cluster.Incomplete = "the block ends before the prompt"
	got, _ = featureKeys().Check(site)
	if got[0].Status != StatusUnknown {
		t.Errorf("standalone from a cut clusterconfig: %s, want unknown", got[0].Status)
	}
}

func TestFindingsCarryTheApplianceID(t *testing.T) {
	site := twoSessions()
	site.ESAs[1].ID = ""
	res := Run(site)
	for _, f := range res.Findings {
		if f.ApplianceID == "" {
			t.Errorf("%s %s: no appliance id", f.ID, f.Appliance)
		}
		if f.ApplianceID == "esa2.example.com" || f.ApplianceID == "esa-1" || f.ApplianceID == "sma-1" {
			continue
		}
		t.Errorf("%s %s: appliance id %q", f.ID, f.Appliance, f.ApplianceID)
	}
}
