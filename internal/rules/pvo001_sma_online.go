package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
)

// smaOnline is case 1: an SMA that is not Online does not run its
// cpq_listener, so no ESA can reach the PVO quarantines.
func smaOnline() Rule {
	r := Rule{
		ID:       "PVO-001",
		Case:     1,
		Title:    "SMA is online",
		Severity: SeverityCritical,
		Description: "An SMA that is Offline (or has receiving suspended) does not accept on its " +
			"cpq_listener (port 7025), so the ESA's Enable button for centralized PVO stays grey.",
		Commands: []string{"SMA: status"},
		Pass:     "the SMA's `status` says `System status: Online` (the ESA's own status is no evidence for it)",
		Fail:     "the SMA's `status` shows any other value: Offline, Receiving suspended, ...",
		Unknown:  "no SMA was examined, or its `status` was not collected or shows no System status line",
		Fix:      automaticFix(FixResume, fix.Params{}),
	}
	r.Scope = ScopeSMA
	r.Reads = []Read{{Role: facts.RoleSMA, Command: "status"}}
	r.judge = func(site *facts.Site, _ subject) Finding { return r.checkSMAOnline(site) }
	return r
}

// online is true only for the literal value Online (case-insensitive).
func online(s *facts.SystemStatus) bool {
	return s != nil && strings.EqualFold(strings.TrimSpace(s.Value), "Online")
}

func (r Rule) checkSMAOnline(site *facts.Site) Finding {
	sma := site.SMA
	if sma == nil {
		f := r.finding("SMA", StatusUnknown)
		f.Summary = "No SMA was examined; run `status` on the SMA."
		f.Expected = "System status: Online"
		f.Actual = "no SMA"
		return f
	}
	st := sma.Status
	if st == nil {
		return r.notCollected(sma, "`status`", missingErrors(sma, "status"), "run `status` on the SMA")
	}
	value := strings.TrimSpace(st.Value)
	f := r.finding(sma.Name(), StatusUnknown)
	f.Expected = "System status: Online"
	f.Evidence = append(f.Evidence, quote(sma.Name(), st.Evidence, "System status"))
	switch {
	case value == "":
		f.Summary = fmt.Sprintf("`status` on %s shows no System status line; run `status` on the SMA and check its output.", sma.Name())
		f.Actual = "no System status line"
	case online(st):
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("The SMA %s is Online, so its cpq_listener can accept PVO connections.", sma.Name())
		f.Actual = "System status: " + value
	default:
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("The SMA %s is %s, so its cpq_listener does not accept PVO connections on port %d.",
			sma.Name(), value, pvoPort(site))
		f.Actual = "System status: " + value
		f.Fix = r.fix()
	}
	return f
}
