package rules

import "github.com/pvo-doctor/pvo-doctor/internal/facts"

// Result is every finding and manual check for a site.
type Result struct {
	Findings     []Finding
	ManualChecks []ManualCheck
}

// All lists every rule, in report order.
// TEMPORARY: empty until the six rules land.
func All() []Rule { return nil }

// Run checks site against every rule.
func Run(site *facts.Site) Result {
	res := Result{Findings: []Finding{}, ManualChecks: []ManualCheck{}}
	for _, r := range All() {
		f, m := r.Check(site)
		res.Findings = append(res.Findings, f...)
		res.ManualChecks = append(res.ManualChecks, m...)
	}
	return res
}
