package rules

import (
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func smaWithStatus(value string) *facts.Appliance {
	return &facts.Appliance{Role: facts.RoleSMA, Address: "10.172.12.18", Hostname: "sma.example.com",
		Status: &facts.SystemStatus{Value: value, Evidence: ev("status",
			"Status as of:           Mon Jul 21 11:57:38 2014 GMT",
			"System status:        "+value,
			"Oldest Message:       No Messages")}}
}

func TestSMAOnline(t *testing.T) {
	noValue := smaWithStatus("")
	noValue.Status.Evidence = ev("status", "Status as of: Mon Jul 21 11:57:38 2014 GMT")
	failedLogin := &facts.Appliance{Role: facts.RoleSMA, Address: "10.172.12.18",
		Errors: []facts.CollectError{{Step: "connect", Message: "ssh: handshake failed: authentication failed"}}}
	partial := smaWithStatus("Online")
	partial.Errors = []facts.CollectError{{Step: "status", Message: "line 7: unrecognised output"}}

	runCases(t, smaOnline(), []ruleCase{
		{"online", &facts.Site{SMA: smaWithStatus("Online")}, []want{{
			app: "sma.example.com", status: StatusPass, summary: []string{"is Online"},
			lines: []string{"System status:        Online"}}}},
		{"offline", &facts.Site{SMA: smaWithStatus("Offline"), PVOPort: 7025}, []want{{
			app: "sma.example.com", status: StatusFail, summary: []string{"sma.example.com is Offline", "cpq_listener", "7025"},
			lines: []string{"System status:        Offline"}, fix: string(FixResume)}}},
		{"receiving suspended", &facts.Site{SMA: smaWithStatus("Receiving suspended")}, []want{{
			app: "sma.example.com", status: StatusFail, summary: []string{"Receiving suspended"}, fix: string(FixResume)}}},
		{"no SMA", &facts.Site{}, []want{{
			app: "SMA", status: StatusUnknown, summary: []string{"run `status` on the SMA"}}}},
		{"status not collected", &facts.Site{SMA: &facts.Appliance{Role: facts.RoleSMA, Hostname: "sma.example.com"}}, []want{{
			app: "sma.example.com", status: StatusUnknown, summary: []string{"not collected", "run `status` on the SMA"}}}},
		{"login failed", &facts.Site{SMA: failedLogin}, []want{{
			app: "10.172.12.18", status: StatusUnknown, summary: []string{"authentication failed", "run `status`"},
			lines: []string{"ssh: handshake failed: authentication failed"}}}},
		{"no status line", &facts.Site{SMA: noValue}, []want{{
			app: "sma.example.com", status: StatusUnknown, summary: []string{"no System status line"}}}},
		{"status step failed", &facts.Site{SMA: partial}, []want{{
			app: "sma.example.com", status: StatusUnknown, summary: []string{"unrecognised output"},
			lines: []string{"line 7: unrecognised output"}}}},
	})
}

func TestSMAOnlineQuotesOnlyTheStatusLine(t *testing.T) {
	got, _ := smaOnline().Check(&facts.Site{SMA: smaWithStatus("Offline")})
	lines := got[0].Evidence[0].Lines
	if len(lines) != 1 || lines[0] != "System status:        Offline" {
		t.Errorf("evidence lines %q, want only the System status line", lines)
	}
	if got[0].Evidence[0].Command != "status" {
		t.Errorf("command %q, want status", got[0].Evidence[0].Command)
	}
}
