package cli

import (
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// verdictExitCode maps a diagnosis to the documented exit code: any failure
// is 1; otherwise any unknown finding or any appliance error is 3, because
// something could not be decided; otherwise 0. A run with no findings at
// all decided nothing, so it is 3 too: never a pass without evidence.
func verdictExitCode(res rules.Result, site *facts.Site) int {
	incomplete := len(res.Findings) == 0
	for _, f := range res.Findings {
		switch f.Status {
		case rules.StatusFail:
			return ExitFailed
		case rules.StatusPass, rules.StatusNotApplicable:
		default:
			incomplete = true
		}
	}
	if site != nil {
		if site.SMA != nil && len(site.SMA.Errors) > 0 {
			incomplete = true
		}
		for _, a := range site.ESAs {
			if a != nil && len(a.Errors) > 0 {
				incomplete = true
			}
		}
	}
	if incomplete {
		return ExitIncomplete
	}
	return ExitOK
}
