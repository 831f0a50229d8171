package asyncos

import (
	"errors"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func TestParseWhoPicksTheSessionUser(t *testing.T) {
	table := `Username   Role                 Login Time   Idle Time   Remote Host   What
========   ==================   ==========   =========   ===========   ====
admin      Administrator        06:02PM      0s          10.0.0.1      GUI
ro1        Read-Only Operator   06:05PM      1m          10.0.0.2      CLI
ops1       Operator             06:07PM      0s          10.0.0.3      CLI`
	tests := []struct {
		user, wantUser, wantRole string
		warn                     bool
	}{
		{"ops1", "ops1", "Operator", false},
		{"RO1", "ro1", "Read-Only Operator", false},
		{"", "ro1", "Read-Only Operator", false}, // first CLI row
		{"nobody", "nobody", "", true},           // never a neighbour's role
	}
	for _, tt := range tests {
		a, warns, err := ParseWho(table, tt.user)
		if err != nil {
			t.Fatalf("user %q: %v", tt.user, err)
		}
		if a.User != tt.wantUser || a.Role != tt.wantRole || (len(warns) > 0) != tt.warn {
			t.Errorf("user %q: got %q/%q warns %v", tt.user, a.User, a.Role, warns)
		}
	}
	single := "Username  Role  Login Time\nadmin  Administrator  06:02PM"
	if a, _, err := ParseWho(single, ""); err != nil || a.Role != "Administrator" {
		t.Errorf("single row: %+v %v", a, err)
	}
	// Overflowing columns fall back to the underline's spans.
	wide := "Username   Role            What\n========   =============   ====\nverylongname Administrator CLI"
	if a, _, err := ParseWho(wide, "verylongname"); err == nil && a.Role == "Administrator" {
		t.Logf("wide row read as %+v", a)
	}
}

func TestParseTelnetOutcomes(t *testing.T) {
	head := "Please select which interface you want to telnet from.\n1. Auto\n2. In (192.168.1.1/24: mx.example.com)\n3. Management (10.1.1.1/24: m)\n[1]> %s\n\nEnter the remote hostname or IP address.\n[]> 10.1.1.9\n\nEnter the remote port.\n[25]> %s\n\nTrying 10.1.1.9...\n"
	mk := func(iface, port, tail string) string {
		return strings.Replace(strings.Replace(head, "%s", iface, 1), "%s", port, 1) + tail
	}
	tests := []struct {
		name, text  string
		iface       string
		port        int
		outcome     facts.ProbeOutcome
		aborted     bool
		wantErrLine bool
	}{
		{"default interface and port", mk("", "", "Connected to 10.1.1.9.\n220 sma ESMTP"), "Auto", 25, facts.ProbeConnected, false, false},
		{"management by number", mk("3", "7025", "telnet: connect to address 10.1.1.9: Connection refused\ntelnet: Unable to connect to remote host"), "Management", 7025, facts.ProbeRefused, false, false},
		{"interface by label", mk("in", "7025", "telnet: Unable to connect to remote host"), "In", 7025, facts.ProbeFailed, false, false},
		{"ctrl-c at the end", mk("2", "7025", "^C"), "In", 7025, facts.ProbeTimedOut, true, false},
		{"invalid", mk("2", "7025", "Invalid arguments when processing telnet"), "In", 7025, facts.ProbeInvalid, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := ParseTelnet(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if p.Interface != tt.iface || p.Port != tt.port || p.Outcome != tt.outcome || p.Aborted != tt.aborted || p.Host != "10.1.1.9" {
				t.Errorf("got %+v", p)
			}
		})
	}
	// Output that just stops after Trying is incomplete, not a timeout.
	_, _, err := ParseTelnet(mk("2", "7025", ""))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Command != "telnet" {
		t.Errorf("stopped output: err = %v, want a *ParseError", err)
	}
	// ^C before more output is not the end.
	if p, _, err := ParseTelnet(mk("2", "7025", "^C\nsomething else")); err == nil {
		t.Errorf("^C not at the end decided %+v", p)
	}
	if _, _, err := ParseTelnet(mk("2", "99999", "^C")); err == nil {
		t.Error("port 99999 accepted")
	}
}

func TestParseTLSVerifyConnectFailure(t *testing.T) {
	text := "Enter the TLS domain to verify against:\n[]> \n\nEnter the destination host to connect to.\n[the.cpq.host]> \n\nConnecting to the.cpq.host on port 25.\nConnection to the.cpq.host failed: Operation timed out.\n\nFailed to connect to [the.cpq.host].\nTLS verification completed."
	v, warns, err := ParseTLSVerify(text)
	if err != nil || len(warns) != 0 {
		t.Fatal(err, warns)
	}
	if v.Connected || v.Verified || v.Failure != "Operation timed out" || v.Host != "the.cpq.host" || v.Port != 25 {
		t.Errorf("got %+v", v)
	}
	if _, _, err := ParseTLSVerify("Enter the TLS domain to verify against:\n[]> x"); err == nil {
		t.Error("a dialog that never connected parsed")
	}
}

func TestParseSSLConfigVariants(t *testing.T) {
	// Method and cipher lines with extra padding and case; tokens indented
	// by tabs; versions printed after a later VERSIONS menu.
	text := "sslconfig settings:\n\tOUTBOUND SMTP METHOD:   tlsv1/tlsv1.2\n\tOutbound SMTP ciphers:\n\t\tHIGH\n\t\t!aNULL\n\nChoose the operation you want to perform:\n- VERSIONS - Enable or disable SSL/TLS versions.\n[]> VERSIONS\n\nCurrently enabled protocol(s) for Outbound SMTP are TLSv1.2 and TLSv1.3.\n"
	cfg, _, err := ParseSSLConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Service("outbound")
	if s == nil || s.Ciphers != "HIGH:!aNULL" || s.Method != "tlsv1/tlsv1.2" || cfg.Era != SSLEra120 ||
		len(s.Versions) != 2 || s.Versions[1] != "TLSv1.3" {
		t.Errorf("got %+v", cfg)
	}
	if _, _, err := ParseSSLConfig("Choose the operation you want to perform:\n[]> "); err == nil {
		t.Error("a menu without settings parsed")
	}
}

func TestParseClusterConfigRestricted(t *testing.T) {
	c, _, err := ParseClusterConfig(`This command is restricted to "cluster" mode.  Would you like to switch to "cluster" mode? [Y]> N` + "\n\nCommand cancelled.")
	if err != nil || c.Standalone {
		t.Errorf("restricted: %+v %v", c, err)
	}
	if _, _, err := ParseClusterConfig("Unknown command or missing feature key: clusterconfig"); !errors.Is(err, ErrRefused) {
		t.Errorf("unknown command: err = %v, want ErrRefused", err)
	}
}

func TestParseFeatureKeyFallbackAndEmpty(t *testing.T) {
	text := "Module  Quantity  Remaining  Expiration Date\nBounce Verification 1 30 days     Sat Oct 21 06:59:37 2006\n\nChoose the operation you want to perform:\n[]> "
	fk, _, err := ParseFeatureKey(text)
	if err != nil || len(fk.Keys) != 1 || fk.Keys[0].Module != "Bounce Verification" || fk.Keys[0].Remaining != "30 days" {
		t.Errorf("fallback row: %+v %v", fk, err)
	}
	fk, _, err = ParseFeatureKey("Choose the operation you want to perform:\n- ACTIVATE - Activate a (pending) key.\n[]> ")
	if err != nil || fk.Keys == nil || len(fk.Keys) != 0 {
		t.Errorf("no keys must be collected and empty: %+v %v", fk, err)
	}
	_, _, err = ParseFeatureKey(`This command is restricted to "machine" mode.  Would you like to switch to "machine" mode? [Y]> N` + "\nCommand cancelled.")
	if !errors.Is(err, ErrRefused) {
		t.Errorf("refused featurekey: %v", err)
	}
}

func TestParseSmallCommands(t *testing.T) {
	if r, _, err := ParseResume("Receiving resumed for Listener1."); err != nil || r.Outcome != facts.ResumeResumed || r.Listeners[0] != "Listener1" {
		t.Errorf("resume: %+v %v", r, err)
	}
	if r, _, err := ParseResumeTransfers("Transfers resumed."); err != nil || r.Outcome != facts.ResumeResumed {
		t.Errorf("resumetransfers: %+v %v", r, err)
	}
	if r, _, _ := ParseResume(`This command is restricted to "machine" mode.  Would you like to switch to "machine" mode? [Y]> N` + "\nCommand cancelled."); r == nil || r.Outcome != facts.ResumeError {
		t.Errorf("refused resume: %+v", r)
	}
	if c, _, err := ParseClearChanges("Changes cleared: Thu Nov 26 18:00:00 2026"); err != nil || c.Outcome != facts.CommitCleared || c.When == "" {
		t.Errorf("clearchanges: %+v %v", c, err)
	}
	if c, _, err := ParseClearChanges("There are no changes to clear."); err != nil || c.Outcome != facts.CommitNothing {
		t.Errorf("clearchanges nothing: %+v %v", c, err)
	}
	if _, _, err := ParseCommit("Please enter some comments describing your changes:\n[]> x"); err == nil {
		t.Error("a commit with no result line parsed")
	}
	if s, _, err := ParseStatus("system STATUS :  Receiving suspended\nTransfer status: Suspended"); err != nil || s.Value != "Receiving suspended" || s.TransfersSuspended == nil || !*s.TransfersSuspended {
		t.Errorf("status: %+v %v", s, err)
	}
	if v, _, err := ParseVersion("Version: 15.0.1-030\nModel: X1070"); err != nil || v.Major != 15 || v.Build != 30 {
		t.Errorf("version: %+v %v", v, err)
	} else if r, ok := VersionRole(v); !ok || r != facts.RoleESA {
		t.Errorf("X1070 role %q %v", r, ok)
	}
	if _, _, err := ParseVersion("Version: fifteen"); err == nil {
		t.Error("a version that is no number parsed")
	}
	if ts, _, err := ParseTCPServices("Feature Processes\n  cpq_listener  2002  IPv6  TCP  [::1]:7025  LISTEN\n  junk"); err != nil || !ts.ListeningOn(7025) || len(ts.Listeners) != 1 {
		t.Errorf("tcpservices: %+v %v", ts, err)
	}
	if a, _, err := ParseWhoami("Username: ops\nGroups:"); err != nil || a.Groups == nil || len(a.Groups) != 0 {
		t.Errorf("whoami with no groups must be collected and empty: %+v %v", a, err)
	}
}

// TestParsersRejectEmptyAndGarbage holds every parser to the contract: a
// *ParseError, never a panic, never a fact from nothing.
func TestParsersRejectEmptyAndGarbage(t *testing.T) {
	for name, p := range allParsers() {
		for _, in := range []string{"", "   \n\n", "\x00\x1b[", "complete nonsense\nmore of it"} {
			got, err := p(in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				// Only tcpservices reads garbage as "no listeners" with warnings.
				if name == "tcpservices" && strings.TrimSpace(in) != "" {
					continue
				}
				t.Errorf("%s(%q) = %v, %v; want a *ParseError", name, in, got, err)
			}
		}
	}
}

// allParsers wraps every parser behind one signature for the table and
// fuzz tests; the value is the fact, typed as any.
func allParsers() map[string]func(string) (any, error) {
	wrap := func(f func(string) (any, []facts.Warning, error)) func(string) (any, error) {
		return func(s string) (any, error) { v, _, err := f(s); return v, err }
	}
	return map[string]func(string) (any, error){
		"version":         wrap(func(s string) (any, []facts.Warning, error) { return ParseVersion(s) }),
		"who":             wrap(func(s string) (any, []facts.Warning, error) { return ParseWho(s, "admin") }),
		"whoami":          wrap(func(s string) (any, []facts.Warning, error) { return ParseWhoami(s) }),
		"status":          wrap(func(s string) (any, []facts.Warning, error) { return ParseStatus(s) }),
		"resume":          wrap(func(s string) (any, []facts.Warning, error) { return ParseResume(s) }),
		"resumetransfers": wrap(func(s string) (any, []facts.Warning, error) { return ParseResumeTransfers(s) }),
		"deliveryconfig":  wrap(func(s string) (any, []facts.Warning, error) { return ParseDeliveryConfig(s) }),
		"telnet":          wrap(func(s string) (any, []facts.Warning, error) { return ParseTelnet(s) }),
		"tlsverify":       wrap(func(s string) (any, []facts.Warning, error) { return ParseTLSVerify(s) }),
		"sslconfig":       wrap(func(s string) (any, []facts.Warning, error) { return ParseSSLConfig(s) }),
		"clusterconfig":   wrap(func(s string) (any, []facts.Warning, error) { return ParseClusterConfig(s) }),
		"featurekey":      wrap(func(s string) (any, []facts.Warning, error) { return ParseFeatureKey(s) }),
		"tcpservices":     wrap(func(s string) (any, []facts.Warning, error) { return ParseTCPServices(s) }),
		"commit":          wrap(func(s string) (any, []facts.Warning, error) { return ParseCommit(s) }),
		"clearchanges":    wrap(func(s string) (any, []facts.Warning, error) { return ParseClearChanges(s) }),
	}
}
