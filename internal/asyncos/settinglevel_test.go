package asyncos

import (
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func TestModeOf(t *testing.T) {
	for prompt, want := range map[string]string{
		"(Cluster PVOCluster)> ":       "cluster",
		"(Machine esa1.example.com)> ": "machine esa1.example.com",
		"(Group Main_Group)> ":         "group Main_Group",
		"mx.example.com> ":             "",
		"":                             "",
	} {
		if got := ModeOf(prompt); got != want {
			t.Errorf("ModeOf(%q) = %q, want %q", prompt, got, want)
		}
	}
}

// TestSettingCommands: the one setting-to-command map reads both ways.
func TestSettingCommands(t *testing.T) {
	for _, s := range append(append([]facts.Setting{}, facts.ClusterSettings...), facts.SettingDelivery, facts.SettingOutboundTLS, facts.SettingPVO) {
		cmd := CommandForSetting(s)
		if got, ok := SettingForCommand(cmd); cmd == "" || !ok || got != s {
			t.Errorf("%s: command %q maps back to %q, %v", s, cmd, got, ok)
		}
	}
	if got := ClusterLevelCommands(); len(got) != 4 || got[0] != "policyconfig" || got[3] != "dmarcconfig" {
		t.Errorf("ClusterLevelCommands() = %v", got)
	}
}

const (
	noticeMenu = "NOTICE: This configuration command has not yet been configured for the current cluster mode (Machine esa1.example.com).\n\n" +
		"What would you like to do?\n1. Switch modes to edit at mode \"Cluster PVOCluster\".\n" +
		"2. Start a new, empty configuration at the current mode (Machine esa1.example.com).\n" +
		"3. Copy settings from another cluster mode to the current mode (Machine esa1.example.com).\n[2]> 1\n\n" +
		"Message Filters\n\nChoose the operation you want to perform:\n- NEW - Create a new message filter at this level.\n[]> \n"
	noticeYN = "NOTICE: This configuration command has not yet been configured for the current cluster mode (Group Main_Group).\n\n" +
		"Do you want to start a new, empty configuration at the current mode (Group Main_Group)? [Y]> N\n"
	definedHere = "Message Filters\n\nChoose the operation you want to perform:\n- NEW - Create a new message filter at this level.\n[]> \n"
)

// TestReadLevels: a mode is a definition exactly when the command shows
// no NOTICE there; unread modes leave the level unknown unless an
// override below cluster level is proven.
func TestReadLevels(t *testing.T) {
	modes := []string{"cluster", "group Main_Group", "machine esa1.example.com", "machine esa2.example.com"}
	all := []LevelBlock{{"cluster", definedHere}, {"group Main_Group", noticeYN}, {"machine esa1.example.com", noticeMenu}, {"machine esa2.example.com", definedHere}}
	sl, err := ReadLevels(facts.SettingMessageFilters, "C", all, modes)
	want := []facts.LevelDefinition{{Level: facts.LevelCluster, Name: "C"}, {Level: facts.LevelMachine, Name: "esa2.example.com"}}
	if err != nil || len(sl.Definitions) != 2 || sl.Definitions[0] != want[0] || sl.Definitions[1] != want[1] || sl.Command != "filters" {
		t.Fatalf("got %+v, %v", sl, err)
	}
	// At cluster level only, read in every mode.
	clusterOnly := []LevelBlock{{"cluster", definedHere}, {"group Main_Group", noticeYN}, {"machine esa1.example.com", noticeMenu}, {"machine esa2.example.com", noticeMenu}}
	if sl, err := ReadLevels(facts.SettingMessageFilters, "C", clusterOnly, modes); err != nil || len(sl.Definitions) != 1 || sl.Definitions[0].Level != facts.LevelCluster {
		t.Errorf("cluster only: %+v, %v", sl, err)
	}
	// A mode not read: "cluster only" cannot be claimed...
	if _, err := ReadLevels(facts.SettingMessageFilters, "C", clusterOnly[:3], modes); err == nil || !strings.Contains(err.Error(), "machine esa2.example.com") {
		t.Errorf("a missing mode decided the level: %v", err)
	}
	// ...but a proven machine-level override stands, beside the cluster
	// level esa1's NOTICE names ("Switch modes to edit at mode").
	if sl, err := ReadLevels(facts.SettingMessageFilters, "C", all[2:], modes); err != nil || len(sl.Definitions) != 2 ||
		sl.Definitions[0] != want[0] || sl.Definitions[1] != want[1] {
		t.Errorf("proven override: %+v, %v", sl, err)
	}
	// A refused command reads nothing.
	refused := []LevelBlock{{"cluster", "Unknown command or missing feature key: dlpconfig\n"}}
	if _, err := ReadLevels(facts.SettingDLP, "C", refused, []string{"cluster"}); err == nil {
		t.Error("a refused command decided a level")
	}
	// Without any NOTICE, only policyconfig's menu means "defined here".
	shown := []LevelBlock{{"cluster", "Default interface to deliver mail: In\n"}}
	if _, err := ReadLevels(facts.SettingDelivery, "C", shown, []string{"cluster"}); err == nil {
		t.Error("deliveryconfig with no NOTICE anywhere decided a level")
	}
}

func TestStripNotice(t *testing.T) {
	if got := StripNotice(noticeYN); got != "" {
		t.Errorf("declined NOTICE left %q", got)
	}
	if got := StripNotice(noticeMenu); !strings.HasPrefix(strings.TrimSpace(got), "Message Filters") {
		t.Errorf("switched NOTICE left %q", got)
	}
	if got := StripNotice(definedHere); got != definedHere {
		t.Errorf("no NOTICE changed the text: %q", got)
	}
}

func TestLevelDialogNeverAgrees(t *testing.T) {
	for _, cmd := range LevelCommands() {
		for _, st := range LevelDialog(cmd) {
			if st.Default || strings.EqualFold(st.Answer, "Y") || st.Answer == "2" || st.Answer == "3" || !st.Optional {
				t.Errorf("%s: step %+v may create a configuration", cmd, st)
			}
		}
	}
}

// CLUSTERSHOW, where read, is quoted beside the definition it confirms.
func TestReadLevelsQuotesClusterShow(t *testing.T) {
	shown := "Incoming Mail Policy Configuration\n\nChoose the operation you want to perform:\n- CLUSTERSHOW - Display how policies are configured in a cluster.\n[]> CLUSTERSHOW\n\n" +
		"Settings are configured at these modes:\n  Cluster C\n  Machine esa2.example.com\n\nChoose the operation you want to perform:\n[]> \n"
	sl, err := ReadLevels(facts.SettingContentFilters, "C", []LevelBlock{{"cluster", shown}}, []string{"cluster"})
	if err != nil || len(sl.Lines) != 1 || !strings.HasSuffix(sl.Lines[0], "; CLUSTERSHOW: Cluster C; Machine esa2.example.com") {
		t.Errorf("got %+v, %v", sl, err)
	}
}
