package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// releasePath is PVO-104: released messages go back from the SMA to the
// ESA. The SMA reads the ESA's configuration over SSH (applianceconfig
// TEST) and delivers to the ESA's own PVO listener (port 7025 by default);
// either broken, messages reach the SMA but releases never arrive.
func releasePath() Rule {
	r := Rule{
		ID:       "PVO-104",
		Title:    "SMA can reach the ESA to release messages",
		Severity: SeverityHigh,
		Description: "The SMA uses SSH to the ESA (applianceconfig TEST) to learn where to deliver released " +
			"messages, and delivers them to the ESA's PVO listener (port 7025 unless changed in the ESA GUI). " +
			"A rotated password, a rebuilt ESA or a blocked port breaks releases while quarantining still works.",
		Commands: []string{"SMA: applianceconfig → TEST of each managed ESA",
			fmt.Sprintf("SMA: telnet from Auto to each managed ESA's address, port %d", facts.DefaultPVOPort)},
		Pass:    "TEST succeeded and the SMA's telnet to the ESA's PVO listener connected",
		Fail:    "TEST reported an authentication failure or could not connect, or the telnet was refused, timed out or failed",
		Unknown: "the SMA's applianceconfig, TEST or telnet for that ESA was not read",
		Fix: &Fix{
			Summary: "Re-establish the SMA's connection to the ESA: fresh credentials, and an open path to its PVO listener.",
			Steps: []string{"on the SMA: applianceconfig → EDIT → the ESA: enter the ESA's admin user and current password (re-creates the SSH key)",
				"commit", "on the SMA: applianceconfig → TEST → the ESA (expect success)",
				fmt.Sprintf("open TCP from the SMA to the ESA's PVO listener (port %d unless changed in Security Services > Policy, Virus and Outbreak Quarantines)", facts.DefaultPVOPort)},
		},
	}
	r.Scope = ScopeESA
	r.Reads = []Read{
		{Role: facts.RoleSMA, Command: "applianceconfig"},
		{Role: facts.RoleSMA, Command: "telnet"},
		{Role: facts.RoleESA, Command: "interfaceconfig", Need: Context},
	}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkRelease(site, s.app) }
	return r
}

func (r Rule) checkRelease(site *facts.Site, a *facts.Appliance) Finding {
	m, unknown := r.smaManaged(site, a.Name())
	if unknown != nil {
		return *unknown
	}
	e, definite := managedEntry(site, m, a)
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = fmt.Sprintf("TEST succeeds and the SMA reaches the ESA's PVO listener (port %d)", facts.DefaultPVOPort)
	if e == nil {
		f.Evidence = append(f.Evidence, managedEvidence(site, nil))
		if definite {
			f.Status = StatusNotApplicable
			f.Summary = fmt.Sprintf("The SMA does not manage %s, so it has no release path to test (see PVO-102).", esaLabel(a))
			f.Actual = "not managed by the SMA"
			return f
		}
		f.Summary = fmt.Sprintf("%s is not in the SMA's list by name; run `interfaceconfig` on %s to match it by address.", a.Name(), a.Name())
		f.Actual = "no match by name; addresses unknown"
		return f
	}
	sma := site.SMA
	f.Evidence = append(f.Evidence, managedEvidence(site, e, "test", "connection to", "authentication", "error"))
	var probe *facts.Probe
	for i := range sma.Probes {
		p := &sma.Probes[i]
		if p.Port == facts.DefaultPVOPort && strings.EqualFold(p.Host, e.Address) {
			probe = p
		}
	}
	if probe != nil {
		f.Evidence = append(f.Evidence, probeEvidence(sma, probe))
	}
	var problems, missing []string
	if t := e.Test; t == nil {
		missing = append(missing, fmt.Sprintf("`applianceconfig` → TEST → %s", e.Name))
	} else if t.Outcome != facts.TestSucceeded {
		problems = append(problems, fmt.Sprintf("applianceconfig TEST says %q", t.Detail))
	}
	switch {
	case probe == nil:
		missing = append(missing, fmt.Sprintf("`telnet` from Auto to %s port %d", e.Address, facts.DefaultPVOPort))
	case probeFailed(probe):
		problems = append(problems, fmt.Sprintf("telnet to the ESA's PVO listener %s:%d %s", e.Address, probe.Port, outcomeWords(probe.Outcome)))
	case probe.Outcome != facts.ProbeConnected:
		missing = append(missing, fmt.Sprintf("`telnet` from Auto to %s port %d (it %s)", e.Address, facts.DefaultPVOPort, outcomeWords(probe.Outcome)))
	}
	switch {
	case len(problems) > 0:
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("The SMA %s cannot release messages to %s: %s.", sma.Name(), esaLabel(a), strings.Join(problems, "; "))
		f.Actual = strings.Join(problems, "; ")
		f.Fix = r.fix()
	case len(missing) > 0:
		if errs := stepErrors(sma, "applianceconfig", "telnet"); len(errs) > 0 {
			f.Evidence = append(f.Evidence, errorEvidence(sma, errs)...)
		}
		f.Summary = fmt.Sprintf("The release path from the SMA to %s was not fully tested; run %s on the SMA.", a.Name(), strings.Join(missing, " and "))
		f.Actual = "not tested"
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("The SMA %s logs into %s (TEST succeeded) and reaches its PVO listener %s:%d.", sma.Name(), esaLabel(a), e.Address, facts.DefaultPVOPort)
		f.Actual = "TEST succeeded; telnet connected"
	}
	return f
}
