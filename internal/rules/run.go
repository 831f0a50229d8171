package rules

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Result is every finding and manual check for a site.
type Result struct {
	Findings     []Finding
	ManualChecks []ManualCheck
}

// All lists every rule, in report order. Rules are listed here explicitly,
// one constructor per file.
func All() []Rule {
	return []Rule{
		smaOnline(),
		administrator(),
		deliveryInterface(),
		anonymousCiphers(),
		featureKeys(),
		settingLevels(),
		pvoPortReach(),
		managedBySMA(),
		clusterPVO(),
		releasePath(),
		transfersSuspended(),
		releaseSkew(),
		pvoQuota(),
		localMessages(),
		outbreakAVKeys(),
	}
}

// ByID finds a rule by its ID, case-insensitively.
func ByID(id string) (Rule, bool) {
	for _, r := range All() {
		if strings.EqualFold(r.ID, strings.TrimSpace(id)) {
			return r, true
		}
	}
	return Rule{}, false
}

// Run checks site against every rule.
func Run(site *facts.Site) Result {
	if site == nil {
		site = &facts.Site{}
	}
	res := Result{Findings: []Finding{}, ManualChecks: []ManualCheck{}}
	for _, r := range All() {
		f, m := r.Check(site)
		res.Findings = append(res.Findings, f...)
		res.ManualChecks = append(res.ManualChecks, m...)
	}
	return res
}
