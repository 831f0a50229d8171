package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
)

// deliveryInterface is case 3: PVO traffic leaves through the default
// delivery interface, which may have no route to the SMA.
func deliveryInterface() Rule {
	r := Rule{
		ID:       "PVO-003",
		Case:     3,
		Title:    "Default delivery interface reaches SMA:7025",
		Severity: SeverityHigh,
		Description: "The ESA sends PVO traffic through its default delivery interface (`deliveryconfig`). " +
			"When that interface sits in a subnet with no route to the SMA, the connection to port 7025 " +
			"times out and PVO cannot be enabled; Auto lets AsyncOS choose the interface by route.",
		Commands: []string{"ESA: deliveryconfig", "ESA: telnet from the default interface (and Auto) to SMA port 7025"},
		Pass:     "the default delivery interface is Auto, or `telnet` from it reached SMA:7025",
		Fail:     "`telnet` from the default interface to SMA:7025 was refused, timed out or failed (the finding says whether Auto connects)",
		Unknown:  "`deliveryconfig` was not collected, or no `telnet` from the named interface to SMA:7025 was run",
		Fix:      automaticFix(FixDeliveryAuto, fix.Params{}),
	}
	r.Scope = ScopeESA
	r.Reads = []Read{
		{Role: facts.RoleESA, Command: "deliveryconfig"},
		// Auto needs no probe: AsyncOS routes it.
		{Role: facts.RoleESA, Command: "telnet", When: func(a *facts.Appliance) bool { return !isAuto(a.Delivery) }},
	}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkDelivery(site, s.app) }
	return r
}

// isAuto reports whether the default delivery interface is Auto.
func isAuto(d *facts.Delivery) bool {
	return d != nil && strings.EqualFold(strings.TrimSpace(d.DefaultInterface), "Auto")
}

// checkDelivery judges the delivery settings in force. A SETUP that a
// saved session entered with no commit shown may have applied after the log
// ends: the in-force settings pass only when the entered ones pass too.
func (r Rule) checkDelivery(site *facts.Site, a *facts.Appliance) Finding {
	f := r.judgeDelivery(site, a, a.Delivery)
	if a.Delivery == nil || a.Delivery.Staged == nil {
		return f
	}
	st := a.Delivery.Staged
	f.Evidence = append(f.Evidence, Evidence{Appliance: a.Name(), Command: "deliveryconfig (entered, not committed)",
		Lines: quote(a.Name(), st.Evidence, "Default interface").Lines})
	f.Actual += "; entered but not committed: default delivery interface " + strings.TrimSpace(st.DefaultInterface)
	if f.Status != StatusPass {
		f.Summary += fmt.Sprintf(" The session entered %s as the default, but no commit shows it applied, so the interface above is still in force.", strings.TrimSpace(st.DefaultInterface))
		return f
	}
	g := r.judgeDelivery(site, a, st)
	if g.Status == StatusPass {
		f.Summary += fmt.Sprintf(" The session also entered %s as the default, with no commit shown; it would pass too.", strings.TrimSpace(st.DefaultInterface))
		return f
	}
	f.Status = StatusUnknown
	f.Summary = fmt.Sprintf("On %s, the default delivery interface %s passes, but the session entered %s as the default and no commit shows whether it applied; run `deliveryconfig` on %s to see which is in force. For %s: %s",
		a.Name(), strings.TrimSpace(a.Delivery.DefaultInterface), strings.TrimSpace(st.DefaultInterface), a.Name(), strings.TrimSpace(st.DefaultInterface), g.Summary)
	return f
}

func (r Rule) judgeDelivery(site *facts.Site, a *facts.Appliance, d *facts.Delivery) Finding {
	target := smaTarget(site)
	if d == nil {
		return r.notCollected(a, "`deliveryconfig`", missingErrors(a, "deliveryconfig"), "run `deliveryconfig` on "+a.Name())
	}
	iface := strings.TrimSpace(d.DefaultInterface)
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = "default delivery interface Auto, or one that reaches " + target
	f.Actual = "default delivery interface " + iface
	f.Evidence = append(f.Evidence, quote(a.Name(), d.Evidence, "Default interface"))
	if iface == "" {
		f.Summary = fmt.Sprintf("`deliveryconfig` on %s shows no default delivery interface; run `deliveryconfig` on %s and check its output.", a.Name(), a.Name())
		f.Actual = "no default interface line"
		return f
	}
	if isAuto(d) {
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("The default delivery interface on %s is Auto, so AsyncOS picks the interface with a route to the SMA.", a.Name())
		return f
	}
	p := lastProbe(site, a, iface)
	if p == nil {
		f.Summary = fmt.Sprintf("The default delivery interface on %s is %s and no probe from it to the SMA was run; run `telnet` from interface %s to %s on %s.",
			a.Name(), iface, iface, target, a.Name())
		return f
	}
	f.Evidence = append(f.Evidence, probeEvidence(a, p))
	f.Actual += ": telnet " + outcomeWords(p.Outcome)
	switch {
	case p.Outcome == facts.ProbeConnected:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("The default delivery interface on %s is %s, and telnet from it reached %s.", a.Name(), iface, target)
		return f
	case !probeFailed(p):
		f.Summary = fmt.Sprintf("telnet from interface %s to %s on %s gave no answer pvo-doctor can judge (%s); run `telnet` from interface %s to %s on %s again.",
			iface, target, a.Name(), outcomeWords(p.Outcome), iface, target, a.Name())
		return f
	}
	f.Status = StatusFail
	f.Fix = r.fix()
	auto := lastProbe(site, a, "Auto")
	if auto != nil {
		f.Evidence = append(f.Evidence, probeEvidence(a, auto))
	}
	other := otherConnected(site, a, iface)
	switch {
	case auto != nil && auto.Outcome == facts.ProbeConnected:
		f.Summary = fmt.Sprintf("On %s, telnet from the default delivery interface %s to %s %s while Auto connects: PVO traffic leaves through an interface with no path to the SMA.",
			a.Name(), iface, target, outcomeWords(p.Outcome))
	case auto != nil && probeFailed(auto) && other != "":
		f.Summary = fmt.Sprintf("On %s, telnet to %s %s from the default delivery interface %s and %s from Auto, but connects from %s: make %s the default delivery interface.",
			a.Name(), target, outcomeWords(p.Outcome), iface, outcomeWords(auto.Outcome), other, other)
		f.Fix = chooseInterfaceFix(other)
	case auto != nil && probeFailed(auto):
		f.Summary = fmt.Sprintf("On %s, %s is unreachable from every interface probed (%s: %s; Auto: %s): changing the delivery interface will not help until the path to the SMA or its listener is fixed.",
			a.Name(), target, iface, outcomeWords(p.Outcome), outcomeWords(auto.Outcome))
		f.Fix = unreachableFix(target)
	default:
		f.Summary = fmt.Sprintf("On %s, telnet from the default delivery interface %s to %s %s; Auto was not probed.",
			a.Name(), iface, target, outcomeWords(p.Outcome))
	}
	return f
}

// lastProbe is the latest telnet from iface to the PVO listener. A probe
// to another host (when both are known) or port is no evidence.
func lastProbe(site *facts.Site, a *facts.Appliance, iface string) *facts.Probe {
	var last *facts.Probe
	for i := range a.Probes {
		p := &a.Probes[i]
		if toPVO(site, p) && strings.EqualFold(strings.TrimSpace(p.Interface), iface) {
			last = p
		}
	}
	return last
}

func toPVO(site *facts.Site, p *facts.Probe) bool {
	if p.Port != pvoPort(site) {
		return false
	}
	return site.PVOHost == "" || p.Host == "" || strings.EqualFold(p.Host, site.PVOHost)
}

// otherConnected names an interface, neither the default nor Auto, from
// which the last probe connected.
func otherConnected(site *facts.Site, a *facts.Appliance, iface string) string {
	for i := range a.Probes {
		p := &a.Probes[i]
		name := strings.TrimSpace(p.Interface)
		if strings.EqualFold(name, iface) || strings.EqualFold(name, "Auto") || !toPVO(site, p) {
			continue
		}
		if lp := lastProbe(site, a, name); lp != nil && lp.Outcome == facts.ProbeConnected {
			return name
		}
	}
	return ""
}

func probeFailed(p *facts.Probe) bool {
	if p == nil {
		return false
	}
	switch p.Outcome {
	case facts.ProbeRefused, facts.ProbeTimedOut, facts.ProbeDNSFailure, facts.ProbeFailed:
		return true
	}
	return false
}

func outcomeWords(o facts.ProbeOutcome) string {
	switch o {
	case facts.ProbeConnected:
		return "connected"
	case facts.ProbeRefused:
		return "was refused"
	case facts.ProbeTimedOut:
		return "timed out"
	case facts.ProbeDNSFailure:
		return "failed to resolve the host"
	case facts.ProbeFailed:
		return "could not connect"
	case facts.ProbeInvalid:
		return "rejected its arguments"
	}
	return "ended without a known outcome"
}

func probeEvidence(a *facts.Appliance, p *facts.Probe) Evidence {
	e := quote(a.Name(), p.Evidence, "Trying", "Connected to", "telnet:", "Escape character", "220 ", "Unable", "^C", "Invalid")
	if len(e.Lines) == 0 && p.Detail != "" {
		e.Lines = append(e.Lines, p.Detail)
	}
	if e.Command == "" {
		e.Command = "telnet"
	}
	if !strings.Contains(e.Command, p.Interface) {
		e.Command += " (from " + p.Interface + ")"
	}
	return e
}

func chooseInterfaceFix(iface string) *Fix {
	return &Fix{
		Summary: fmt.Sprintf("Set the ESA's default delivery interface to %s, the one that reaches the SMA, then commit.", iface),
		Steps:   deliverySteps(iface),
	}
}

// deliverySteps is the deliveryconfig dialog that makes iface the default.
func deliverySteps(iface string) []string { return fix.DeliverySteps(iface) }

func unreachableFix(target string) *Fix {
	return &Fix{
		Summary: fmt.Sprintf("Make %s reachable from the ESA first: the SMA's listener, routing or a firewall is in the way.", target),
		Steps: []string{
			"on the SMA: status (expect Online; see PVO-001) and tcpservices (expect cpq_listener on the PVO port)",
			"on the ESA: netstat and routeconfig, for a route to the SMA",
			"check firewalls between the ESA and " + target,
			"on the ESA: telnet from Auto to " + target + " again",
		},
	}
}
