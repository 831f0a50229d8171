package rules

import (
	"strconv"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

const smaIP = "10.172.12.18"

func bptr(b bool) *bool { return &b }

// managedSMA is an Online SMA managing the given appliances.
func managedSMA(apps ...facts.ManagedAppliance) *facts.Appliance {
	sma := smaWithStatus("Online")
	sma.Managed = &facts.ManagedAppliances{Appliances: apps, Evidence: ev("applianceconfig", "Security Appliances:")}
	if len(apps) == 0 {
		sma.Managed.Evidence.Lines = []string{"No appliances have been added."}
	}
	return sma
}

func managed(name, addr string, pvo *bool, test facts.TestOutcome) facts.ManagedAppliance {
	m := facts.ManagedAppliance{Name: name, Address: addr, Product: "Email", PVOService: pvo,
		Evidence: ev("applianceconfig", "1. "+name+" ("+addr+") - Email")}
	if pvo != nil {
		yn := "N"
		if *pvo {
			yn = "Y"
		}
		m.Lines = append(m.Lines, "Do you want the Centralized Policy Quarantine to be enabled? ["+yn+"]")
	}
	if test != "" {
		line := map[facts.TestOutcome]string{facts.TestSucceeded: "Connection to " + name + " succeeded.",
			facts.TestAuthFailed:    "Authentication to " + name + " (" + addr + ") failed.",
			facts.TestCannotConnect: "Error while trying to connect to " + name + " (" + addr + "): Connection timed out."}[test]
		m.Test = &facts.ApplianceTest{Outcome: test, Detail: line}
		m.Lines = append(m.Lines, line)
	}
	return m
}

func smaProbe(host string, o facts.ProbeOutcome) facts.Probe {
	p := probe("Auto", 7025, o)
	p.Host = host
	return p
}

func interfaces(machine string, list ...facts.Interface) *facts.Interfaces {
	ifs := &facts.Interfaces{Machine: machine, List: list, Evidence: ev("interfaceconfig")}
	for i, x := range list {
		ifs.Lines = append(ifs.Lines, string(rune('1'+i))+". "+x.Name+" ("+x.Address+"/24 on "+x.Port+": "+x.Hostname+")")
	}
	return ifs
}

func TestPVOPortReach(t *testing.T) {
	esa := func(probes ...facts.Probe) *facts.Appliance { return deliveryESA("In", probes...) }
	tcp := func(lines ...facts.Listener) *facts.TCPServices {
		ts := &facts.TCPServices{Listeners: lines, Evidence: ev("tcpservices", "euq_listener  2001  IPv4  TCP  10.172.12.18:6025  LISTEN")}
		for _, l := range lines {
			ts.Lines = append(ts.Lines, l.Process+"  2002  IPv4  TCP  10.172.12.18:"+strconv.Itoa(l.Port)+"  LISTEN")
		}
		return ts
	}
	spam := probe("Auto", facts.DefaultSpamPort, facts.ProbeConnected)
	noCPQ, moved, online := smaWithStatus("Online"), smaWithStatus("Online"), smaWithStatus("Online")
	noCPQ.TCPServices = tcp()
	moved.TCPServices = tcp(facts.Listener{Process: "cpq_listener", Proto: "TCP", Port: 7055})
	online.TCPServices = tcp(facts.Listener{Process: "cpq_listener", Proto: "TCP", Port: 7025})
	dns := probe("Auto", 7025, facts.ProbeDNSFailure)
	dns.Evidence.Lines = append(dns.Evidence.Lines, "telnet: sma.bad.example: hostname nor servname provided, or not known")
	site := func(sma *facts.Appliance, a *facts.Appliance) *facts.Site {
		return &facts.Site{SMA: sma, ESAs: []*facts.Appliance{a}, PVOHost: smaIP, PVOPort: 7025}
	}
	runCases(t, pvoPortReach(), []ruleCase{
		{"auto connects", site(online, esa(probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"interface Auto", "reached 10.172.12.18:7025"},
			lines: []string{"220 sma.example.com ESMTP"}}}},
		{"refused, no cpq_listener", site(noCPQ, esa(probe("Auto", 7025, facts.ProbeRefused), spam)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"was refused", "lists no cpq_listener", "spam quarantine port 6025 connects"},
			lines: []string{"telnet: connect to address 10.172.12.18: Connection refused"}, fix: "manual"}}},
		{"refused, port moved", site(moved, esa(probe("Auto", 7025, facts.ProbeRefused))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"listens on port 7055, not 7025"},
			lines: []string{"cpq_listener  2002  IPv4  TCP  10.172.12.18:7055  LISTEN"}, fix: "manual"}}},
		{"refused, SMA offline", site(smaWithStatus("Offline"), esa(probe("Auto", 7025, facts.ProbeRefused))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"the SMA is Offline (see PVO-001)"}, fix: "manual"}}},
		{"silent drop", site(online, esa(probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeTimedOut), spam)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"timed out from Auto", "firewall", "shows a listener on port 7025", "6025 connects"}, fix: "manual"}}},
		{"dns", site(nil, esa(dns)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"does not resolve"}, fix: "manual"}}},
		{"no probe", site(online, esa()), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"not collected", "run `telnet` from interface Auto to 10.172.12.18:7025"}}}},
		{"probe to another port only", site(online, esa(spam)), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"not collected"}}}},
		{"invalid", site(online, esa(probe("Auto", 7025, facts.ProbeInvalid))), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"no answer pvo-doctor can judge"}}}},
		{"no ESA", &facts.Site{}, []want{{app: "ESA", status: StatusUnknown, summary: []string{"run `telnet`"}}}},
	})
}

func TestManagedBySMA(t *testing.T) {
	esa := standalone("mx.example.com")
	withIfs := standalone("mx.example.com")
	withIfs.Hostname = ""
	withIfs.Address = "admin@127.0.0.1:2222"
	withIfs.Version = &facts.Version{Serial: "S1"}
	cl := clusterOf("C", "esa1.example.com")
	cl.Groups[0].Machines[0].Serial = "S1"
	withIfs.Cluster = cl
	withIfs.Interfaces = map[string]*facts.Interfaces{"esa1.example.com": interfaces("esa1.example.com",
		facts.Interface{Name: "Management", Address: "10.172.12.21", PrefixLen: 24, Port: "Management"})}
	site := func(sma *facts.Appliance, a *facts.Appliance) *facts.Site {
		return &facts.Site{SMA: sma, ESAs: []*facts.Appliance{a}}
	}
	runCases(t, managedBySMA(), []ruleCase{
		{"enabled", site(managedSMA(managed("mx.example.com", "10.172.12.17", bptr(true), "")), esa), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"with the Centralized Policy Quarantine service enabled"},
			lines: []string{"Do you want the Centralized Policy Quarantine to be enabled? [Y]"}}}},
		{"matched by address through the member's serial", site(managedSMA(managed("esa-one", "10.172.12.21", bptr(true), "")), withIfs), []want{{
			app: "admin@127.0.0.1:2222", status: StatusPass, summary: []string{"esa1.example.com (admin@127.0.0.1:2222) as esa-one"}}}},
		{"disabled", site(managedSMA(managed("mx.example.com", "10.172.12.17", bptr(false), "")), esa), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"service disabled"},
			lines: []string{"Do you want the Centralized Policy Quarantine to be enabled? [N]"}, fix: "manual"}}},
		{"no appliances", site(managedSMA(), esa), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"does not manage mx.example.com"},
			lines: []string{"No appliances have been added."}, fix: "manual"}}},
		{"another ESA listed, addresses unknown", site(managedSMA(managed("other", "10.9.9.9", bptr(true), "")), esa), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `interfaceconfig` on mx.example.com"}}}},
		{"services not read", site(managedSMA(managed("mx.example.com", "10.172.12.17", nil, "")), esa), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `applianceconfig` → SERVICES → mx.example.com", "clearchanges"}}}},
		{"applianceconfig not read", site(smaWithStatus("Online"), esa), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `applianceconfig` on the SMA"}}}},
		{"no SMA", site(nil, esa), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"No SMA was examined", "run `applianceconfig`"}}}},
	})
}

func TestClusterPVO(t *testing.T) {
	c := clusterOf("PVOCluster", "esa1.example.com", "esa2.example.com")
	ifsOf := func(m, data string) *facts.Interfaces {
		n := m[3:4] // esa1 -> 1: each member its own addresses
		return interfaces(m, facts.Interface{Name: data, Address: "192.168.1.1" + n, PrefixLen: 24, Port: "Data1"},
			facts.Interface{Name: "Management", Address: "10.172.12.2" + n, PrefixLen: 24, Port: "Management"})
	}
	build := func(data2 string, lv *facts.SettingLevel, delivery string) *facts.Appliance {
		a := member("esa1.example.com", c)
		a.Delivery = &facts.Delivery{DefaultInterface: delivery, Evidence: ev("deliveryconfig", "Default interface to deliver mail: "+delivery)}
		a.Interfaces = map[string]*facts.Interfaces{"esa1.example.com": ifsOf("esa1.example.com", "Data1"),
			"esa2.example.com": ifsOf("esa2.example.com", data2)}
		if lv != nil {
			a.SettingLevels = map[facts.Setting]*facts.SettingLevel{facts.SettingPVO: lv}
		}
		return a
	}
	pvoLevels := func(line string, defs ...facts.LevelDefinition) *facts.SettingLevel {
		return &facts.SettingLevel{Setting: facts.SettingPVO, Definitions: defs, Evidence: ev("quarantineconfig", line)}
	}
	clusterLevel := pvoLevels("defined at Cluster PVOCluster", facts.LevelDefinition{Level: facts.LevelCluster, Name: "PVOCluster"})
	machineLevel := pvoLevels("defined at Cluster PVOCluster; Machine esa2.example.com",
		facts.LevelDefinition{Level: facts.LevelCluster, Name: "PVOCluster"}, facts.LevelDefinition{Level: facts.LevelMachine, Name: "esa2.example.com"})
	both := managedSMA(managed("esa1.example.com", "10.172.12.21", bptr(true), ""), managed("esa2.example.com", "10.172.12.22", bptr(true), ""))
	one := managedSMA(managed("esa1.example.com", "10.172.12.21", bptr(true), ""))
	site := func(sma *facts.Appliance, a *facts.Appliance) *facts.Site {
		return &facts.Site{SMA: sma, ESAs: []*facts.Appliance{a}, PVOHost: smaIP}
	}
	runCases(t, clusterPVO(), []ruleCase{
		{"ready, Auto picks Management", site(both, build("data_1", clusterLevel, "Auto")), []want{{
			app: "cluster PVOCluster", status: StatusPass, summary: []string{"PVO interface Management"},
			lines: []string{"defined at Cluster PVOCluster"}}}},
		{"named interface missing on a member", site(both, build("data_1", clusterLevel, "Data1")), []want{{
			app: "cluster PVOCluster", status: StatusFail, summary: []string{"Data1 (the default delivery interface) is missing on esa2.example.com (has data_1, Management)"}, fix: "manual"}}},
		{"member missing on the SMA and machine-level settings", site(one, build("Data1", machineLevel, "Auto")), []want{{
			app: "cluster PVOCluster", status: StatusFail, summary: []string{"the SMA does not manage esa2.example.com", "also defined at machine esa2.example.com"},
			lines: []string{"defined at Cluster PVOCluster; Machine esa2.example.com"}, fix: "manual"}}},
		{"PVO level not read", site(both, build("Data1", nil, "Auto")), []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"run `quarantineconfig` in every cluster mode on esa1.example.com"}}}},
		{"no SMA, Auto with a host name", &facts.Site{ESAs: []*facts.Appliance{build("Data1", clusterLevel, "Auto")}, PVOHost: "sma.example.com"}, []want{{
			app: "cluster PVOCluster", status: StatusUnknown, summary: []string{"`applianceconfig` on the SMA", "give --sma-pvo-host as an IP"}}}},
		{"standalone", site(both, standalone("mx.example.com")), []want{{
			app: "mx.example.com", status: StatusNotApplicable, summary: []string{"not in a cluster"}}}},
	})
}

func TestReleasePath(t *testing.T) {
	esa := standalone("mx.example.com")
	sma := func(test facts.TestOutcome, p ...facts.Probe) *facts.Appliance {
		s := managedSMA(managed("mx.example.com", "10.172.12.17", bptr(true), test))
		s.Probes = p
		return s
	}
	site := func(s *facts.Appliance) *facts.Site { return &facts.Site{SMA: s, ESAs: []*facts.Appliance{esa}} }
	runCases(t, releasePath(), []ruleCase{
		{"test and telnet fine", site(sma(facts.TestSucceeded, smaProbe("10.172.12.17", facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"TEST succeeded", "10.172.12.17:7025"},
			lines: []string{"Connection to mx.example.com succeeded."}}}},
		{"authentication failed", site(sma(facts.TestAuthFailed, smaProbe("10.172.12.17", facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"Authentication to mx.example.com (10.172.12.17) failed."},
			lines: []string{"Authentication to mx.example.com (10.172.12.17) failed."}, fix: "manual"}}},
		{"listener blocked", site(sma(facts.TestSucceeded, smaProbe("10.172.12.17", facts.ProbeTimedOut))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"PVO listener 10.172.12.17:7025 timed out"}, fix: "manual"}}},
		{"cannot connect and telnet missing", site(sma(facts.TestCannotConnect)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"Error while trying to connect"}, fix: "manual"}}},
		{"telnet not run", site(sma(facts.TestSucceeded)), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `telnet` from Auto to 10.172.12.17 port 7025 on the SMA"}}}},
		{"test not run", site(sma("", smaProbe("10.172.12.17", facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"`applianceconfig` → TEST → mx.example.com"}}}},
		{"not managed", site(managedSMA()), []want{{
			app: "mx.example.com", status: StatusNotApplicable, summary: []string{"see PVO-102"}}}},
		{"no SMA", &facts.Site{ESAs: []*facts.Appliance{esa}}, []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `applianceconfig` on the SMA"}}}},
	})
}

func TestTransfersSuspended(t *testing.T) {
	sma := func(s *bool, line string) *facts.Appliance {
		a := smaWithStatus("Online")
		a.Status.TransfersSuspended = s
		if line != "" {
			a.Status.Lines = append(a.Status.Lines, line)
		}
		return a
	}
	failedStep := sma(bptr(false), "Centralized transfers:         Active")
	failedStep.Errors = []facts.CollectError{{Step: "status detail", Message: "line 40: unrecognised output"}}
	runCases(t, transfersSuspended(), []ruleCase{
		{"active", &facts.Site{SMA: sma(bptr(false), "Centralized transfers:         Active")}, []want{{
			app: "sma.example.com", status: StatusPass, summary: []string{"active"}, lines: []string{"Centralized transfers:         Active"}}}},
		{"suspended", &facts.Site{SMA: sma(bptr(true), "Centralized transfers:         Suspended")}, []want{{
			app: "sma.example.com", status: StatusFail, summary: []string{"suspended", "unless it is a backup SMA"},
			lines: []string{"Centralized transfers:         Suspended"}, fix: string(FixResumeTransfers)}}},
		{"plain status", &facts.Site{SMA: sma(nil, "")}, []want{{
			app: "sma.example.com", status: StatusUnknown, summary: []string{"run `status detail` on the SMA"}}}},
		{"status detail failed", &facts.Site{SMA: failedStep}, []want{{
			app: "sma.example.com", status: StatusUnknown, summary: []string{"unrecognised output"}}}},
		{"no SMA", &facts.Site{}, []want{{app: "SMA", status: StatusUnknown, summary: []string{"run `status detail`"}}}},
	})
	got, _ := transfersSuspended().Check(&facts.Site{SMA: sma(bptr(true), "")})
	if fx := got[0].Fix; fx == nil || !fx.Explicit || fx.Action != FixResumeTransfers {
		t.Errorf("fix %+v: resumetransfers must wait to be named", fx)
	}
}

func TestReleaseSkew(t *testing.T) {
	ver := func(raw string, major, minor int) *facts.Version {
		return &facts.Version{Raw: raw, Major: major, Minor: minor, Evidence: ev("version", "Version: "+raw)}
	}
	esaAt := func(v *facts.Version) *facts.Appliance {
		a := standalone("mx.example.com")
		a.Version = v
		return a
	}
	smaAt := func(v *facts.Version) *facts.Appliance {
		a := smaWithStatus("Online")
		a.Version = v
		return a
	}
	site := func(e, s *facts.Version) *facts.Site {
		return &facts.Site{SMA: smaAt(s), ESAs: []*facts.Appliance{esaAt(e)}}
	}
	// Measured false pass: `version` failed (its output did not parse to
	// the end) yet a release was read.
	failedVersion := func(role facts.Role) *facts.Site {
		s := site(ver("14.2.0-620", 14, 2), ver("14.2.0-224", 14, 2))
		a := s.ESAs[0]
		if role == facts.RoleSMA {
			a = s.SMA
		}
		a.Errors = []facts.CollectError{{Step: "version", Message: "line 9: unrecognised output"}}
		return s
	}
	runCases(t, releaseSkew(), []ruleCase{
		{"ESA version failed", failedVersion(facts.RoleESA), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"`version` on mx.example.com failed", "unrecognised output", "run `version` on mx.example.com"},
			lines: []string{"line 9: unrecognised output"}}}},
		{"SMA version failed", failedVersion(facts.RoleSMA), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"`version` on sma.example.com failed", "run `version` on sma.example.com"}}}},
		{"same release", site(ver("14.2.0-620", 14, 2), ver("14.2.0-224", 14, 2)), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"compatibility matrix"}, lines: []string{"Version: 14.2.0-620", "Version: 14.2.0-224"}}}},
		{"older ESA", site(ver("13.5.1-1", 13, 5), ver("14.2.0-224", 14, 2)), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"no known incompatibility", "compatibility matrix"}}}},
		{"newer ESA major", site(ver("15.0.0-104", 15, 0), ver("14.2.0-224", 14, 2)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"15.0, a major release above the SMA sma.example.com's 14.2", "upgrade the SMA first"}, fix: "manual"}}},
		{"ESA 12 on an SMA 10", site(ver("12.0.0-281", 12, 0), ver("10.0.0-1", 10, 0)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"major release above"}, fix: "manual"}}},
		// A newer minor release within one major is the matrix's to judge.
		{"newer minor", site(ver("14.3.0-1", 14, 3), ver("14.2.0-224", 14, 2)), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"compatibility matrix"}}}},
		// SMA 8.3 was the management release of ESA 8.5: numbers diverged.
		{"8.x era", site(ver("8.5.6-113", 8, 5), ver("8.3.6-048", 8, 3)), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"numbers differ", "compatibility matrix"}}}},
		{"9.x era", site(ver("9.7.2-065", 9, 7), ver("9.1.0-033", 9, 1)), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"compatibility matrix"}}}},
		{"SMA below the minimum", site(ver("8.5.6-113", 8, 5), ver("8.0.1-1", 8, 0)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"needs ESA 8.0 and SMA 8.1"}, fix: "manual"}}},
		{"before centralized PVO", site(ver("7.6.3-023", 7, 6), ver("8.0.0-404", 8, 0)), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"needs ESA 8.0 and SMA 8.1"}, fix: "manual"}}},
		{"SMA version missing", &facts.Site{SMA: smaWithStatus("Online"), ESAs: []*facts.Appliance{esaAt(ver("14.2.0-620", 14, 2))}}, []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `version` on the SMA"}}}},
		{"ESA version missing", &facts.Site{SMA: smaAt(ver("14.2.0-224", 14, 2)), ESAs: []*facts.Appliance{standalone("mx.example.com")}}, []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `version` on mx.example.com"}}}},
		{"no SMA", &facts.Site{ESAs: []*facts.Appliance{esaAt(ver("14.2.0-620", 14, 2))}}, []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `version` on the SMA"}}}},
	})
}

func TestPVOQuota(t *testing.T) {
	sma := func(usage, quota float64) *facts.Appliance {
		a := smaWithStatus("Online")
		a.DiskQuota = &facts.DiskQuota{Rows: []facts.QuotaRow{{Service: "Spam Quarantine (EUQ)", Usage: 0.4, Quota: 5},
			{Service: "Policy, Virus & Outbreak Quarantines", Usage: usage, Quota: quota}},
			Evidence: ev("diskquotaconfig", "Service   Disk Usage(GB)   Quota(GB)", "Policy, Virus & Outbreak Quarantines      x")}
		return a
	}
	noRow := smaWithStatus("Online")
	noRow.DiskQuota = &facts.DiskQuota{Rows: []facts.QuotaRow{}, Evidence: ev("diskquotaconfig", "Service   Disk Usage(GB)   Quota(GB)")}
	runCases(t, pvoQuota(), []ruleCase{
		{"room", &facts.Site{SMA: sma(1, 10)}, []want{{app: "sma.example.com", status: StatusPass, summary: []string{"1.0 of its 10 GB", "(10 %)"}}}},
		{"just below", &facts.Site{SMA: sma(8.99, 10)}, []want{{app: "sma.example.com", status: StatusPass}}},
		{"at the threshold", &facts.Site{SMA: sma(9, 10)}, []want{{app: "sma.example.com", status: StatusFail, summary: []string{"(90 %)"}, fix: "manual"}}},
		{"full", &facts.Site{SMA: sma(9.9, 10)}, []want{{app: "sma.example.com", status: StatusFail, summary: []string{"9.9 of its 10 GB"},
			lines: []string{"Policy, Virus & Outbreak Quarantines      x"}, fix: "manual"}}},
		{"no PVO row", &facts.Site{SMA: noRow}, []want{{app: "sma.example.com", status: StatusUnknown, summary: []string{"run `diskquotaconfig` on the SMA"}}}},
		{"zero quota", &facts.Site{SMA: sma(0, 0)}, []want{{app: "sma.example.com", status: StatusUnknown}}},
		{"not collected", &facts.Site{SMA: smaWithStatus("Online")}, []want{{app: "sma.example.com", status: StatusUnknown, summary: []string{"not collected"}}}},
		{"no SMA", &facts.Site{}, []want{{app: "SMA", status: StatusUnknown}}},
	})
}

func TestLocalMessages(t *testing.T) {
	esa := func(centralized bool, counts map[string]int) *facts.Appliance {
		a := standalone("mx.example.com")
		q := &facts.Quarantines{Centralized: centralized, Rows: []facts.QuarantineRow{}, Evidence: ev("quarantineconfig")}
		if centralized {
			q.CentralizedOn = "sma.example.com"
			q.Lines = append(q.Lines, "Note: Policy, Virus and Outbreak Quarantines are centralized on sma.example.com.")
		}
		q.Lines = append(q.Lines, "Quarantine Name        Space Used   Messages   Retention   Default Action")
		for i, n := range []string{"Outbreak", "Policy", "Virus", "Custom"} {
			q.Rows = append(q.Rows, facts.QuarantineRow{Name: n, Messages: counts[n]})
			q.Lines = append(q.Lines, string(rune('1'+i))+". "+n+"               0M         "+strconv.Itoa(counts[n]))
		}
		a.Quarantines = q
		return a
	}
	site := func(a *facts.Appliance) *facts.Site { return &facts.Site{ESAs: []*facts.Appliance{a}} }
	runCases(t, localMessages(), []ruleCase{
		{"migrated", site(esa(true, map[string]int{"Custom": 4})), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"centralized on sma.example.com", "hold no messages"}}}},
		{"left behind", site(esa(true, map[string]int{"Outbreak": 12, "Virus": 3})), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"15 messages remain", "Outbreak 12, Virus 3"}, fix: "manual"}}},
		{"not centralized", site(esa(false, map[string]int{"Outbreak": 12})), []want{{
			app: "mx.example.com", status: StatusNotApplicable, summary: []string{"not centralized"}}}},
		{"not collected", site(standalone("mx.example.com")), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `quarantineconfig` on mx.example.com"}}}},
		{"no ESA", &facts.Site{}, []want{{app: "ESA", status: StatusUnknown}}},
	})
}

func TestOutbreakAVKeys(t *testing.T) {
	esa := func(fk *facts.FeatureKeys) *facts.Appliance {
		a := standalone("mx.example.com")
		if fk != nil {
			a.FeatureKeys = map[string]*facts.FeatureKeys{"mx.example.com": fk}
		}
		return a
	}
	with := func(remaining map[string]string) *facts.FeatureKeys {
		fk := keys("mx.example.com")
		for _, m := range []string{"Outbreak Filters", "Sophos Anti-Virus", "McAfee Anti-Virus"} {
			if r, ok := remaining[m]; ok {
				fk.Keys = append(fk.Keys, facts.FeatureKey{Module: m, Quantity: "1", Remaining: r})
				fk.Lines = append(fk.Lines, m+"   1   "+r)
			}
		}
		return fk
	}
	c := clusterOf("C", "esa1.example.com", "esa2.example.com")
	both := member("esa1.example.com", c)
	both.FeatureKeys = map[string]*facts.FeatureKeys{
		"esa1.example.com": with(map[string]string{"Outbreak Filters": "287 days", "Sophos Anti-Virus": "287 days"}),
		"esa2.example.com": with(map[string]string{"Outbreak Filters": "0 days", "Sophos Anti-Virus": "287 days"}),
	}
	site := func(as ...*facts.Appliance) *facts.Site { return &facts.Site{ESAs: as} }
	runCases(t, outbreakAVKeys(), []ruleCase{
		{"active", site(esa(with(map[string]string{"Outbreak Filters": "287 days", "Sophos Anti-Virus": "Perpetual"}))), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"Outbreak Filters and Sophos Anti-Virus"}}}},
		{"dormant AV passes with a note", site(esa(with(map[string]string{"Outbreak Filters": "287 days", "Sophos Anti-Virus": "Dormant"}))), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"Sophos Anti-Virus is Dormant"}}}},
		{"one expired AV, another active", site(esa(with(map[string]string{"Outbreak Filters": "30 days", "Sophos Anti-Virus": "Expired", "McAfee Anti-Virus": "30 days"}))), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"McAfee Anti-Virus"}}}},
		{"outbreak expired", site(esa(with(map[string]string{"Outbreak Filters": "Expired", "Sophos Anti-Virus": "287 days"}))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"Outbreak Filters expired"}, lines: []string{"Outbreak Filters   1   Expired"}, fix: "manual"}}},
		{"no AV key", site(esa(with(map[string]string{"Outbreak Filters": "287 days"}))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"no anti-virus key"}, fix: "manual"}}},
		{"every member once", site(both, member("esa2.example.com", c)), []want{
			{app: "esa1.example.com", status: StatusPass},
			{app: "esa2.example.com", status: StatusFail, summary: []string{"Outbreak Filters expired"}, fix: "manual"},
			{app: "esa2.example.com", status: StatusUnknown, summary: []string{"run `featurekey` on esa2.example.com"}}}},
		{"not collected", site(esa(nil)), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `featurekey` on mx.example.com"}}}},
		{"no ESA", site(), []want{{app: "ESA", status: StatusUnknown}}},
	})
}
