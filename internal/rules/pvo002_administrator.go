package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// migrationSteps is the GUI path no CLI can verify: the SMA's PVO
// migration wizard must end with a commit.
var migrationSteps = []string{
	"log in to the SMA's web interface as an Administrator",
	"Management Appliance > Centralized Services > Policy, Virus and Outbreak Quarantines",
	"Launch Migration Wizard, choose the migration method and finish the wizard",
	"Commit Changes (top right), then check that no uncommitted changes remain",
}

// administrator is case 2: only an Administrator can enable centralized
// PVO, and the SMA's migration-wizard changes must have been committed.
func administrator() Rule {
	r := Rule{
		ID:       "PVO-002",
		Case:     2,
		Title:    "Sessions use an Administrator account",
		Severity: SeverityHigh,
		Description: "The Enable button stays grey when the account is not an Administrator (an Operator " +
			"or other role can run the steps but not enable PVO), or when the SMA's migration-wizard " +
			"changes were never committed. The commit cannot be seen from the CLI; it is a manual check.",
		Commands: []string{"SMA and every ESA: who (Role column) or whoami (Groups)"},
		Pass:     "`who` shows the Administrator role, or `whoami` the admin group, on every appliance whose account was read",
		Fail:     "an appliance's session runs under another role (Operator, Read-Only Operator, ...)",
		Unknown:  "no account was read on any appliance, or an account shows neither role nor groups",
		Fix: &Fix{
			Summary: "Log in to the SMA and the ESA with an Administrator account (e.g. admin), not an Operator or other role, and enable PVO again.",
			Steps: []string{
				"log out of the session that is not an Administrator",
				"log in with an account whose role is Administrator",
				"whoami (expect group admin)",
				"enable centralized PVO on the ESA again",
			},
		},
	}
	r.Scope = ScopeAppliance
	r.Reads = []Read{{Role: facts.RoleSMA, Command: "whoami"}, {Role: facts.RoleESA, Command: "whoami"}}
	r.judge = func(_ *facts.Site, s subject) Finding { return r.checkAccount(s.app) }
	r.manual = func(site *facts.Site) []ManualCheck { return []ManualCheck{migrationCheck(site)} }
	return r
}

func migrationCheck(site *facts.Site) ManualCheck {
	name := "SMA"
	if site.SMA != nil {
		name = site.SMA.Name()
	}
	return ManualCheck{
		ID:        "PVO-002",
		Appliance: name,
		Summary:   "Confirm that the SMA's PVO migration-wizard changes were committed: no CLI command shows it.",
		Steps:     append([]string{}, migrationSteps...),
	}
}

// isAdministrator answers from the role, or failing that from the groups.
// known is false when neither says anything.
func isAdministrator(a *facts.Account) (admin, known bool) {
	if a == nil {
		return false, false
	}
	if a.Role != "" {
		return strings.EqualFold(a.Role, "Administrator"), true
	}
	if a.Groups != nil {
		for _, g := range a.Groups {
			if strings.EqualFold(g, "admin") {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

func (r Rule) checkAccount(a *facts.Appliance) Finding {
	acct := a.Account
	if acct == nil {
		f := r.notCollected(a, "the account role", missingErrors(a, "who", "whoami"), "run `whoami` on "+a.Name())
		f.Expected = "role Administrator (or group admin)"
		return f
	}
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = "role Administrator (or group admin)"
	user := acct.User
	if user == "" {
		user = "the session's user"
	}
	keys := []string{"Groups:"}
	if acct.Role != "" {
		keys = append(keys, acct.Role)
	}
	f.Evidence = append(f.Evidence, quote(a.Name(), acct.Evidence, keys...))
	admin, known := isAdministrator(acct)
	actual := "role " + acct.Role
	if acct.Role == "" {
		actual = "groups " + strings.Join(acct.Groups, ", ")
	}
	f.Actual = actual
	switch {
	case !known:
		f.Summary = fmt.Sprintf("The account on %s shows neither a role nor groups; run `whoami` on %s.", a.Name(), a.Name())
		f.Actual = "no role or groups shown"
	case admin:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("%s is logged in to %s as an Administrator (%s).", user, a.Name(), actual)
	default:
		f.Status = StatusFail
		if acct.Role != "" {
			f.Summary = fmt.Sprintf("%s is logged in to %s with role %s, not Administrator, so centralized PVO cannot be enabled.",
				user, a.Name(), acct.Role)
		} else {
			f.Summary = fmt.Sprintf("%s is logged in to %s without the admin group (groups %s), so it is not an Administrator and centralized PVO cannot be enabled.",
				user, a.Name(), strings.Join(acct.Groups, ", "))
		}
		f.Fix = r.fix()
	}
	return f
}
