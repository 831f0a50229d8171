package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// pvoPortReach is PVO-101: whether anything answers on the SMA's PVO port
// from the ESA at all, and if not, which kind of silence it is. A refusal
// means nothing listens (the SMA's PVO service is off or its port moved), a
// timeout means a firewall drops the packets, a name error means DNS.
func pvoPortReach() Rule {
	r := Rule{
		ID:       "PVO-101",
		Title:    "ESA reaches the SMA's PVO port",
		Severity: SeverityHigh,
		Description: "The ESA delivers quarantined messages to the SMA's cpq_listener (port 7025 unless moved). " +
			"Refused, silently dropped and unresolvable connections have different causes: the SMA's PVO " +
			"service is off or listens on another port; a firewall drops the port; the name does not resolve. " +
			"The spam quarantine (port 6025) working says nothing about the PVO port.",
		Commands: []string{"ESA: telnet to the SMA's PVO port (default delivery interface, then Auto)",
			"ESA: telnet to the SMA's spam quarantine port 6025 when the PVO port fails", "SMA: tcpservices, status"},
		Pass:    "`telnet` from some interface of the ESA connected to the SMA's PVO port",
		Fail:    "every `telnet` to the PVO port was refused, timed out, failed to resolve or could not connect",
		Unknown: "no `telnet` from the ESA to the SMA's PVO port was run, or it ended without an outcome pvo-doctor can judge",
		Fix: &Fix{
			Summary: "Make the SMA's PVO listener reachable from the ESA on the port the ESA uses.",
			Steps: []string{
				"on the SMA: status (Online) and tcpservices (cpq_listener on the PVO port)",
				"on the SMA GUI: Management Appliance > Centralized Services > Policy, Virus and Outbreak Quarantines: enabled, its interface and port",
				"open TCP from the ESA to the SMA on that port in every firewall between them",
				"on the ESA: telnet from Auto to the SMA on the PVO port again",
			},
		},
	}
	r.Scope = ScopeESA
	r.Reads = []Read{
		{Role: facts.RoleESA, Command: "telnet"},
		// The SMA's own view only explains a failure.
		{Role: facts.RoleSMA, Command: "tcpservices", Need: Context},
		{Role: facts.RoleSMA, Command: "status", Need: Context},
	}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkPVOPort(site, s.app) }
	return r
}

func (r Rule) checkPVOPort(site *facts.Site, a *facts.Appliance) Finding {
	target := smaTarget(site)
	todo := fmt.Sprintf("run `telnet` from interface Auto to %s on %s", target, a.Name())
	var tried []*facts.Probe
	for i := range a.Probes {
		if toPVO(site, &a.Probes[i]) {
			tried = append(tried, &a.Probes[i])
		}
	}
	if len(tried) == 0 {
		return r.notCollected(a, "A telnet to "+target, missingErrors(a, "telnet", "deliveryconfig"), todo)
	}
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = "a connection to " + target + " from some interface"
	for _, p := range tried {
		if p.Outcome == facts.ProbeConnected {
			f.Status = StatusPass
			f.Summary = fmt.Sprintf("telnet from interface %s on %s reached %s: something listens on the PVO port.", p.Interface, a.Name(), target)
			f.Actual = "connected from " + p.Interface
			f.Evidence = append(f.Evidence, probeEvidence(a, p))
			return f
		}
	}
	judge := tried[len(tried)-1]
	if auto := lastProbe(site, a, "Auto"); auto != nil {
		judge = auto
	}
	for _, p := range tried {
		f.Evidence = append(f.Evidence, probeEvidence(a, p))
	}
	f.Actual = "telnet " + outcomeWords(judge.Outcome) + " from " + judge.Interface
	if !probeFailed(judge) {
		f.Summary = fmt.Sprintf("telnet from %s to %s on %s gave no answer pvo-doctor can judge (%s); %s again.",
			judge.Interface, target, a.Name(), outcomeWords(judge.Outcome), todo)
		return f
	}
	f.Status = StatusFail
	f.Fix = r.fix()
	var cause string
	switch judge.Outcome {
	case facts.ProbeRefused:
		cause = "nothing listens there: " + refusedCause(site, &f)
	case facts.ProbeTimedOut:
		cause = "no answer at all: a firewall between the ESA and the SMA silently drops the port"
		if sma := site.SMA; sma != nil && sma.TCPServices != nil && sma.TCPServices.ListeningOn(pvoPort(site)) {
			cause += fmt.Sprintf(" (the SMA's tcpservices shows a listener on port %d)", pvoPort(site))
			f.Evidence = append(f.Evidence, quote(sma.Name(), sma.TCPServices.Evidence, fmt.Sprintf(":%d", pvoPort(site))))
		}
	case facts.ProbeDNSFailure:
		cause = "the name does not resolve on the ESA: fix DNS, or use the SMA's IP address"
	default:
		cause = "the connection failed without a reason"
	}
	f.Summary = fmt.Sprintf("On %s, telnet to %s %s from %s; %s.%s", a.Name(), target, outcomeWords(judge.Outcome), judge.Interface, cause, spamNote(site, a, &f))
	return f
}

// refusedCause says, from the SMA's own facts, why nothing listens.
func refusedCause(site *facts.Site, f *Finding) string {
	sma := site.SMA
	port := pvoPort(site)
	if sma == nil {
		return "the SMA's PVO service is off or its port was moved (run `tcpservices` on the SMA to tell)"
	}
	if sma.Status != nil && sma.Status.Value != "" && !online(sma.Status) {
		f.Evidence = append(f.Evidence, quote(sma.Name(), sma.Status.Evidence, "System status"))
		return fmt.Sprintf("the SMA is %s (see PVO-001)", strings.TrimSpace(sma.Status.Value))
	}
	ts := sma.TCPServices
	if ts == nil {
		return "the SMA's PVO service is off or its port was moved (run `tcpservices` on the SMA to tell)"
	}
	f.Evidence = append(f.Evidence, quote(sma.Name(), ts.Evidence, "cpq", fmt.Sprintf(":%d", port)))
	for _, l := range ts.Listeners {
		if strings.EqualFold(l.Process, "cpq_listener") && l.Port != port {
			return fmt.Sprintf("the SMA's cpq_listener listens on port %d, not %d: the PVO port was moved; use the same port on both sides", l.Port, port)
		}
	}
	if ts.ListeningOn(port) {
		return fmt.Sprintf("yet the SMA's tcpservices shows a listener on port %d: a device between them rejects the connection, or the address is not the SMA's", port)
	}
	return "the SMA's tcpservices lists no cpq_listener: its centralized PVO service is off (enable it in the SMA GUI, submit and commit)"
}

// spamNote reports the spam quarantine port beside the failed PVO port.
func spamNote(site *facts.Site, a *facts.Appliance, f *Finding) string {
	var spam *facts.Probe
	for i := range a.Probes {
		p := &a.Probes[i]
		if p.Port == facts.DefaultSpamPort && (site.PVOHost == "" || p.Host == "" || strings.EqualFold(p.Host, site.PVOHost)) {
			spam = p
		}
	}
	if spam == nil {
		return ""
	}
	f.Evidence = append(f.Evidence, probeEvidence(a, spam))
	if spam.Outcome == facts.ProbeConnected {
		return fmt.Sprintf(" The spam quarantine port %d connects from %s, so \"the spam quarantine works\" does not mean PVO does.", spam.Port, spam.Interface)
	}
	return fmt.Sprintf(" The spam quarantine port %d %s from %s too.", spam.Port, outcomeWords(spam.Outcome), spam.Interface)
}
