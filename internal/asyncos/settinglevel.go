package asyncos

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// levelCommands maps each command that prints a "Settings defined at:" line
// to the setting it configures.
var levelCommands = map[string]facts.Setting{
	"policyconfig": facts.SettingContentFilters,
	"filters":      facts.SettingMessageFilters,
	"dlpconfig":    facts.SettingDLP,
	"dmarcconfig":  facts.SettingDMARC,
}

// SettingForCommand names the clusterable setting a command shows the
// levels of (policyconfig, filters, dlpconfig, dmarcconfig).
func SettingForCommand(name string) (facts.Setting, bool) {
	s, ok := levelCommands[strings.ToLower(name)]
	return s, ok
}

// ParseSettingLevel reads the [I] line "Settings defined at: Cluster c;
// Machine m" that setting's command prints first in a cluster. Without it
// nothing is known (a standalone appliance prints none), which is an error
// rather than an empty list: an empty list would claim "defined nowhere".
func ParseSettingLevel(text string, setting facts.Setting) (*facts.SettingLevel, []facts.Warning, error) {
	cmd := string(setting)
	for c, s := range levelCommands {
		if s == setting {
			cmd = c
		}
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
