package rules

import (
	"fmt"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// managedBySMA is PVO-102: an ESA the SMA does not manage, or manages
// without its Centralized Policy Quarantine service, cannot centralize.
func managedBySMA() Rule {
	r := Rule{
		ID:       "PVO-102",
		Title:    "SMA manages the ESA with Centralized Policy Quarantine on",
		Severity: SeverityHigh,
		Description: "The SMA accepts PVO traffic only from appliances added under Centralized Services > " +
			"Security Appliances with the Centralized Policy Quarantine service enabled. An ESA missing " +
			"from that list, or with the service off, keeps its Enable button grey.",
		Commands: []string{"SMA: applianceconfig (the list; SERVICES read with default answers, then clearchanges)",
			"ESA: interfaceconfig (its addresses, to match the list)"},
		Pass:    "the ESA is in the SMA's list (by name or address) and SERVICES shows Centralized Policy Quarantine enabled",
		Fail:    "the ESA is not in the SMA's list, or SERVICES shows the service disabled",
		Unknown: "the SMA's applianceconfig was not read, the ESA's addresses were not known to match the list, or SERVICES was not read for it",
		Fix: &Fix{
			Summary: "On the SMA, enable the ESA's Centralized Policy Quarantine service, then commit.",
			Steps: []string{"on the SMA: applianceconfig", "SERVICES", "choose the ESA",
				"answer Y at \"Do you want the Centralized Policy Quarantine to be enabled?\"; keep the other answers",
				"press Enter to leave applianceconfig", "commit"},
		},
	}
	r.Scope = ScopeESA
	r.Reads = []Read{
		{Role: facts.RoleSMA, Command: "applianceconfig"},
		// Addresses only widen the match; a match by name needs none.
		{Role: facts.RoleESA, Command: "interfaceconfig", Need: Context},
	}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkManaged(site, s.app) }
	return r
}

// addFix is the repair for an ESA the SMA does not manage.
func addFix(esa string) *Fix {
	return &Fix{
		Summary: fmt.Sprintf("Add %s on the SMA with its Centralized Policy Quarantine service, then commit.", esa),
		Steps: []string{"on the SMA: applianceconfig", "ADD",
			fmt.Sprintf("the IP address or hostname of %s, a name, and the ESA's admin user and password (establishes the SSH key)", esa),
			"SERVICES: choose it, answer Y for Centralized Policy Quarantine", "commit",
			"or in the SMA GUI: Management Appliance > Centralized Services > Security Appliances > Add Email Appliance"},
	}
}

func (r Rule) checkManaged(site *facts.Site, a *facts.Appliance) Finding {
	m, unknown := r.smaManaged(site, a.Name())
	if unknown != nil {
		return *unknown
	}
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = "listed in the SMA's applianceconfig with Centralized Policy Quarantine enabled"
	e, definite := managedEntry(site, m, a)
	f.Evidence = append(f.Evidence, managedEvidence(site, e))
	switch {
	case e == nil && !definite:
		f.Summary = fmt.Sprintf("%s is not in the SMA's list by name; its addresses were not read to match by IP: run `interfaceconfig` on %s.", a.Name(), a.Name())
		f.Actual = "no match by name; addresses unknown"
	case e == nil:
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("The SMA %s does not manage %s (its applianceconfig lists %d appliances, none with this name or address).", site.SMA.Name(), esaLabel(a), len(m.Appliances))
		f.Actual = "not in the SMA's list"
		f.Fix = addFix(a.Name())
	case e.PVOService == nil:
		f.Summary = fmt.Sprintf("The SMA manages %s as %s, but its services were not read: run `applianceconfig` → SERVICES → %s on the SMA (keep the defaults, then `clearchanges`).", esaLabel(a), e.Name, e.Name)
		f.Actual = "listed; services not read"
	case !*e.PVOService:
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("The SMA manages %s as %s with the Centralized Policy Quarantine service disabled.", esaLabel(a), e.Name)
		f.Actual = "Centralized Policy Quarantine disabled"
		f.Evidence = []Evidence{managedEvidence(site, e, "policy quarantine", e.Address)}
		f.Fix = r.fix()
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("The SMA manages %s as %s with the Centralized Policy Quarantine service enabled.", esaLabel(a), e.Name)
		f.Actual = "Centralized Policy Quarantine enabled"
		f.Evidence = []Evidence{managedEvidence(site, e, "policy quarantine", e.Address)}
	}
	return f
}
