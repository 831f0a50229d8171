package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// localMessages is PVO-108: messages left in the ESA's own PVO quarantines
// after centralizing mean the migration did not finish.
func localMessages() Rule {
	r := Rule{
		ID:       "PVO-108",
		Title:    "No messages left in the ESA's local PVO quarantines",
		Severity: SeverityLow,
		Description: "When PVO is centralized, the migration moves the messages of the ESA's Policy, Virus, " +
			"Outbreak, Unclassified and File Analysis quarantines to the SMA. Messages still held locally " +
			"mean the migration did not finish; they are not visible on the SMA.",
		Commands: []string{"ESA: quarantineconfig"},
		Pass:     "quarantineconfig notes the quarantines are centralized and every PVO quarantine holds 0 messages",
		Fail:     "quarantineconfig notes they are centralized and a PVO quarantine holds messages",
		Unknown:  "`quarantineconfig` was not read",
		Fix: &Fix{
			Summary: "Finish the migration of the local PVO quarantines to the SMA.",
			Steps: []string{"on the SMA GUI: Management Appliance > Centralized Services > Policy, Virus and Outbreak Quarantines: run the migration again",
				"wait for \"Migration of Policy, Virus and Outbreak Quarantines finished\"",
				"on the ESA: quarantineconfig (expect 0 messages in each PVO quarantine)"},
		},
	}
	r.Scope = ScopeESA
	r.Reads = []Read{{Role: facts.RoleESA, Command: "quarantineconfig"}}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkLocal(site, s.app) }
	return r
}

func (r Rule) checkLocal(site *facts.Site, a *facts.Appliance) Finding {
	q := a.Quarantines
	if q == nil {
		return r.notCollected(a, "`quarantineconfig`", missingErrors(a, "quarantineconfig"), "run `quarantineconfig` on "+a.Name())
	}
	f := r.finding(a.Name(), StatusNotApplicable)
	f.Expected = "0 messages in the local PVO quarantines once centralized"
	if !q.Centralized {
		f.Summary = fmt.Sprintf("The PVO quarantines of %s are not centralized (quarantineconfig has no centralized note), so nothing has to be migrated.", a.Name())
		f.Actual = "not centralized"
		f.Evidence = append(f.Evidence, quote(a.Name(), q.Evidence, "Quarantine Name"))
		return f
	}
	var held []string
	total, seen := 0, 0
	for _, row := range q.Rows {
		if !isPVOQuarantine(row.Name) {
			continue
		}
		seen++
		if row.Messages > 0 {
			held = append(held, fmt.Sprintf("%s %d", row.Name, row.Messages))
			total += row.Messages
		}
	}
	if len(held) > 0 {
		f.Status = StatusFail
		f.Evidence = append(f.Evidence, quote(a.Name(), q.Evidence, append([]string{"centralized"}, heldNames(held)...)...))
		f.Summary = fmt.Sprintf("%s is centralized on %s, yet %d messages remain in its local PVO quarantines (%s): the migration did not finish.",
			a.Name(), orSMA(q.CentralizedOn), total, strings.Join(held, ", "))
		f.Actual = strings.Join(held, ", ")
		f.Fix = r.fix()
		return f
	}
	f.Evidence = append(f.Evidence, quote(a.Name(), q.Evidence, "centralized"))
	if seen == 0 {
		f.Status = StatusUnknown
		f.Summary = fmt.Sprintf("quarantineconfig on %s lists none of the PVO quarantines; run `quarantineconfig` on %s and check its output.", a.Name(), a.Name())
		f.Actual = "no PVO quarantine rows"
		return f
	}
	f.Status = StatusPass
	f.Summary = fmt.Sprintf("%s is centralized on %s and its %d local PVO quarantines hold no messages.", a.Name(), orSMA(q.CentralizedOn), seen)
	f.Actual = "0 messages"
	return f
}

func isPVOQuarantine(name string) bool {
	for _, n := range facts.PVOQuarantines {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return true
		}
	}
	return false
}

func heldNames(held []string) []string {
	out := make([]string, 0, len(held))
	for _, h := range held {
		out = append(out, ". "+h[:strings.LastIndex(h, " ")]+" ")
	}
	return out
}

func orSMA(name string) string {
	if name == "" {
		return "the SMA"
	}
	return name
}
