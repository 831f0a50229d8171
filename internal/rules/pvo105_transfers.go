package rules

import (
	"fmt"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
)

// transfersSuspended is PVO-105: `suspendtransfers` stops the SMA taking
// quarantined messages while `status` still says Online. A backup SMA is
// suspended on purpose, so its fix runs only when asked for by name.
func transfersSuspended() Rule {
	r := Rule{
		ID:       "PVO-105",
		Title:    "SMA transfers are not suspended",
		Severity: SeverityHigh,
		Description: "`suspendtransfers` on the SMA stops it receiving quarantined messages and survives a reboot; " +
			"`resume` does not undo it and plain `status` does not show it. A backup SMA is suspended on purpose: " +
			"pvo-doctor resumes transfers only when this rule is named (--fix-rule PVO-105).",
		Commands: []string{"SMA: status detail (Centralized transfers)"},
		Pass:     "the SMA's `status detail` says transfers are Active",
		Fail:     "the SMA's `status detail` says transfers are Suspended",
		Unknown:  "no SMA was examined, or its `status detail` was not read or has no transfers line",
		Fix:      automaticFix(FixResumeTransfers, fix.Params{}),
	}
	r.Scope = ScopeSMA
	r.Reads = []Read{{Role: facts.RoleSMA, Command: "status detail"}}
	r.judge = func(site *facts.Site, _ subject) Finding { return r.checkTransfers(site) }
	return r
}

func (r Rule) checkTransfers(site *facts.Site) Finding {
	const todo = "run `status detail` on the SMA"
	sma := site.SMA
	if sma == nil {
		return r.noSMA("SMA", todo)
	}
	st := sma.Status
	if st == nil {
		return r.notCollected(sma, "`status detail`", missingErrors(sma, "status"), todo)
	}
	f := r.finding(sma.Name(), StatusUnknown)
	f.Expected = "Centralized transfers: Active"
	if st.TransfersSuspended == nil {
		f.Summary = fmt.Sprintf("`status` on %s does not show the transfer state; %s.", sma.Name(), todo)
		f.Actual = "no transfers line"
		f.Evidence = append(f.Evidence, quote(sma.Name(), st.Evidence, "System status"))
		return f
	}
	f.Evidence = append(f.Evidence, quote(sma.Name(), st.Evidence, "transfer"))
	if *st.TransfersSuspended {
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("Centralized transfers on the SMA %s are suspended (suspendtransfers), so it takes no quarantined messages; resume them unless it is a backup SMA.", sma.Name())
		f.Actual = "Centralized transfers: Suspended"
		f.Fix = r.fix()
		return f
	}
	f.Status = StatusPass
	f.Summary = fmt.Sprintf("Centralized transfers on the SMA %s are active.", sma.Name())
	f.Actual = "Centralized transfers: Active"
	return f
}
