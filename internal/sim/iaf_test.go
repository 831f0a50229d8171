package sim

import (
	"strings"
	"testing"
)

// The [C-IAF] forms of the asyncos: block, each against a built-in
// scenario that uses it.

const (
	clusterP = `\(Cluster PVOCluster\)> $`
	esa2P    = `\(Machine esa2\.example\.com\)> $`
)

func TestNoticeMenuDefaultCreatesPendingConfig(t *testing.T) {
	site := startSite(t, "iaf-cluster-notice", Options{})
	before := site.Snapshot("esa1.example.com")
	tm := openTerm(t, site, "esa1.example.com", 200)
	tm.expect(clusterP)

	// policyconfig: the type list first, then the NOTICE naming the mode
	// that holds the settings in item 1; its default is item 2.
	got := tm.cmd("policyconfig", `\[1\]> $`)
	if !strings.Contains(got, "1. Incoming Mail Policies\r\n2. Outgoing Mail Policies\r\n") {
		t.Errorf("policy type list:\n%s", got)
	}
	got = tm.cmd("1", `\[2\]> $`)
	want := "NOTICE: This configuration command has not yet been configured for the current cluster mode (Cluster PVOCluster).\r\n\r\n" +
		"What would you like to do?\r\n1. Switch modes to edit at mode \"Machine esa2.example.com\".\r\n" +
		"2. Start a new, empty configuration at the current mode (Cluster PVOCluster).\r\n" +
		"3. Copy settings from another cluster mode to the current mode (Cluster PVOCluster).\r\n"
	if !strings.Contains(got, want) {
		t.Errorf("NOTICE:\n%s", got)
	}
	// A bare Enter takes the dangerous default.
	got = tm.cmd("", `\[\]> $`)
	if !strings.Contains(got, "Incoming Mail Policy Configuration") || !strings.Contains(got, "CLUSTERSHOW") {
		t.Errorf("menu after the NOTICE:\n%s", got)
	}
	tm.cmd("", clusterP)
	if snap := site.Snapshot("esa1.example.com"); !strings.Contains(snap, "pending:\n  [cluster] level.content_filters = empty\n") {
		t.Errorf("Enter at the NOTICE staged nothing:\n%s", snap)
	}
	if got := tm.cmd("showchanges", clusterP); !strings.Contains(got, "{'cluster': {'PVOCluster': {'level.content_filters': 'empty'}}}\r\n") {
		t.Errorf("showchanges:\n%s", got)
	}
	tm.cmd("clearchanges", `Are you sure you want to clear all changes since the last commit\? \[Y\]> $`)
	if got := tm.cmd("Y", clusterP); !strings.Contains(got, "Changes cleared.") {
		t.Errorf("clearchanges:\n%s", got)
	}
	if got := tm.cmd("clearchanges", clusterP); !strings.Contains(got, "No changes have been made") {
		t.Errorf("clearchanges with nothing pending:\n%s", got)
	}
	if got := tm.cmd("showchanges", clusterP); !strings.Contains(got, "{}\r\n") {
		t.Errorf("showchanges with nothing pending:\n%s", got)
	}

	// Item 1 switches modes and goes on there; CLUSTERSHOW only reads.
	tm.cmd("policyconfig", `\[1\]> $`)
	tm.cmd("1", `\[2\]> $`)
	if got := tm.cmd("1", `\[\]> $`); !strings.Contains(got, "Incoming Mail Policy Configuration") {
		t.Errorf("after switching:\n%s", got)
	}
	if got := tm.cmd("CLUSTERSHOW", `\[\]> $`); !strings.Contains(got, "  Machine esa2.example.com\r\n") {
		t.Errorf("CLUSTERSHOW:\n%s", got)
	}
	tm.cmd("", esa2P)

	// Ctrl-C at the NOTICE creates nothing; DMARC is defined nowhere, so the
	// Y/N form with its dangerous Y default.
	tm.cmd("clustermode cluster", clusterP)
	tm.cmd("dmarcconfig", `Do you want to start a new, empty configuration at the current mode \(Cluster PVOCluster\)\? \[Y\]> $`)
	tm.send("\x03")
	tm.expect(clusterP)
	tm.cmd("filters", `\[\]> $`) // defined at cluster: no NOTICE
	tm.cmd("", clusterP)
	if after := site.Snapshot("esa1.example.com"); after != before {
		t.Errorf("switching and Ctrl-C changed the appliance:\n%s\nwant\n%s", after, before)
	}
}

func TestNoticeYNWithoutDefaultAndOnDeliveryconfig(t *testing.T) {
	site := startSite(t, "iaf-cluster-notice-yn", Options{})
	tm := openTerm(t, site, "esa1.example.com", 200)
	tm.expect(clusterP)
	tm.cmd("clustermode group Main_Group", `\(Group Main_Group\)> $`)
	// Delivery settings live at cluster level only: a NOTICE at group level.
	got := tm.cmd("deliveryconfig", `\(Group Main_Group\)\? \[\]> $`)
	if !strings.HasPrefix(strings.TrimPrefix(got, "deliveryconfig\r\n"), "NOTICE: This configuration command has not yet been configured for the current cluster mode (Group Main_Group).") {
		t.Errorf("deliveryconfig NOTICE:\n%s", got)
	}
	if got := tm.cmd("", `\[\]> $`); !strings.Contains(got, "Please answer Y or N.") {
		t.Errorf("blank answer:\n%s", got)
	}
	tm.cmd("N", `\(Group Main_Group\)> $`)
	// DMARC is at this group: no NOTICE.
	if got := tm.cmd("dmarcconfig", `\[\]> $`); strings.Contains(got, "NOTICE") {
		t.Errorf("dmarcconfig at its own level:\n%s", got)
	}
	tm.cmd("", `\(Group Main_Group\)> $`)
	if site.Pending("esa1.example.com") {
		t.Error("declined NOTICE left a pending change")
	}
	// Y starts the empty configuration: a pending change.
	tm.cmd("sslconfig", `\[\]> $`)
	tm.cmd("Y", `\[\]> $`)
	tm.cmd("", `\(Group Main_Group\)> $`)
	if snap := site.Snapshot("esa1.example.com"); !strings.Contains(snap, "[group:Main_Group] ssl.level = empty") {
		t.Errorf("Y staged nothing:\n%s", snap)
	}

	// The login-machine wording, and the disconnected branch for esa2.
	tm.cmd("clustermode cluster", clusterP)
	tm.cmd("featurekey", `restricted to run in machine mode of the machine you are logged in to\.  Do you want to switch to "Machine esa1\.example\.com" mode\? \[Y\]> $`)
	tm.cmd("Y", `\[\]> $`)
	tm.cmd("", `\(Machine esa1\.example\.com\)> $`)
	tm.cmd("clustermode machine esa2.example.com", esa2P)
	got = tm.cmd("featurekey", `Do you want to switch to a different machine to run the command on\? \[Y\]> $`)
	if !strings.Contains(got, "restricted to machine-mode only.  The machine for the current mode (Machine esa2.example.com) is currently disconnected.") {
		t.Errorf("disconnected branch:\n%s", got)
	}
	if got := tm.cmd("Y", `\[1\]> $`); !strings.Contains(got, "Choose the machine to run this command on.\r\n1. esa1.example.com\r\n[1]") {
		t.Errorf("machine list:\n%s", got)
	}
	tm.cmd("1", `\[\]> $`)
	tm.cmd("", `\(Machine esa1\.example\.com\)> $`)
}

func TestIAFReleases(t *testing.T) {
	site := startSite(t, "iaf-releases", Options{})

	// setttymode 0 1 turns the pager off for the session.
	tm := openTerm(t, site, "esa4.example.com", 12)
	p4 := `esa4\.example\.com> $`
	tm.expect(p4)
	tm.cmd("setttymode 0 1", p4)
	if got := tm.cmd("status detail", p4); strings.Contains(got, pagerText) || !strings.Contains(got, "Feature - Data Loss Prevention: 287 days\r\n") ||
		!strings.Contains(got, "Rates (Events Per Hour):") || !strings.Contains(got, "      Policy, Virus and Outbreak") {
		t.Errorf("status detail without pager:\n%s", got)
	}
	// sslconfig OUTBOUND: method list, then cipher, no renegotiation; no
	// VERSIONS on the ESA.
	got := tm.cmd("sslconfig", `\[\]> $`)
	if strings.Contains(got, "VERSIONS") || !strings.Contains(got, "  Outbound SMTP method:  tlsv1/tlsv1.2\r\n") {
		t.Errorf("ESA sslconfig menu:\n%s", got)
	}
	tm.cmd("OUTBOUND", `Enter the outbound SMTP ssl method you want to use\.\r\n(.*\r\n)*\[3\]> $`)
	tm.cmd("", `Enter the outbound SMTP ssl cipher you want to use\.\r\n\[[^\]]*\]> $`)
	tm.cmd("", `Choose the operation you want to perform:(.*\r\n)*\[\]> $`)
	tm.cmd("", p4)
	// Defaults change nothing: commit offers to discard.
	tm.cmd("commit", `\[\]> $`)
	tm.cmd("nothing", `Are you ready to discard all of your changes\? \[Y\]> $`)
	if got := tm.cmd("", p4); !strings.Contains(got, "Changes discarded.") || site.Pending("esa4.example.com") {
		t.Errorf("discard:\n%s", got)
	}
	// deliveryconfig's fifth question from 12.0.
	tm.cmd("deliveryconfig", `\[\]> $`)
	tm.cmd("SETUP", `\[1\]> $`)
	tm.cmd("", `\[Y\]> $`)
	tm.cmd("", `\[10000\]> $`)
	tm.cmd("", `\[10000\]> $`)
	tm.cmd("", `attempt to connect without TLS when the TLS concurrency limit is reached\? \[Y\]> $`)
	tm.cmd("", `\[\]> $`)
	tm.cmd("", p4)
	if got := tm.cmd("showchanges", p4); !strings.Contains(got, "{'standalone': {'': {'delivery.interface': 'Auto', 'delivery.max': '10000', 'delivery.notls': 'Yes', ") {
		t.Errorf("showchanges:\n%s", got)
	}

	// 11.0: rollback yes, no fifth question, no dqconfig.
	out := execInput(t, site, "esa1.example.com", "deliveryconfig", "SETUP\n\n\n\n\n\n")
	if strings.Contains(out, "without TLS") {
		t.Errorf("11.0 deliveryconfig:\n%s", out)
	}
	if out := execOn(t, site, "esa1.example.com", "dqconfig"); !strings.Contains(out, "Unknown command or missing feature key: dqconfig") {
		t.Errorf("11.0 dqconfig:\n%s", out)
	}
	if out := execOn(t, site, "esa3.example.com", "dqconfig"); !strings.Contains(out, "Delayed Quarantine feature is not enabled.") {
		t.Errorf("13.0.3 centralized dqconfig:\n%s", out)
	}
	if out := execOn(t, site, "esa4.example.com", "dqconfig"); !strings.Contains(out, "Delayed Quarantine would be available only when centralized quarantine") {
		t.Errorf("not centralized dqconfig:\n%s", out)
	}

	// The SMA: featurekey without Quantity, clear only, VERSIONS, no GUI.
	out = execOn(t, site, "sma.example.com", "featurekey")
	if !strings.Contains(out, "Module                              Remaining  Expiration Date\n") || strings.Contains(out, "Quantity") ||
		!strings.Contains(out, "Cisco IronPort Centralized Email Reporting  Dormant    Dormant\n") {
		t.Errorf("SMA featurekey:\n%s", out)
	}
	if out := execOn(t, site, "sma.example.com", "clearchanges ; clear"); !strings.Contains(out, "Unknown command or missing feature key: clearchanges") || !strings.Contains(out, "No changes have been made") {
		t.Errorf("SMA clear:\n%s", out)
	}
	if out := execOn(t, site, "sma.example.com", "sslconfig"); !strings.Contains(out, "VERSIONS") || strings.Contains(out, "GUI") {
		t.Errorf("SMA sslconfig:\n%s", out)
	}
	out = execOn(t, site, "sma.example.com", "applianceconfig list ; applianceconfig port")
	if !strings.Contains(out, "Name                    IP Address        Authenticated  Product\nesa1.example.com        10.172.12.21      Yes            Email\n") ||
		!strings.Contains(out, "Port used to connect to appliances: 22\n") {
		t.Errorf("applianceconfig batch:\n%s", out)
	}

	// SERVICES by name or number, looping back to "Enter the".
	before := site.Snapshot("sma.example.com")
	sm := openTerm(t, site, "sma.example.com", 200)
	sp := `sma\.example\.com> $`
	sm.expect(sp)
	sm.cmd("applianceconfig", `\[\]> $`)
	sm.cmd("SERVICES", `Enter the name or number of the appliance you want to configure services for\.\r\n\[\]> $`)
	sm.cmd("nosuch", `No appliance named "nosuch"\.\r\n\r\nEnter the name(.*\r\n)*\[\]> $`)
	sm.cmd("2", `Centralized Policy Quarantine to be enabled\? \[Y\]> $`)
	sm.cmd("", `Safelist/Blocklist to be enabled\? \[N\]> $`)
	sm.cmd("", `Email Reporting to be enabled\? \[Y\]> $`)
	sm.cmd("", `Tracking to be enabled\? \[Y\]> $`)
	sm.cmd("", `Enter the name or number of the appliance you want to configure services for\.\r\n\[\]> $`)
	sm.cmd("", `Choose the operation you want to perform:(.*\r\n)*\[\]> $`)
	sm.cmd("TEST", `Enter the name or number of the appliance to test\.\r\n\[\]> $`)
	if got := sm.cmd("esa1.example.com", `\[\]> $`); !strings.Contains(got, "Connection to esa1.example.com succeeded.") {
		t.Errorf("TEST by name:\n%s", got)
	}
	sm.cmd("", sp)
	sm.cmd("quit", `You have uncommitted changes\.  Are you sure you wish to exit\? \[N\]> $`)
	sm.send("Y\r")
	sm.waitClosed()
	if after := site.Snapshot("sma.example.com"); after != before {
		t.Errorf("quit kept changes:\n%s", after)
	}
}

func TestSetttymodeRefusedAndExpiryReminder(t *testing.T) {
	site := startSite(t, "iaf-paging-refused", Options{})
	tm := openTerm(t, site, "mx.example.com", 12)
	got := tm.expect(`Do you want to change your password now\? \[Y\]> $`)
	if !strings.Contains(got, "Your password will expire in 3 days.") {
		t.Errorf("reminder:\n%s", got)
	}
	tm.cmd("N", esaPrompt)
	if got := tm.cmd("setttymode 0 1", esaPrompt); !strings.Contains(got, "Unknown command: setttymode\r\n") {
		t.Errorf("refused setttymode:\n%s", got)
	}
	tm.cmd("status detail", pagerText)
	tm.send("\x03")
	tm.expect(esaPrompt)
}

func TestForcedPasswordChangeIsRecorded(t *testing.T) {
	site := startSite(t, "login-password-forced", Options{})
	before := site.Snapshot("sma.example.com")
	tm := openTerm(t, site, "sma.example.com", 24)
	tm.expect(`Your password has expired\.  You must change your password now\.\r\nOld Password: $`)
	tm.cmd("ironport", `New Password: $`)
	got := tm.cmd("s3cret-new", `Retype New Password: $`)
	if strings.Contains(got, "s3cret-new") {
		t.Errorf("new password echoed:\n%q", got)
	}
	tm.cmd("s3cret-new", `sma\.example\.com> $`)
	after := site.Snapshot("sma.example.com")
	if after == before || !strings.Contains(after, "password changed: admin\n") {
		t.Errorf("snapshot after a password change:\n%s", after)
	}
}

func TestNoticeCtrlCCreatesAndServicesWithoutDefaults(t *testing.T) {
	site := startSite(t, "iaf-notice-ctrl-c-creates", Options{})
	tm := openTerm(t, site, "esa1.example.com", 200)
	tm.expect(clusterP)
	tm.cmd("dmarcconfig", `\[Y\]> $`)
	tm.send("\x03")
	tm.expect(clusterP)
	if snap := site.Snapshot("esa1.example.com"); !strings.Contains(snap, "pending:\n  [cluster] level.dmarc = empty\n") {
		t.Errorf("Ctrl-C with notice_ctrl_c creates staged nothing:\n%s", snap)
	}
	// SERVICES answered with the current states stages nothing.
	out := execInput(t, site, "sma.example.com", "applianceconfig ; showchanges", "SERVICES\n1\n\n\n\n\n\n\n")
	if !strings.Contains(out, "Tracking to be enabled") || !strings.Contains(out, "\n{}\n") {
		t.Errorf("SERVICES defaults staged a change:\n%s", out)
	}
}
