package rules

import (
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func deliveryESA(iface string, probes ...facts.Probe) *facts.Appliance {
	return &facts.Appliance{Role: facts.RoleESA, Hostname: "mx.example.com",
		Delivery: &facts.Delivery{DefaultInterface: iface, Evidence: ev("deliveryconfig",
			"Default interface to deliver mail: "+iface, `"Possible Delivery": Enabled`)},
		Probes: probes}
}

// stagedDelivery is a with iface entered in deliveryconfig SETUP and not
// committed.
func stagedDelivery(a *facts.Appliance, iface string) *facts.Appliance {
	a.Delivery.Staged = &facts.Delivery{DefaultInterface: iface, Evidence: ev("deliveryconfig", "Default interface to deliver mail: "+iface)}
	return a
}

func probe(iface string, port int, o facts.ProbeOutcome) facts.Probe {
	p := facts.Probe{Interface: iface, Host: "10.172.12.18", Port: port, Outcome: o,
		Evidence: ev("telnet", "[1]> "+iface, "Trying 10.172.12.18...")}
	switch o {
	case facts.ProbeConnected:
		p.Evidence.Lines = append(p.Evidence.Lines, "Connected to 10.172.12.18.", "220 sma.example.com ESMTP")
	case facts.ProbeTimedOut:
		p.Evidence.Lines = append(p.Evidence.Lines, "telnet: connect to address 10.172.12.18: Operation timed out")
	case facts.ProbeRefused:
		p.Evidence.Lines = append(p.Evidence.Lines, "telnet: connect to address 10.172.12.18: Connection refused")
	}
	return p
}

func TestDeliveryInterface(t *testing.T) {
	site := func(esas ...*facts.Appliance) *facts.Site {
		return &facts.Site{ESAs: esas, PVOHost: "10.172.12.18", PVOPort: 7025}
	}
	const timedOut = "telnet: connect to address 10.172.12.18: Operation timed out"
	runCases(t, deliveryInterface(), []ruleCase{
		{"auto", site(deliveryESA("Auto")), []want{{app: "mx.example.com", status: StatusPass,
			summary: []string{"is Auto"}, lines: []string{"Default interface to deliver mail: Auto"}}}},
		// A saved session's SETUP with no commit shown: both must pass.
		{"auto, Management entered and never probed", site(stagedDelivery(deliveryESA("Auto"), "Management")), []want{{
			app: "mx.example.com", status: StatusUnknown,
			summary: []string{"Auto passes, but the session entered Management", "no commit shows whether it applied", "no probe from it"},
			lines:   []string{"Default interface to deliver mail: Auto", "Default interface to deliver mail: Management"}}}},
		{"auto, Management entered and it connects", site(stagedDelivery(deliveryESA("Auto", probe("Management", 7025, facts.ProbeConnected)), "Management")), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"is Auto", "also entered Management", "would pass too"}}}},
		{"In not probed, Auto entered: unknown, and says so", site(stagedDelivery(deliveryESA("In"), "Auto")), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"no probe from it", "entered Auto as the default, but no commit shows it applied"}}}},
		{"In times out, Auto entered: still fails", site(stagedDelivery(deliveryESA("In", probe("In", 7025, facts.ProbeTimedOut)), "Auto")), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"interface In", "timed out", "entered Auto as the default, but no commit shows it applied"},
			lines: []string{"Default interface to deliver mail: In", "Default interface to deliver mail: Auto"}, fix: string(FixDeliveryAuto)}}},
		{"named interface connects", site(deliveryESA("In", probe("In", 7025, facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"is In", "reached 10.172.12.18:7025"},
			lines: []string{"Default interface to deliver mail: In", "Connected to 10.172.12.18."}}}},
		{"times out while Auto connects", site(deliveryESA("In", probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"interface In", "timed out", "while Auto connects"},
			lines: []string{"Default interface to deliver mail: In", timedOut, "Connected to 10.172.12.18."}, fix: string(FixDeliveryAuto)}}},
		{"refused, Auto not probed", site(deliveryESA("In", probe("In", 7025, facts.ProbeRefused))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"was refused", "Auto was not probed"}, fix: string(FixDeliveryAuto)}}},
		{"unreachable from every interface", site(deliveryESA("In", probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeRefused))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"unreachable from every interface", "In: timed out", "Auto: was refused"},
			lines: []string{timedOut}, fix: "manual"}}},
		{"another interface connects", site(deliveryESA("In",
			probe("In", 7025, facts.ProbeTimedOut), probe("Auto", 7025, facts.ProbeTimedOut), probe("Management", 7025, facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"connects from Management", "make Management the default"}, fix: "manual"}}},
		{"DNS failure", site(deliveryESA("In", probe("In", 7025, facts.ProbeDNSFailure))), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"failed to resolve"}, fix: string(FixDeliveryAuto)}}},
		{"probe to another port is no evidence", site(deliveryESA("In", probe("In", 25, facts.ProbeConnected))), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `telnet` from interface In to 10.172.12.18:7025 on mx.example.com"}}}},
		{"no probe", site(deliveryESA("Management")), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `telnet` from interface Management"}}}},
		{"invalid probe", site(deliveryESA("In", probe("In", 7025, facts.ProbeInvalid))), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"rejected its arguments", "run `telnet`"}}}},
		{"deliveryconfig not collected", site(&facts.Appliance{Role: facts.RoleESA, Hostname: "mx.example.com"}), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `deliveryconfig` on mx.example.com"}}}},
		{"no ESA", &facts.Site{}, []want{{app: "ESA", status: StatusUnknown, summary: []string{"run `deliveryconfig`"}}}},
		{"two ESAs", site(deliveryESA("Auto"), &facts.Appliance{Role: facts.RoleESA, Address: "esa2:22",
			Errors: []facts.CollectError{{Step: "deliveryconfig", Message: "timed out waiting for the prompt"}}}), []want{
			{app: "mx.example.com", status: StatusPass},
			{app: "esa2:22", status: StatusUnknown, summary: []string{"timed out waiting for the prompt"}, lines: []string{"timed out waiting for the prompt"}},
		}},
	})
}

func TestDeliveryInterfaceErrorsBlockOnlyThePass(t *testing.T) {
	a := deliveryESA("In", probe("In", 7025, facts.ProbeConnected))
	a.Errors = []facts.CollectError{{Step: "telnet In", Message: "pager residue"}}
	got, _ := deliveryInterface().Check(&facts.Site{ESAs: []*facts.Appliance{a}})
	if got[0].Status != StatusUnknown {
		t.Errorf("connected probe with a telnet error: %s, want unknown", got[0].Status)
	}
	a = deliveryESA("In", probe("In", 7025, facts.ProbeTimedOut))
	a.Errors = []facts.CollectError{{Step: "telnet Auto", Message: "pager residue"}}
	got, _ = deliveryInterface().Check(&facts.Site{ESAs: []*facts.Appliance{a}})
	if got[0].Status != StatusFail {
		t.Errorf("timed-out probe with an error elsewhere: %s, want fail", got[0].Status)
	}
}
