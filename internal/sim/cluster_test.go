package sim

import (
	"strings"
	"testing"
)

const clusterPrompt = `\(Cluster PVOCluster\)> $`

func TestClusterModesAndRestrictedCommands(t *testing.T) {
	site := startSite(t, "case5-featurekey-mismatch", Options{})
	tm := openTerm(t, site, "esa1.example.com", 200)
	tm.expect(clusterPrompt)

	// featurekey is machine-only: decline, then accept and pick esa2.
	tm.cmd("featurekey", `This command is restricted to "machine" mode\.  Would you like to switch to "machine" mode\? \[Y\]> $`)
	if got := tm.cmd("N", clusterPrompt); !strings.Contains(got, "Command cancelled.") {
		t.Errorf("declined switch: %q", got)
	}
	tm.cmd("featurekey", `\[Y\]> $`)
	got := tm.cmd("Y", `\[1\]> $`)
	if !strings.Contains(got, "Choose a machine:\r\n1. esa1.example.com\r\n2. esa2.example.com\r\n") {
		t.Errorf("machine list:\n%s", got)
	}
	got = tm.cmd("2", `\[\]> $`)
	if !strings.Contains(got, "Module                              Quantity  Remaining  Expiration Date\r\n") ||
		strings.Contains(got, "Data Loss Prevention") || !strings.Contains(got, "Outbreak Filters                    1         287 days   Sun Sep 12 00:00:00 2027\r\n") {
		t.Errorf("esa2 feature keys:\n%s", got)
	}
	tm.cmd("", `\(Machine esa2\.example\.com\)> $`)
	if got := tm.cmd("clustermode machine esa1.example.com", `\(Machine esa1\.example\.com\)> $`); strings.Contains(got, "Unknown") {
		t.Errorf("clustermode machine: %q", got)
	}
	if got := tm.cmd("featurekey", `\[\]> $`); !strings.Contains(got, "Data Loss Prevention                1         287 days") {
		t.Errorf("esa1 feature keys:\n%s", got)
	}
	tm.cmd("", `\(Machine esa1\.example\.com\)> $`)

	// clusterconfig is cluster-only.
	tm.cmd("clusterconfig", `restricted to "cluster" mode\.  Would you like to switch to "cluster" mode\? \[Y\]> $`)
	got = tm.cmd("", `\[\]> $`)
	if !strings.Contains(got, "Cluster PVOCluster\r\n\r\nChoose the operation you want to perform:\r\n- ADDGROUP - Add a cluster group.\r\n") {
		t.Errorf("clusterconfig menu:\n%s", got)
	}
	got = tm.cmd("LIST", `\[\]> $`)
	if !strings.Contains(got, "cluster = PVOCluster\r\nGroup Main_Group:\r\n    Machine esa1.example.com (Serial #: 4229A0B1C2D3-") {
		t.Errorf("LIST:\n%s", got)
	}
	got = tm.cmd("CONNSTATUS", `\[\]> $`)
	if !strings.Contains(got, "Machine esa2.example.com (Serial #: ") || !strings.Contains(got, "): Connected (via SSH, port 22)\r\n") {
		t.Errorf("CONNSTATUS:\n%s", got)
	}
	tm.cmd("", clusterPrompt)

	// The menu form of clustermode [C-IAF]: the kind first, then the
	// machine only because there are two.
	got = tm.cmd("clustermode", `\[1\]> $`)
	if !strings.Contains(got, "Choose the configuration mode you want to edit:\r\n1. Cluster PVOCluster\r\n2. Group Main_Group\r\n3. Machine\r\n") {
		t.Errorf("clustermode menu:\n%s", got)
	}
	tm.cmd("2", `\(Group Main_Group\)> $`)
	tm.cmd("clustermode", `\[1\]> $`)
	if got := tm.cmd("3", `\[1\]> $`); !strings.Contains(got, "Choose a machine.\r\n1. esa1.example.com\r\n2. esa2.example.com\r\n") {
		t.Errorf("clustermode machine list:\n%s", got)
	}
	tm.cmd("2", `\(Machine esa2\.example\.com\)> $`)
	tm.cmd("clustermode cluster", clusterPrompt)
	if got := tm.cmd("clustermode machine nosuch", clusterPrompt); !strings.Contains(got, "Unknown machine: nosuch") {
		t.Errorf("unknown machine: %q", got)
	}

	// Batch form and the SMA, which has no cluster commands.
	out := execOn(t, site, "esa2.example.com", "clusterconfig list ; clusterconfig connstatus")
	if !strings.Contains(out, "    Machine esa2.example.com (Serial #: ") || !strings.Contains(out, "Machine esa1.example.com (Serial #: ") {
		t.Errorf("batch clusterconfig:\n%s", out)
	}
	if out := execOn(t, site, "sma.example.com", "clusterconfig"); !strings.Contains(out, "Unknown command or missing feature key: clusterconfig") {
		t.Errorf("SMA clusterconfig:\n%s", out)
	}
}

// noticeIn reports whether cmd, run on host in mode, opens with the
// [C-IAF] NOTICE ("not defined at this mode"); the NOTICE is declined.
func noticeIn(t *testing.T, site *Site, host, mode, cmd string) bool {
	t.Helper()
	input := "N\n"
	if cmd == "policyconfig" {
		input = "1\nN\n"
	}
	out := execInput(t, site, host, "clustermode "+mode+" ; "+cmd, input)
	return strings.Contains(out, "NOTICE: This configuration command has not yet been configured for the current cluster mode")
}

func TestSettingLevelsSharedAcrossMembers(t *testing.T) {
	site := startSite(t, "case6-machine-level-filters", Options{})
	snap := site.Snapshot("esa1.example.com")
	for _, want := range []string{"  content_filters: cluster, machine:esa2.example.com\n", "  message_filters: cluster\n",
		"  dlp: cluster\n", "  dmarc: cluster, group:Main_Group\n"} {
		if !strings.Contains(snap, want) {
			t.Errorf("levels lack %q:\n%s", want, snap)
		}
	}
	// Where a setting is defined, its command opens its menu; elsewhere
	// the NOTICE.
	for _, tc := range []struct {
		mode, cmd string
		notice    bool
	}{
		{"machine esa2.example.com", "policyconfig", false}, {"machine esa1.example.com", "policyconfig", true},
		{"cluster", "filters", false}, {"group Main_Group", "filters", true},
		{"group Main_Group", "dmarcconfig", false}, {"machine esa2.example.com", "dmarcconfig", true},
	} {
		if got := noticeIn(t, site, "esa1.example.com", tc.mode, tc.cmd); got != tc.notice {
			t.Errorf("%s in %s: NOTICE %v, want %v", tc.cmd, tc.mode, got, tc.notice)
		}
	}
	// Creating a message filter in machine mode on esa2 defines the machine
	// level; once committed, esa1 sees it too.
	tm := openTerm(t, site, "esa2.example.com", 200)
	tm.expect(clusterPrompt)
	tm.cmd("clustermode machine esa2.example.com", `\(Machine esa2\.example\.com\)> $`)
	tm.cmd("filters", `\[2\]> $`)
	tm.cmd("2", `\[\]> $`)
	tm.cmd("NEW", `\[\]> $`)
	tm.cmd("", `> $`)
	if noticeIn(t, site, "esa1.example.com", "machine esa2.example.com", "filters") != true {
		t.Errorf("uncommitted machine-level filter visible elsewhere")
	}
	tm.cmd("commit", `\[\]> $`)
	tm.cmd("", `\[Y\]> $`)
	tm.cmd("", `> $`)
	if noticeIn(t, site, "esa1.example.com", "machine esa2.example.com", "filters") {
		t.Errorf("committed machine-level filter not shared")
	}
	// In machine mode, DELETE removes esa2's machine-level content filters.
	tm.cmd("policyconfig", `\[1\]> $`)
	tm.cmd("1", `\[\]> $`)
	tm.cmd("DELETE", `\[\]> $`)
	tm.cmd("", `> $`)
	tm.cmd("commit", `\[\]> $`)
	tm.cmd("", `\[Y\]> $`)
	tm.cmd("", `> $`)
	snap = site.Snapshot("esa1.example.com")
	if !strings.Contains(snap, "  content_filters: cluster\n") || !strings.Contains(snap, "  message_filters: cluster, machine:esa2.example.com\n") {
		t.Errorf("snapshot levels:\n%s", snap)
	}
}

// deliveryconfig and sslconfig print the NOTICE where their settings are
// not defined, so a fix can change them where they are; standalone, never.
func TestConfigLevelNotices(t *testing.T) {
	site := startSite(t, "cluster-two-esa", Options{})
	for _, cmd := range []string{"deliveryconfig", "sslconfig"} {
		if noticeIn(t, site, "esa1.example.com", "cluster", cmd) || !noticeIn(t, site, "esa1.example.com", "machine esa2.example.com", cmd) {
			t.Errorf("%s: want settings in cluster mode and a NOTICE in machine mode", cmd)
		}
	}
	tm := openTerm(t, site, "esa2.example.com", 200)
	tm.expect(clusterPrompt)
	tm.cmd("clustermode machine esa2.example.com", `\(Machine esa2\.example\.com\)> $`)
	tm.cmd("deliveryconfig", `\[2\]> $`)
	tm.cmd("2", `\[\]> $`)
	tm.cmd("SETUP", `\]> $`)
	tm.cmd("1", `\]> $`)
	for i := 0; i < 4; i++ {
		tm.cmd("", `\]> $`)
	}
	tm.cmd("", `> $`)
	tm.cmd("commit", `\[\]> $`)
	tm.cmd("", `\[Y\]> $`)
	tm.cmd("", `> $`)
	if noticeIn(t, site, "esa1.example.com", "machine esa2.example.com", "deliveryconfig") {
		t.Errorf("deliveryconfig after a machine-level SETUP on esa2 still shows the NOTICE there")
	}
	if !noticeIn(t, site, "esa1.example.com", "machine esa2.example.com", "sslconfig") {
		t.Errorf("sslconfig gained a level it was not set at")
	}
	alone := startSite(t, "healthy", Options{})
	if out := execOn(t, alone, "mx.example.com", "deliveryconfig"); strings.Contains(out, "NOTICE") || strings.Contains(out, "Settings defined at") {
		t.Errorf("standalone deliveryconfig shows a level:\n%s", out)
	}
}
