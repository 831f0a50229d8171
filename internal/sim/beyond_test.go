package sim

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const smaPrompt = `sma\.example\.com> $`

// startYAML serves a scenario written for one test.
func startYAML(t *testing.T, yaml string) *Site {
	t.Helper()
	file := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return startSite(t, file, Options{})
}

const oneESA = `sma:
  hostname: sma.example.com
  interfaces:
    - {name: Management, address: 10.172.12.18/24}
%SMA%esas:
  - hostname: mx.example.com
    interfaces:
      - {name: In, address: 192.168.1.1/24}
      - {name: Management, address: 10.172.12.17/24, hostname: mgmt.example.com}
%ESA%`

func oneESAYAML(sma, esa string) string {
	return strings.NewReplacer("%SMA%", sma, "%ESA%", esa).Replace(oneESA)
}

func wantAll(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

func wantNone(t *testing.T, what, out string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(out, b) {
			t.Errorf("%s has %q:\n%s", what, b, out)
		}
	}
}

const applianceMenu = "Choose the operation you want to perform:\n- ADD - Add a new appliance.\n- EDIT - Modify an appliance.\n" +
	"- DELETE - Remove an appliance.\n- TEST - Test connectivity to an appliance.\n" +
	"- SERVICES - Enable or disable services for appliances.\n- STATUS - Display the status of the appliances.\n" +
	"- PORT - Configure the port used to connect to appliances.\n[]> "

// numberedLists plays the older [I] applianceconfig forms (numbered lists,
// the unconfirmed clear wording) that the IAF defaults replaced.
func numberedLists(sc *Scenario) {
	off := false
	sc.AsyncOS.ApplianceByName, sc.AsyncOS.ClearConfirm = &off, &off
}

func TestApplianceconfigListAndServicesDialog(t *testing.T) {
	site := startSiteWith(t, "cluster-two-esa", numberedLists, Options{})
	out := execOn(t, site, "sma.example.com", "applianceconfig")
	want := "Security Appliances:\n1. esa1.example.com (10.172.12.21) - Email\n2. esa2.example.com (10.172.12.22) - Email\n\n" + applianceMenu
	if !strings.HasPrefix(out, want) {
		t.Errorf("applianceconfig:\n%s\nwant prefix:\n%s", out, want)
	}
	if out := execOn(t, site, "esa1.example.com", "applianceconfig"); !strings.Contains(out, "Unknown command or missing feature key: applianceconfig") {
		t.Errorf("ESA applianceconfig:\n%s", out)
	}

	before := site.Snapshot("sma.example.com")
	tm := openTerm(t, site, "sma.example.com", 200)
	tm.expect(smaPrompt)
	tm.cmd("applianceconfig", `\[\]> $`)
	got := tm.cmd("SERVICES", `\[1\]> $`)
	if !strings.HasSuffix(got, "\r\nChoose the appliance whose services you want to configure:\r\n1. esa1.example.com (10.172.12.21)\r\n2. esa2.example.com (10.172.12.22)\r\n[1]> ") {
		t.Errorf("SERVICES choice:\n%q", got)
	}
	got = tm.cmd("2", `\[Y\]> $`)
	if !strings.HasSuffix(got, "2\r\n\r\nDo you want the Centralized Policy Quarantine to be enabled? [Y]> ") {
		t.Errorf("first question:\n%q", got)
	}
	if got := tm.cmd("", `\[N\]> $`); got != "\r\n\r\nDo you want the Safelist/Blocklist to be enabled? [N]> " {
		t.Errorf("second question: %q", got)
	}
	tm.cmd("", `\r\n\r\nDo you want the Email Reporting to be enabled\? \[Y\]> $`)
	tm.cmd("", `\r\n\r\nDo you want the Tracking to be enabled\? \[Y\]> $`)
	got = tm.cmd("", `\[\]> $`)
	if !strings.Contains(got, "\r\n\r\nSecurity Appliances:\r\n1. esa1.example.com") {
		t.Errorf("after SERVICES:\n%q", got)
	}
	tm.cmd("", smaPrompt)
	// Answering with the defaults still leaves a pending change.
	if !site.Pending("sma.example.com") || !strings.Contains(site.Snapshot("sma.example.com"), "pending:\n  [machine:sma.example.com] appliance.esa2.example.com.pvo = Enabled\n") {
		t.Errorf("no pending change after SERVICES:\n%s", site.Snapshot("sma.example.com"))
	}
	tm.cmd("clearchanges", smaPrompt)
	if after := site.Snapshot("sma.example.com"); after != before {
		t.Errorf("snapshot after SERVICES + clearchanges:\n%s\nbefore:\n%s", after, before)
	}

	// Turning the service off and committing changes the next default.
	tm.cmd("applianceconfig", `\[\]> $`)
	tm.cmd("SERVICES", `\[1\]> $`)
	tm.cmd("1", `Quarantine to be enabled\? \[Y\]> $`)
	tm.cmd("n", `\[N\]> $`)
	tm.cmd("", `\[Y\]> $`)
	tm.cmd("", `\[Y\]> $`)
	tm.cmd("", `\[\]> $`)
	tm.cmd("", smaPrompt)
	tm.cmd("commit", `\[\]> $`)
	if got := tm.cmd("PVO off", smaPrompt); strings.Contains(got, "rollback") || !strings.Contains(got, "Changes committed") {
		t.Errorf("SMA commit:\n%q", got)
	}
	out = execInput(t, site, "sma.example.com", "applianceconfig", "SERVICES\n1\n")
	if !strings.Contains(out, "Do you want the Centralized Policy Quarantine to be enabled? [N]> ") {
		t.Errorf("committed PVO off not the new default:\n%s", out)
	}
}

func TestApplianceconfigServicesDefaultsFromScenario(t *testing.T) {
	for _, tc := range []struct{ scenario, pvo string }{
		{"pvo102-service-off", "[N]"}, {"beyond-multi", "[N]"}, {"healthy", "[Y]"},
	} {
		site := startSiteWith(t, tc.scenario, numberedLists, Options{})
		out := execInput(t, site, "sma.example.com", "applianceconfig ; clearchanges", "SERVICES\n1\n\n\n\n\n\n")
		wantAll(t, tc.scenario, out,
			"Do you want the Centralized Policy Quarantine to be enabled? "+tc.pvo+"> ",
			"Do you want the Safelist/Blocklist to be enabled? [N]> ",
			"Do you want the Email Reporting to be enabled? [Y]> ",
			"Do you want the Tracking to be enabled? [Y]> ",
			"Changes cleared: ")
		if site.Pending("sma.example.com") {
			t.Errorf("%s: pending after clearchanges", tc.scenario)
		}
	}
	site := startSiteWith(t, "pvo102-not-managed", numberedLists, Options{})
	out := execInput(t, site, "sma.example.com", "applianceconfig", "SERVICES\nTEST\n")
	if !strings.HasPrefix(out, "No appliances have been added.\n\n"+applianceMenu) || strings.Count(out, "No appliances have been added.\n") != 5 || strings.Contains(out, "Security Appliances:") {
		t.Errorf("no appliances:\n%s", out)
	}
}

func TestApplianceconfigTest(t *testing.T) {
	for _, tc := range []struct{ scenario, want string }{
		{"healthy", "\nTesting connection to mx.example.com (10.172.12.17)...\nConnection to mx.example.com succeeded.\n\nSecurity Appliances:\n"},
		{"pvo104-release-auth-failure", "\nTesting connection to mx.example.com (10.172.12.17)...\nAuthentication to mx.example.com (10.172.12.17) failed.\n\nSecurity Appliances:\n"},
	} {
		site := startSiteWith(t, tc.scenario, numberedLists, Options{})
		out := execInput(t, site, "sma.example.com", "applianceconfig", "TEST\n1\n")
		wantAll(t, tc.scenario, out, "Choose the appliance to test:\n1. mx.example.com (10.172.12.17)\n[1]> "+tc.want)
		if site.Pending("sma.example.com") {
			t.Errorf("%s: TEST left a pending change", tc.scenario)
		}
	}
	// A row added by a name, one for an appliance that is gone, and an ESA
	// the SMA cannot reach.
	site := startYAML(t, oneESAYAML(`  managed:
    - {name: mx, address: mgmt.example.com, test: cannot_connect}
    - {name: old-mx.example.com, address: 10.172.12.30}
`, ""))
	out := execInput(t, site, "sma.example.com", "applianceconfig", "TEST\n1\nTEST\n2\n")
	wantAll(t, "TEST", out,
		"1. mx (mgmt.example.com) - Email\n2. old-mx.example.com (10.172.12.30) - Email\n",
		"Error while trying to connect to mx (mgmt.example.com): Connection timed out.\n",
		"Error while trying to connect to old-mx.example.com (10.172.12.30): Connection timed out.\n")
}

func TestStatusDetailTransfers(t *testing.T) {
	site := startSite(t, "pvo105-transfers-suspended", Options{})
	out := execOn(t, site, "sma.example.com", "status ; status detail")
	plain, detail, _ := strings.Cut(out, "Counters:")
	if strings.Count(plain, "Centralized transfers:") != 1 || !strings.Contains(plain, "Oldest Message:       No Messages\nCentralized transfers:         Suspended\n\n") {
		t.Errorf("status / status detail:\n%s", out)
	}
	if strings.Contains(detail, "Centralized transfers") || strings.Index(out, "Centralized transfers") < strings.Index(out, "Enter \"status detail\"") {
		t.Errorf("plain status shows transfers, or detail put it elsewhere:\n%s", out)
	}
	out = execOn(t, site, "sma.example.com", "resumetransfers ; resumetransfers ; status detail")
	wantAll(t, "resumetransfers", out, "Transfers resumed.\n", "Transfers are not suspended.\n", "Centralized transfers:         Active\n")
	if out := execOn(t, site, "mx.example.com", "status detail"); strings.Contains(out, "Centralized transfers") {
		t.Errorf("ESA status detail shows SMA transfers:\n%s", out)
	}
}

func TestPVOListenerRefusedMovedDropped(t *testing.T) {
	const probes = "telnet 10.172.12.18 7025 ; telnet 10.172.12.18 6025 ; telnet 10.172.12.18 7055 ; tlsverify the.cpq.host 10.172.12.18:7025"
	const refused = "Trying 10.172.12.18...\ntelnet: connect to address 10.172.12.18: Connection refused\ntelnet: Unable to connect to remote host\n"
	const connected = "Trying 10.172.12.18...\nConnected to 10.172.12.18.\nEscape character is '^]'.\n220 sma.example.com ESMTP\nConnection closed by foreign host.\n"

	site := startSite(t, "pvo101-port-refused", Options{})
	out := execOn(t, site, "mx.example.com", probes)
	if !strings.HasPrefix(out, refused+"\n"+connected+"\n"+refused) {
		t.Errorf("PVO service off, probes:\n%s", out)
	}
	wantAll(t, "tlsverify", out, "Connection to 10.172.12.18 failed: Connection refused.\n")
	svc := execOn(t, site, "sma.example.com", "tcpservices ; resume")
	wantAll(t, "tcpservices", svc, "euq_listener  2001  IPv4  TCP  10.172.12.18:6025", "No listeners were resumed.")
	wantNone(t, "tcpservices", svc, "cpq_listener")

	site = startSite(t, "pvo101-port-moved", Options{})
	out = execOn(t, site, "mx.example.com", probes)
	if !strings.HasPrefix(out, refused+"\n"+connected+"\n"+connected) {
		t.Errorf("PVO on 7055, probes:\n%s", out)
	}
	wantAll(t, "tcpservices", execOn(t, site, "sma.example.com", "tcpservices"), "cpq_listener  2002  IPv4  TCP  10.172.12.18:7055")

	site = startSite(t, "healthy", Options{})
	wantAll(t, "healthy tcpservices", execOn(t, site, "sma.example.com", "tcpservices"), "cpq_listener  2002  IPv4  TCP  10.172.12.18:7025")
	if out := execOn(t, site, "mx.example.com", probes); !strings.HasPrefix(out, connected+"\n"+connected+"\n"+refused) {
		t.Errorf("healthy probes:\n%s", out)
	}

	// The firewall drops 7025 silently; 6025 passes.
	site = startSite(t, "pvo101-firewall-drop", Options{})
	out = execOn(t, site, "mx.example.com", "telnet 10.172.12.18 6025 ; tlsverify the.cpq.host 10.172.12.18:7025")
	wantAll(t, "firewall", out, connected, "Connection to 10.172.12.18 failed: Operation timed out.\n")
	tm := openTerm(t, site, "mx.example.com", 200)
	tm.expect(esaPrompt)
	tm.cmd("telnet 10.172.12.18 7025", `Trying 10\.172\.12\.18\.\.\.\r\n$`)
	tm.send("\x03")
	tm.expect(`^\^C\r\n` + esaPrompt)
	if out := execOn(t, site, "mx.example.com", `grep "port: 7025" mail_logs`); !strings.Contains(out, "Connection Error: DCID 3385750") {
		t.Errorf("firewall mail_logs:\n%s", out)
	}
}

func TestSMATelnetToESAPVOListener(t *testing.T) {
	site := startSite(t, "healthy", Options{})
	out := execOn(t, site, "sma.example.com", "telnet 10.172.12.17 7025 ; telnet 10.172.12.17 443")
	wantAll(t, "SMA telnet", out,
		"Trying 10.172.12.17...\nConnected to 10.172.12.17.\nEscape character is '^]'.\n220 mx.example.com ESMTP\n",
		"telnet: connect to address 10.172.12.17: Connection refused\n")
	tm := openTerm(t, site, "sma.example.com", 200)
	tm.expect(smaPrompt)
	got := tm.cmd("telnet", `\[1\]> $`)
	if !strings.Contains(got, "1. Auto\r\n2. Management (10.172.12.18/24: sma.example.com)\r\n") {
		t.Errorf("SMA telnet interfaces:\n%s", got)
	}
	tm.cmd("2", `\[\]> $`)
	tm.cmd("mgmt.example.com", `\[25\]> $`)
	tm.cmd("7025", `220 mx\.example\.com ESMTP\r\n$`)
	tm.cmd("QUIT", smaPrompt)

	for _, r := range []struct{ reach, want string }{
		{"timeout", "telnet: connect to address 10.172.12.17: Operation timed out\n"},
		{"refused", "telnet: connect to address 10.172.12.17: Connection refused\n"},
	} {
		site := startYAML(t, oneESAYAML("", "    reach_from_sma: "+r.reach+"\n"))
		out := execOn(t, site, "sma.example.com", "telnet 10.172.12.17 7025 ; telnet 10.172.12.17 22")
		wantAll(t, r.reach, out, r.want, "SSH-2.0-OpenSSH_8.0\n")
		// reach_from_sma is the SMA's path only: the ESA still reaches the SMA.
		if out := execOn(t, site, "mx.example.com", "telnet 10.172.12.18 7025"); !strings.Contains(out, "220 sma.example.com ESMTP") {
			t.Errorf("%s: ESA to SMA:\n%s", r.reach, out)
		}
	}
}

const quotaHealthy = "Service                                   Disk Usage(GB)   Quota(GB)\n" +
	"Spam Quarantine (EUQ)                     0.4              5\n" +
	"Policy, Virus & Outbreak Quarantines      1.0              10\n" +
	"Reporting                                 12.0             50\n" +
	"Tracking                                  3.1              20\n" +
	"Miscellaneous Files                       0.2              5\n" +
	"Total                                     16.7             90 of 200\n\n" +
	"Choose the operation you want to perform:\n- EDIT - Edit disk quotas\n[]> "

func TestDiskquotaconfig(t *testing.T) {
	site := startSite(t, "healthy", Options{})
	for _, host := range []string{"sma.example.com", "mx.example.com"} {
		if out := execOn(t, site, host, "diskquotaconfig"); !strings.HasPrefix(out, quotaHealthy) {
			t.Errorf("%s diskquotaconfig:\n%s\nwant prefix:\n%s", host, out, quotaHealthy)
		}
	}
	site = startSite(t, "pvo107-quota-full", Options{})
	out := execInput(t, site, "sma.example.com", "diskquotaconfig", "EDIT\n")
	wantAll(t, "full quota", out, "Policy, Virus & Outbreak Quarantines      9.9              10\n",
		"Total                                     25.6             90 of 200\n", "This operation is not available in the simulator.")
	if strings.Count(out, "Service  ") != 2 || site.Pending("sma.example.com") {
		t.Errorf("EDIT should redisplay the table and change nothing:\n%s", out)
	}
	if out := execOn(t, site, "mx.example.com", "diskquotaconfig"); !strings.HasPrefix(out, quotaHealthy) {
		t.Errorf("ESA quota follows the SMA's:\n%s", out)
	}
	site = startYAML(t, oneESAYAML("  disk_quota: {pvo: {quota: 2.5}, misc: {usage: 0}}\n  disk_available: 150\n", ""))
	wantAll(t, "partial quota", execOn(t, site, "sma.example.com", "diskquotaconfig"),
		"Policy, Virus & Outbreak Quarantines      1.0              2.5\n", "Miscellaneous Files                       0.0              5\n",
		"Total                                     16.5             82.5 of 150\n")
}

const quarantineTable = "    Quarantine Name        Space Used   Messages   Retention   Default Action\n" +
	" 1. Outbreak               %s\n" +
	" 2. Policy                 0M           0          10d         Delete\n" +
	" 3. Unclassified           0M           0          30d         Release\n" +
	" 4. Virus                  %s\n" +
	" 5. File Analysis          0M           0          1h          Release\n\n" +
	"The allocated size for quarantines is 3G. The used size is %s.\n\n" +
	"Choose the operation you want to perform:\n- NEW - Create a new quarantine.\n- EDIT - Edit a quarantine.\n" +
	"- DELETE - Remove a quarantine.\n- OUTBREAKMANAGE - Manage resources for Outbreak Filters.\n[]> "

// quarantineWant fills the table's three blanks in order.
func quarantineWant(outbreak, virus, used string) string {
	s := quarantineTable
	for _, v := range []string{outbreak, virus, used} {
		s = strings.Replace(s, "%s", v, 1)
	}
	return s
}

func TestQuarantineconfig(t *testing.T) {
	site := startSite(t, "healthy", Options{})
	want := quarantineWant("0M           0          12h         Release", "0M           0          30d         Delete", "0M")
	if out := execOn(t, site, "mx.example.com", "quarantineconfig"); out[:len(want)] != want {
		t.Errorf("healthy quarantineconfig:\n%s\nwant prefix:\n%s", out, want)
	}
	if out := execOn(t, site, "sma.example.com", "quarantineconfig"); !strings.Contains(out, "Unknown command or missing feature key: quarantineconfig") {
		t.Errorf("SMA quarantineconfig:\n%s", out)
	}
	site = startSite(t, "pvo108-local-messages", Options{})
	want = "Note: Policy, Virus and Outbreak Quarantines are centralized on sma.example.com.\n\n" +
		quarantineWant("0.1M         12         12h         Release", "0.1M         3          30d         Delete", "0.1M")
	out := execInput(t, site, "mx.example.com", "quarantineconfig", "EDIT\n")
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "This operation is not available in the simulator.") {
		t.Errorf("local messages:\n%s\nwant prefix:\n%s", out, want)
	}
	if got := quarantineSize(200); got != "1.6M" {
		t.Errorf("quarantineSize(200) = %s", got)
	}
}

func TestQuarantineconfigLevelsAndMissingMember(t *testing.T) {
	site := startSite(t, "pvo103-member-missing", Options{})
	out := execOn(t, site, "esa1.example.com", "quarantineconfig")
	if !strings.HasPrefix(out, "    Quarantine Name") {
		t.Errorf("PVO settings at cluster level:\n%s", out)
	}
	if noticeIn(t, site, "esa1.example.com", "machine esa2.example.com", "quarantineconfig") || !noticeIn(t, site, "esa1.example.com", "machine esa1.example.com", "quarantineconfig") {
		t.Errorf("the machine-level PVO settings are not esa2's alone")
	}
	if snap := site.Snapshot("esa1.example.com"); !strings.Contains(snap, "  pvo: cluster, machine:esa2.example.com\n") {
		t.Errorf("snapshot levels:\n%s", snap)
	}
	out = execOn(t, site, "sma.example.com", "applianceconfig")
	if !strings.HasPrefix(out, "Security Appliances:\n1. esa1.example.com (10.172.12.21) - Email\n\n") {
		t.Errorf("SMA list with a member missing:\n%s", out)
	}
	site = startSite(t, "cluster-two-esa", Options{})
	if !noticeIn(t, site, "esa2.example.com", "machine esa2.example.com", "quarantineconfig") {
		t.Errorf("healthy cluster: PVO settings below cluster level")
	}
	if out := execOn(t, startSite(t, "healthy", Options{}), "mx.example.com", "quarantineconfig"); strings.Contains(out, "NOTICE") {
		t.Errorf("standalone shows a NOTICE:\n%s", out)
	}
}

func TestInterfaceconfigPerMember(t *testing.T) {
	site := startSite(t, "pvo103-interface-mismatch", Options{})
	tm := openTerm(t, site, "esa1.example.com", 200)
	tm.expect(clusterPrompt)
	tm.cmd("interfaceconfig", `restricted to "machine" mode\.  Would you like to switch to "machine" mode\? \[Y\]> $`)
	tm.cmd("", `\[1\]> $`)
	got := tm.cmd("2", `\[\]> $`)
	want := "Currently configured interfaces:\r\n1. data_1 (192.168.1.12/24 on Data1: esa2.example.com)\r\n" +
		"2. Management (10.172.12.22/24 on Management: esa2-mgmt.example.com)\r\n\r\n" +
		"Choose the operation you want to perform:\r\n- NEW - Create a new interface.\r\n- EDIT - Modify an interface.\r\n" +
		"- GROUPS - Define interface groups.\r\n- DELETE - Remove an interface.\r\n[]> "
	if !strings.HasSuffix(got, want) {
		t.Errorf("esa2 interfaceconfig:\n%q\nwant suffix:\n%q", got, want)
	}
	tm.cmd("", `\(Machine esa2\.example\.com\)> $`)
	out := execOn(t, site, "esa2.example.com", "clustermode machine esa1.example.com ; interfaceconfig")
	wantAll(t, "esa1 interfaceconfig", out, "1. Data1 (192.168.1.11/24 on Data1: esa1.example.com)\n")
	// Standalone: no switch, default port names.
	out = execOn(t, startSite(t, "healthy", Options{}), "mx.example.com", "interfaceconfig")
	if !strings.HasPrefix(out, "Currently configured interfaces:\n1. In (192.168.1.1/24 on Data1: mx.example.com)\n2. Management (10.172.12.17/24 on Management: mgmt.example.com)\n\n") {
		t.Errorf("standalone interfaceconfig:\n%s", out)
	}
}

func TestVersionsAndExpiredKeys(t *testing.T) {
	for _, tc := range []struct{ scenario, esa, sma string }{
		{"pvo106-esa-newer", "15.0.0-104", "14.2.0-224"},
		{"pvo106-old-releases", "7.6.3-023", "8.0.0-404"},
	} {
		site := startSite(t, tc.scenario, Options{})
		wantAll(t, tc.scenario, execOn(t, site, "mx.example.com", "version"), "Version: "+tc.esa+"\n")
		wantAll(t, tc.scenario, execOn(t, site, "sma.example.com", "version"), "Version: "+tc.sma+"\n")
	}
	site := startSite(t, "pvo109-outbreak-expired", Options{})
	out := execOn(t, site, "mx.example.com", "featurekey")
	wantAll(t, "featurekey", out, "Outbreak Filters                    1         Expired    Mon Nov 23 00:00:00 2026\n",
		"Sophos Anti-Virus                   1         287 days   Sun Sep 12 00:00:00 2027\n")
}

// TestHealthyScenariosHealthyBeyondSix checks, through the CLI, every fact
// PVO-101…109 read on the scenarios that claim to have no fault.
func TestHealthyScenariosHealthyBeyondSix(t *testing.T) {
	keyBad := regexp.MustCompile(`(?m)^(Outbreak Filters|Sophos Anti-Virus|McAfee Anti-Virus)\s+\S+\s+(Expired|Dormant|0 days)`)
	for _, name := range []string{"healthy", "cluster-two-esa", "site-pre95", "site-95plus"} {
		t.Run(name, func(t *testing.T) {
			site := startSiteWith(t, name, numberedLists, Options{})
			const sma = "sma.example.com"
			out := execOn(t, site, sma, "status detail ; tcpservices ; diskquotaconfig")
			wantAll(t, "SMA", out, "Centralized transfers:         Active\n",
				"cpq_listener  2002  IPv4  TCP  10.172.12.18:7025", "Policy, Virus & Outbreak Quarantines      1.0              10\n")
			list := execOn(t, site, sma, "applianceconfig")
			n := 0
			for _, ap := range site.Appliances() {
				if ap.Role != "esa" {
					continue
				}
				n++
				if !strings.Contains(list, ". "+ap.Hostname+" (") {
					t.Errorf("SMA does not manage %s:\n%s", ap.Hostname, list)
				}
				esa := site.sc.esa(ap.Hostname)
				ip := esa.addressFor(site.sc.SMA.pvoInterface())
				if out := execOn(t, site, sma, "telnet "+ip+" 7025"); !strings.Contains(out, "220 "+ap.Hostname+" ESMTP") {
					t.Errorf("SMA cannot reach %s:7025:\n%s", ap.Hostname, out)
				}
				out := execOn(t, site, ap.Hostname, "quarantineconfig ; telnet "+site.SMAPVOHost()+" 6025")
				if regexp.MustCompile(`(?m)^ \d\. .*\s[1-9]\d*\s+\d+[hd]\s`).MatchString(out) || strings.Contains(out, "Note:") {
					t.Errorf("%s: local PVO messages or centralized:\n%s", ap.Hostname, out)
				}
				wantAll(t, ap.Hostname, out, "220 sma.example.com ESMTP")
				fk := execOn(t, site, ap.Hostname, "clustermode machine "+ap.Hostname+" ; featurekey")
				if keyBad.MatchString(fk) || !strings.Contains(fk, "Outbreak Filters") {
					t.Errorf("%s: a key expired or missing:\n%s", ap.Hostname, fk)
				}
			}
			// The first round takes the default appliance, the others name each.
			input := "SERVICES\n\n\n\n\n\nTEST\n\n"
			for i := 1; i <= n; i++ {
				input += "SERVICES\n" + strconv.Itoa(i) + "\n\n\n\n\nTEST\n" + strconv.Itoa(i) + "\n"
			}
			out = execInput(t, site, sma, "applianceconfig ; clearchanges", input)
			if c := strings.Count(out, "Quarantine to be enabled? [Y]> "); c != n+1 || strings.Contains(out, "Quarantine to be enabled? [N]") {
				t.Errorf("PVO service not enabled for all %d ESAs (%d):\n%s", n, c, out)
			}
			if c := strings.Count(out, " succeeded.\n"); c != n+1 || strings.Contains(out, "failed") || strings.Contains(out, "Error") {
				t.Errorf("TEST not successful for all %d ESAs (%d):\n%s", n, c, out)
			}
		})
	}
}

// TestReadingLeavesNoTrace runs every read the new rules need, the SERVICES
// read included, and wants every snapshot unchanged.
func TestReadingLeavesNoTrace(t *testing.T) {
	for _, name := range []string{"beyond-multi", "pvo103-member-missing"} {
		site := startSite(t, name, Options{})
		before := map[string]string{}
		for _, ap := range site.Appliances() {
			before[ap.Hostname] = site.Snapshot(ap.Hostname)
		}
		for _, ap := range site.Appliances() {
			if ap.Role == "sma" {
				execInput(t, site, ap.Hostname, "status detail ; tcpservices ; diskquotaconfig ; telnet 10.172.12.21 7025 ; applianceconfig ; clearchanges",
					"SERVICES\n1\n\n\n\n\nTEST\n1\n\n")
				continue
			}
			execOn(t, site, ap.Hostname, "quarantineconfig ; diskquotaconfig ; clustermode machine "+ap.Hostname+" ; interfaceconfig ; featurekey ; telnet 10.172.12.18 6025")
		}
		for _, ap := range site.Appliances() {
			if got := site.Snapshot(ap.Hostname); got != before[ap.Hostname] || site.Pending(ap.Hostname) {
				t.Errorf("%s %s changed:\n%s\nbefore:\n%s", name, ap.Hostname, got, before[ap.Hostname])
			}
		}
	}
}

func TestBeyondScenarioErrors(t *testing.T) {
	for _, tc := range []struct{ sma, esa, want string }{
		{"", "    pvo_listener: off\n", `:10: pvo_listener is an sma field`},
		{"", "    reach_from_sma: maybe\n", `:10: reach_from_sma "maybe" is not one of`},
		{"", "    quarantines: {messages: {Spam: 3}}\n", `:10: quarantine "Spam" is not one of`},
		{"  reach_from_sma: timeout\n", "", `:5: reach_from_sma is an esa field`},
		{"  pvo_port_actual: 6025\n", "", `:5: pvo_port_actual 6025 is not a free port`},
		{"  managed:\n    - {name: gone.example.com}\n", "", `:6: managed appliance gone.example.com is no esa of the scenario and has no address`},
		{"  managed:\n    - {name: mx.example.com, services: {spam: true}}\n", "", `:6: service "spam" is not one of`},
		{"  managed:\n    - {name: mx.example.com, test: maybe}\n", "", `:6: test "maybe" is not one of`},
		{"  managed:\n    - {name: mx.example.com}\n    - {name: MX.example.com}\n", "", `:7: managed appliance MX.example.com listed twice`},
		{"  disk_quota: {archive: {usage: 1}}\n", "", `:5: disk quota "archive" is not one of`},
		{"  disk_quota: {pvo: {quota: 0}}\n", "", `:5: disk quota pvo needs usage >= 0 and quota > 0`},
	} {
		file := filepath.Join(t.TempDir(), "bad.yaml")
		if err := os.WriteFile(file, []byte(oneESAYAML(tc.sma, tc.esa)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadScenario(file)
		if err == nil {
			t.Errorf("accepted sma %q esa %q", tc.sma, tc.esa)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, file+":") || !regexp.MustCompile(tc.want).MatchString(msg) || strings.Contains(msg, "\n") {
			t.Errorf("error %q, want /%s/ on one line", msg, tc.want)
		}
	}
	sc, err := ParseScenario("none.yaml", "none", []byte(oneESAYAML("  managed: []\n", "")))
	if err != nil || sc.SMA.Managed == nil || len(sc.SMA.Managed) != 0 {
		t.Errorf("managed: [] should mean no appliances: %+v, %v", sc.SMA.Managed, err)
	}
	sc, err = ParseScenario("dflt.yaml", "dflt", []byte(oneESAYAML("", "")))
	if err != nil || len(sc.SMA.Managed) != 1 || sc.SMA.Managed[0].Address != "10.172.12.17" || !*sc.SMA.PVOListener || sc.SMA.PVOPortActual != 7025 {
		t.Errorf("defaults: %+v, %v", sc.SMA, err)
	}
}
