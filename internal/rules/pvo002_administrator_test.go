package rules

import (
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func whoAccount(user, role string) *facts.Account {
	return &facts.Account{User: user, Role: role, Evidence: ev("who",
		"Username   Role            Login Time   Idle Time   Remote Host   What",
		user+"      "+role+"   06:02PM      0s          127.0.0.1     CLI")}
}

func whoamiAccount(user string, groups ...string) *facts.Account {
	return &facts.Account{User: user, Groups: groups, Evidence: ev("whoami",
		"Username: "+user, "Full Name: "+user, "Groups: "+strings.Join(groups, ", "))}
}

func TestAdministrator(t *testing.T) {
	sma := func(a *facts.Account) *facts.Appliance {
		return &facts.Appliance{Role: facts.RoleSMA, Hostname: "sma.example.com", Account: a}
	}
	esa := func(name string, a *facts.Account) *facts.Appliance {
		return &facts.Appliance{Role: facts.RoleESA, Hostname: name, Account: a}
	}
	runCases(t, administrator(), []ruleCase{
		{"administrator everywhere", &facts.Site{
			SMA:  sma(whoAccount("admin", "Administrator")),
			ESAs: []*facts.Appliance{esa("mx.example.com", whoamiAccount("admin", "admin", "operators", "config", "log", "guest"))},
		}, []want{
			{app: "sma.example.com", status: StatusPass, summary: []string{"as an Administrator"},
				lines: []string{"admin      Administrator   06:02PM      0s          127.0.0.1     CLI"}},
			{app: "mx.example.com", status: StatusPass, summary: []string{"groups admin"},
				lines: []string{"Groups: admin, operators, config, log, guest"}},
		}},
		{"operator on the ESA", &facts.Site{
			SMA:  sma(whoAccount("admin", "Administrator")),
			ESAs: []*facts.Appliance{esa("mx.example.com", whoAccount("oper1", "Operator"))},
		}, []want{
			{app: "sma.example.com", status: StatusPass},
			{app: "mx.example.com", status: StatusFail, summary: []string{"oper1", "role Operator", "not Administrator"},
				lines: []string{"oper1      Operator   06:02PM      0s          127.0.0.1     CLI"}, fix: "manual"},
		}},
		{"groups without admin", &facts.Site{SMA: sma(whoamiAccount("oper1", "operators", "config", "log", "guest"))}, []want{
			{app: "sma.example.com", status: StatusFail, summary: []string{"without the admin group", "operators, config, log, guest"}, fix: "manual"},
		}},
		{"none read", &facts.Site{SMA: sma(nil), ESAs: []*facts.Appliance{esa("mx.example.com", nil)}}, []want{
			{app: "sma.example.com", status: StatusUnknown, summary: []string{"run `whoami` on sma.example.com"}},
			{app: "mx.example.com", status: StatusUnknown, summary: []string{"run `whoami` on mx.example.com"}},
		}},
		// Measured false pass: an appliance whose role was not read was
		// skipped, and the rule passed on the others' evidence.
		{"one appliance's role not read", &facts.Site{
			SMA:  sma(whoAccount("admin", "Administrator")),
			ESAs: []*facts.Appliance{esa("mx.example.com", nil)},
		}, []want{
			{app: "sma.example.com", status: StatusPass},
			{app: "mx.example.com", status: StatusUnknown, summary: []string{"not collected", "run `whoami` on mx.example.com"}},
		}},
		{"no appliance", &facts.Site{}, []want{
			{app: "all appliances", status: StatusUnknown, summary: []string{"run `whoami` on the SMA", "`whoami` on every ESA"}},
		}},
		{"who failed after an admin line", &facts.Site{SMA: &facts.Appliance{Role: facts.RoleSMA, Hostname: "sma.example.com",
			Account: whoAccount("admin", "Administrator"), Errors: []facts.CollectError{{Step: "who", Message: "line 4: unrecognised output"}}}}, []want{
			{app: "sma.example.com", status: StatusUnknown, summary: []string{"`whoami` on sma.example.com failed", "unrecognised output"},
				lines: []string{"line 4: unrecognised output"}},
		}},
		{"account with neither role nor groups", &facts.Site{SMA: sma(&facts.Account{User: "x", Evidence: ev("whoami", "Username: x")})}, []want{
			{app: "sma.example.com", status: StatusUnknown, summary: []string{"neither a role nor groups", "run `whoami` on sma.example.com"}},
		}},
		{"one read, one failed", &facts.Site{
			SMA: sma(whoAccount("admin", "Administrator")),
			ESAs: []*facts.Appliance{{Role: facts.RoleESA, Address: "mx.example.com:22",
				Errors: []facts.CollectError{{Step: "connect", Message: "dial tcp 127.0.0.1:2222: connection refused"}}}},
		}, []want{
			{app: "sma.example.com", status: StatusPass},
			{app: "mx.example.com:22", status: StatusUnknown, summary: []string{"connection refused", "run `whoami` on mx.example.com:22"},
				lines: []string{"dial tcp 127.0.0.1:2222: connection refused"}},
		}},
	})
}

func TestAdministratorAlwaysAsksForTheMigrationCommit(t *testing.T) {
	for _, site := range []*facts.Site{
		{SMA: &facts.Appliance{Role: facts.RoleSMA, Hostname: "sma.example.com", Account: whoAccount("admin", "Administrator")}},
		{SMA: &facts.Appliance{Role: facts.RoleSMA, Hostname: "sma.example.com"}},
	} {
		_, mc := administrator().Check(site)
		if len(mc) != 1 {
			t.Fatalf("%d manual checks, want 1", len(mc))
		}
		m := mc[0]
		steps := strings.Join(m.Steps, " | ")
		if m.ID != "PVO-002" || m.Appliance != "sma.example.com" ||
			!strings.Contains(steps, "Management Appliance > Centralized Services > Policy, Virus and Outbreak Quarantines") ||
			!strings.Contains(steps, "Launch Migration Wizard") || !strings.Contains(steps, "Commit Changes") {
			t.Errorf("manual check %+v lacks the GUI path", m)
		}
	}
	_, mc := administrator().Check(&facts.Site{})
	if len(mc) != 1 || mc[0].Appliance != "SMA" {
		t.Errorf("without an SMA: %+v, want one check for \"SMA\"", mc)
	}
}
