package cli

import (
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// verdictExitCode maps a diagnosis to the documented exit code: a failure
// at or above the --fail-on severity (default: any) is 1; otherwise any
// unknown finding or any appliance error is 3, because something could not
// be decided; otherwise 0. A failure below the threshold was waived by the
// user and counts like a pass. A run with no findings at all decided
// nothing, so it is 3 too: never a pass without evidence.
func verdictExitCode(res rules.Result, site *facts.Site, failOn ...rules.Severity) int {
	threshold := rules.SeverityInfo
	if len(failOn) > 0 && failOn[0] != "" {
		threshold = failOn[0]
	}
	incomplete := len(res.Findings) == 0
	failed := false
	for _, f := range res.Findings {
		switch f.Status {
		case rules.StatusFail:
			if f.Severity.AtLeast(threshold) {
				failed = true
			}
		case rules.StatusPass, rules.StatusNotApplicable:
		default:
			incomplete = true
		}
	}
	if failed {
		return ExitFailed
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
