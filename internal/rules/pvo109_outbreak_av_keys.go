package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// outbreakAVKeys is PVO-109: without an active Outbreak Filters key the
// Outbreak quarantine stops receiving messages and disappears once empty;
// without an anti-virus key the Virus quarantine gets nothing.
func outbreakAVKeys() Rule {
	r := Rule{
		ID:       "PVO-109",
		Title:    "ESA has active Outbreak Filters and anti-virus keys",
		Severity: SeverityMedium,
		Description: "An expired or missing Outbreak Filters key stops the Outbreak quarantine receiving messages, " +
			"and it disappears from the quarantine list once empty; without an anti-virus key the Virus " +
			"quarantine stays empty. Centralization and migration then look inconsistent.",
		Commands: []string{"every ESA (each cluster member in machine mode): featurekey"},
		Pass:     "`featurekey` shows an active Outbreak Filters key and an active anti-virus key (Sophos or McAfee)",
		Fail:     "either key is missing, Dormant, or expired (Remaining Expired or 0 days)",
		Unknown:  "`featurekey` was not read for the machine",
		Fix: &Fix{
			Summary: "Renew or activate the Outbreak Filters and anti-virus feature keys.",
			Steps: []string{"featurekey → CHECKNOW (fetch keys already issued), or ACTIVATE a dormant key",
				"or obtain the key from Cisco licensing and install it (loadlicense / featurekey)",
				"featurekey (expect both keys with days remaining or Perpetual)"},
		},
	}
	r.Check = func(site *facts.Site) ([]Finding, []ManualCheck) {
		return r.checkKeys(site), nil
	}
	return r
}

// checkKeys judges every machine whose keys any ESA session read, once.
func (r Rule) checkKeys(site *facts.Site) []Finding {
	if len(site.ESAs) == 0 {
		return []Finding{r.noESA("run `featurekey` on each ESA")}
	}
	var out []Finding
	done := map[string]bool{}
	for _, a := range site.ESAs {
		var machines []string
		for m, fk := range a.FeatureKeys {
			if fk != nil && !done[strings.ToLower(m)] {
				machines = append(machines, m)
			}
		}
		if len(a.FeatureKeys) == 0 {
			out = append(out, r.notCollected(a, "`featurekey`", missingErrors(a, "featurekey"), "run `featurekey` on "+a.Name()))
			continue
		}
		sort.Strings(machines)
		for _, m := range machines {
			done[strings.ToLower(m)] = true
			out = append(out, r.checkMachineKeys(m, a.FeatureKeys[m]))
		}
	}
	return out
}

func (r Rule) checkMachineKeys(machine string, fk *facts.FeatureKeys) Finding {
	f := r.finding(machine, StatusPass)
	f.Expected = "active Outbreak Filters and anti-virus keys"
	var problems, fine []string
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
			st := keyState(k)
			if st == "" {
				active = k.Module
				break
			}
			states = append(states, k.Module+" "+st)
		}
		switch {
		case active != "":
			fine = append(fine, active)
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
	f.Summary = fmt.Sprintf("%s has active keys for %s.", machine, strings.Join(fine, " and "))
	f.Actual = strings.Join(fine, ", ") + " active"
	return f
}

// keyState is "" for an active key, else why it is not: dormant, expired.
// Only the Remaining column decides; the expiration date is not compared
// with the clock, so a verdict does not depend on when it runs.
func keyState(k facts.FeatureKey) string {
	rem := strings.ToLower(strings.TrimSpace(k.Remaining))
	switch {
	case strings.Contains(rem, "dormant"):
		return "dormant"
	case strings.Contains(rem, "expired"), strings.HasPrefix(rem, "0 day"), strings.HasPrefix(rem, "-"):
		return "expired"
	}
	return ""
}
