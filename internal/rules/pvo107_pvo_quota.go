package rules

import (
	"fmt"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// quotaFullPercent is where PVO-107 fails: ESA alerts turn CRITICAL at 95 %,
// and messages start to go early before that.
const quotaFullPercent = 90

const pvoQuotaRow = "Policy, Virus"

// pvoQuota is PVO-107: a nearly full PVO disk quota on the SMA drops or
// releases quarantined messages before their retention ends.
func pvoQuota() Rule {
	r := Rule{
		ID:       "PVO-107",
		Title:    "SMA's PVO disk quota has room",
		Severity: SeverityMedium,
		Description: "The SMA keeps centralized PVO messages in its \"Policy, Virus & Outbreak Quarantines\" disk " +
			"quota. When it fills up, messages leave the quarantines before their retention period ends.",
		Commands: []string{"SMA: diskquotaconfig"},
		Pass:     fmt.Sprintf("the PVO row's usage is below %d %% of its quota", quotaFullPercent),
		Fail:     fmt.Sprintf("the PVO row's usage is %d %% of its quota or more", quotaFullPercent),
		Unknown:  "no SMA was examined, or its `diskquotaconfig` was not read or has no PVO row",
		Fix: &Fix{
			Summary: "Raise the SMA's PVO quota (space comes from the other services), or shorten the quarantines' retention.",
			Steps:   []string{"on the SMA: diskquotaconfig", "EDIT", "raise Policy, Virus & Outbreak Quarantines", "commit"},
		},
	}
	r.Scope = ScopeSMA
	r.Reads = []Read{{Role: facts.RoleSMA, Command: "diskquotaconfig"}}
	r.judge = func(site *facts.Site, _ subject) Finding { return r.checkQuota(site) }
	return r
}

func (r Rule) checkQuota(site *facts.Site) Finding {
	const todo = "run `diskquotaconfig` on the SMA"
	sma := site.SMA
	if sma == nil {
		return r.noSMA("SMA", todo)
	}
	if sma.DiskQuota == nil {
		return r.notCollected(sma, "`diskquotaconfig`", missingErrors(sma, "diskquotaconfig"), todo)
	}
	f := r.finding(sma.Name(), StatusUnknown)
	f.Expected = fmt.Sprintf("PVO quota below %d %% used", quotaFullPercent)
	row := sma.DiskQuota.Row(pvoQuotaRow)
	if row == nil || row.Quota <= 0 {
		f.Summary = fmt.Sprintf("`diskquotaconfig` on %s shows no usable \"Policy, Virus & Outbreak Quarantines\" row; %s and check its output.", sma.Name(), todo)
		f.Actual = "no PVO quota row"
		f.Evidence = append(f.Evidence, quote(sma.Name(), sma.DiskQuota.Evidence))
		return f
	}
	f.Evidence = append(f.Evidence, quote(sma.Name(), sma.DiskQuota.Evidence, "Service", pvoQuotaRow))
	pct := row.Usage / row.Quota * 100
	f.Actual = fmt.Sprintf("%.1f of %g GB (%.0f %%)", row.Usage, row.Quota, pct)
	if pct >= quotaFullPercent {
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("The SMA %s has used %.1f of its %g GB PVO quota (%.0f %%): quarantined messages will leave before their retention ends.", sma.Name(), row.Usage, row.Quota, pct)
		f.Fix = r.fix()
		return f
	}
	f.Status = StatusPass
	f.Summary = fmt.Sprintf("The SMA %s has used %.1f of its %g GB PVO quota (%.0f %%).", sma.Name(), row.Usage, row.Quota, pct)
	return f
}
