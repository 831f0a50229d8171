package asyncos

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// levelCommands is the one map from a clusterable setting to the command
// that configures it and prints its "Settings defined at:" line: PVO-006's
// four first, in report order, then the two --fix changes.
var levelCommands = []struct {
	command string
	setting facts.Setting
}{
	{"policyconfig", facts.SettingContentFilters},
	{"filters", facts.SettingMessageFilters},
	{"dlpconfig", facts.SettingDLP},
	{"dmarcconfig", facts.SettingDMARC},
	{"deliveryconfig", facts.SettingDelivery},
	{"sslconfig", facts.SettingOutboundTLS},
}

// SettingForCommand names the clusterable setting a command shows the
// levels of (policyconfig, filters, dlpconfig, dmarcconfig,
// deliveryconfig, sslconfig).
func SettingForCommand(name string) (facts.Setting, bool) {
	for _, lc := range levelCommands {
		if strings.EqualFold(lc.command, name) {
			return lc.setting, true
		}
	}
	return "", false
}

// CommandForSetting is the command that configures setting; "" if none.
func CommandForSetting(setting facts.Setting) string {
	for _, lc := range levelCommands {
		if lc.setting == setting {
			return lc.command
		}
	}
	return ""
}

// ClusterLevelCommands are the commands whose levels PVO-006 reads, in
// report order.
func ClusterLevelCommands() []string {
	var out []string
	for _, s := range facts.ClusterSettings {
		out = append(out, CommandForSetting(s))
	}
	return out
}

// ReadLevel is the one reader of a "Settings defined at:" line: the level
// of setting in text (its command's output), read in mode (the clustermode
// the session was in, "" if unknown). A text without the line, or with a
// level it does not know, is an error: then nobody can say where the
// setting lives, and a fix must not guess.
func ReadLevel(text string, setting facts.Setting, mode string) (*facts.SettingLevel, error) {
	sl, _, err := ParseSettingLevel(text, setting)
	if err != nil {
		return nil, err
	}
	sl.Mode = mode
	return sl, nil
}

// recordLevel files, in a cluster, the level line of a command that also
// has its own parser (deliveryconfig, sslconfig), as read in mode. A
// standalone appliance prints no such line, and then nothing is recorded.
func recordLevel(app *facts.Appliance, command, text, mode string) {
	s, ok := SettingForCommand(command)
	if !ok || mode == "" {
		return
	}
	sl, err := ReadLevel(text, s, mode)
	if err != nil {
		return
	}
	if app.SettingLevels == nil {
		app.SettingLevels = map[facts.Setting]*facts.SettingLevel{}
	}
	app.SettingLevels[s] = sl
}

// ModeOf is the clustermode argument that returns to the mode a prompt
// shows ("cluster", "group g", "machine m"); "" for a standalone prompt.
// It reads the prompt the way a saved session's prompts are read.
func ModeOf(prompt string) string {
	cmds, err := sessionlog.SplitString(strings.TrimSpace(prompt) + " version\n")
	if err != nil || len(cmds) == 0 {
		return ""
	}
	return modeArg(cmds[0].Mode)
}

// modeArg is the clustermode argument of a saved prompt's mode.
func modeArg(m sessionlog.Mode) string {
	switch m.Level {
	case "":
		return ""
	case "cluster":
		return "cluster"
	}
	return m.Level + " " + m.Name
}

// ParseSettingLevel reads the [I] line "Settings defined at: Cluster c;
// Machine m" that setting's command prints first in a cluster. Without it
// nothing is known (a standalone appliance prints none), which is an error
// rather than an empty list: an empty list would claim "defined nowhere".
func ParseSettingLevel(text string, setting facts.Setting) (*facts.SettingLevel, []facts.Warning, error) {
	cmd := CommandForSetting(setting)
	if cmd == "" {
		cmd = string(setting)
	}
	ls, err := begin(cmd, text)
	if err != nil {
		return nil, nil, err
	}
	sl, err := settingLevel(cmd, ls, setting)
	if err != nil {
		return nil, nil, err
	}
	if sl == nil {
		return nil, nil, parseErr(cmd, 0, "", errors.New(`no "Settings defined at:" line`))
	}
	return sl, nil, nil
}

func isSettingsLine(t string) bool {
	_, ok := cutPrefixFold(strings.TrimSpace(t), "settings defined at")
	return ok
}

// settingLevel reads the last "Settings defined at:" line of ls; nil when
// there is none.
func settingLevel(cmd string, ls []string, setting facts.Setting) (*facts.SettingLevel, error) {
	var sl *facts.SettingLevel
	for i, l := range ls {
		t := strings.TrimSpace(l)
		rest, ok := cutPrefixFold(t, "settings defined at")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
		defs := []facts.LevelDefinition{}
		if strings.EqualFold(strings.TrimSuffix(rest, "."), "none") {
			// Defined nowhere: collected, and empty.
			sl = &facts.SettingLevel{Setting: setting, Definitions: defs, Evidence: evidence(cmd)}
			addEvidence(&sl.Evidence, t)
			continue
		}
		for _, part := range strings.Split(rest, ";") {
			part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "."))
			if part == "" {
				continue
			}
			word, name, _ := strings.Cut(part, " ")
			var lv facts.Level
			switch strings.ToLower(word) {
			case "cluster":
				lv = facts.LevelCluster
			case "group":
				lv = facts.LevelGroup
			case "machine":
				lv = facts.LevelMachine
			default:
				return nil, parseErr(cmd, i+1, l, fmt.Errorf("unknown level %q", word))
			}
			defs = append(defs, facts.LevelDefinition{Level: lv, Name: strings.TrimSpace(name)})
		}
		if len(defs) == 0 {
			return nil, parseErr(cmd, i+1, l, errors.New(`no levels listed (not even "None")`))
		}
		sl = &facts.SettingLevel{Setting: setting, Definitions: defs, Evidence: evidence(cmd)}
		addEvidence(&sl.Evidence, t)
	}
	return sl, nil
}
