package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// outbreakAVKeys is PVO-109: without an active Outbreak Filters key the
// Outbreak quarantine stops receiving messages and disappears once empty;
// without an anti-virus key the Virus quarantine gets nothing.
func outbreakAVKeys() Rule {
	r := Rule{
		ID:       "PVO-109",
		Title:    "ESA has Outbreak Filters and anti-virus keys that have not expired",
		Severity: SeverityMedium,
		Description: "An expired or missing Outbreak Filters key stops the Outbreak quarantine receiving messages, " +
			"and it disappears from the quarantine list once empty; without an anti-virus key the Virus " +
			"quarantine stays empty. Centralization and migration then look inconsistent.",
		Commands: []string{"every ESA (each cluster member in machine mode): featurekey"},
		Pass:     "`featurekey` shows an Outbreak Filters key and an anti-virus key (Sophos or McAfee) that have not expired; a Dormant key (installed, not yet activated) passes with a note",
		Fail:     "either key is missing, or every such key has expired (Remaining Expired or 0 days)",
		Unknown:  "`featurekey` was not read for the machine",
		Fix: &Fix{
			Summary: "Renew or activate the Outbreak Filters and anti-virus feature keys.",
			Steps: []string{"featurekey → CHECKNOW (fetch keys already issued), or ACTIVATE a dormant key",
				"or obtain the key from Cisco licensing and install it (loadlicense / featurekey)",
				"featurekey (expect both keys with days remaining or Perpetual)"},
		},
	}
	r.Scope = ScopeMachine
	r.Reads = []Read{{Role: facts.RoleESA, Command: "featurekey"}}
	r.judge = r.checkKeys
	return r
}

// checkKeys judges one machine's keys, or says its session read none.
func (r Rule) checkKeys(site *facts.Site, s subject) Finding {
	if s.machine == "" {
		a := s.app
		return r.notCollected(a, "`featurekey`", missingErrors(a, "featurekey"), "run `featurekey` on "+a.Name())
	}
	for _, a := range site.ESAs {
		if fk := lookupFold(a.FeatureKeys, s.machine); fk != nil {
			return r.checkMachineKeys(s.machine, fk)
		}
	}
	f := r.finding(s.machine, StatusUnknown)
	f.Summary = fmt.Sprintf("The feature keys of %s were not read; run `featurekey` on %s (in a cluster: `clustermode machine %s` first).", s.machine, s.machine, s.machine)
	f.Expected = "Outbreak Filters and anti-virus keys that have not expired"
	f.Actual = "not read"
	return f
}

func (r Rule) checkMachineKeys(machine string, fk *facts.FeatureKeys) Finding {
	f := r.finding(machine, StatusPass)
	f.Expected = "Outbreak Filters and anti-virus keys that have not expired"
	var problems, fine, dormant []string
	for _, want := range []struct {
		label string
		match func(string) bool
	}{
		{"Outbreak Filters", func(m string) bool { return strings.Contains(m, "outbreak") }},
		{"anti-virus", func(m string) bool { return strings.Contains(m, "anti-virus") || strings.Contains(m, "antivirus") }},
	} {
		var states []string
		active := ""
		for _, k := range fk.Keys {
			if !want.match(strings.ToLower(k.Module)) {
				continue
			}
			if expired(k) {
				states = append(states, k.Module+" expired")
				continue
			}
			if active == "" || strings.Contains(strings.ToLower(active), "dormant") {
				active = k.Module
				if strings.Contains(strings.ToLower(k.Remaining), "dormant") {
					active += " (Dormant)"
				}
			}
		}
		switch {
		case active != "":
			fine = append(fine, active)
			if strings.HasSuffix(active, "(Dormant)") {
				dormant = append(dormant, strings.TrimSuffix(active, " (Dormant)"))
			}
		case len(states) == 0:
			problems = append(problems, "no "+want.label+" key")
		default:
			problems = append(problems, strings.Join(states, ", "))
		}
	}
	f.Evidence = append(f.Evidence, quote(machine, fk.Evidence, "outbreak", "anti-virus", "antivirus", "Module"))
	if len(problems) > 0 {
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("%s has %s: its Outbreak or Virus quarantine will not receive messages.", machine, strings.Join(problems, "; "))
		f.Actual = strings.Join(problems, "; ")
		f.Fix = r.fix()
		return f
	}
	f.Summary = fmt.Sprintf("%s has keys for %s that have not expired.", machine, strings.Join(fine, " and "))
	if len(dormant) > 0 {
		f.Summary += fmt.Sprintf(" %s is Dormant: activate it (featurekey → ACTIVATE) for its quarantine to receive messages.", strings.Join(dormant, " and "))
	}
	f.Actual = strings.Join(fine, ", ")
	return f
}

// expired reads the Remaining column only; the expiration date is not
// compared with the clock, so a verdict does not depend on when it runs.
func expired(k facts.FeatureKey) bool {
	rem := strings.ToLower(strings.TrimSpace(k.Remaining))
	return strings.Contains(rem, "expired") || strings.HasPrefix(rem, "0 day") || strings.HasPrefix(rem, "-")
}
