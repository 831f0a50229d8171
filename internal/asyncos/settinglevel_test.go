package asyncos

import (
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
	for _, s := range append(append([]facts.Setting{}, facts.ClusterSettings...), facts.SettingDelivery, facts.SettingOutboundTLS) {
		cmd := CommandForSetting(s)
		if got, ok := SettingForCommand(cmd); cmd == "" || !ok || got != s {
			t.Errorf("%s: command %q maps back to %q, %v", s, cmd, got, ok)
		}
	}
	if got := ClusterLevelCommands(); len(got) != 4 || got[0] != "policyconfig" || got[3] != "dmarcconfig" {
		t.Errorf("ClusterLevelCommands() = %v", got)
	}
}

// TestReadLevelInSession: deliveryconfig and sslconfig in a cluster file
// their level, per the mode they were read in; standalone, nothing.
func TestReadLevelInSession(t *testing.T) {
	text := "Settings defined at: Cluster PVOCluster; Machine esa2.example.com\n\nDefault interface to deliver mail: In\n"
	sl, err := ReadLevel(text, facts.SettingDelivery, "machine esa2.example.com")
	if err != nil || sl.Mode != "machine esa2.example.com" || len(sl.Definitions) != 2 || sl.Definitions[1].Level != facts.LevelMachine {
		t.Fatalf("ReadLevel = %+v, %v", sl, err)
	}
	app := &facts.Appliance{}
	recordLevel(app, "deliveryconfig", text, "")
	if app.SettingLevels != nil {
		t.Errorf("recorded a level outside any cluster mode: %+v", app.SettingLevels)
	}
	recordLevel(app, "deliveryconfig", text, "cluster")
	if app.SettingLevels[facts.SettingDelivery] == nil {
		t.Errorf("no delivery level recorded in cluster mode")
	}
}
