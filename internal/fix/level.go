package fix

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// EffectiveMode is the clustermode argument of the level that decides the
// setting for this machine: its own machine level when defined there, else
// its group's, else the cluster's. A setting defined nowhere is changed at
// cluster level, where it applies to every member. ok is false when the
// line names a machine or group level and this session's machine or group
// is unknown: choosing the cluster level then could miss an override.
func EffectiveMode(defs []facts.LevelDefinition, machine, group string) (mode string, ok bool) {
	at := func(lv facts.Level, name string) bool {
		for _, d := range defs {
			if d.Level == lv && (lv == facts.LevelCluster || strings.EqualFold(d.Name, name)) {
				return true
			}
		}
		return false
	}
	for _, d := range defs {
		if (d.Level == facts.LevelMachine && machine == "") || (d.Level == facts.LevelGroup && group == "") {
			return "", false
		}
	}
	switch {
	case at(facts.LevelMachine, machine):
		return "machine " + machine, true
	case at(facts.LevelGroup, group):
		return "group " + group, true
	}
	return "cluster", true
}

// levelWords says a clustermode argument as the plan shows it.
func levelWords(mode, cluster string) string {
	switch {
	case mode == "":
		return "standalone"
	case mode == "cluster":
		return "cluster level (Cluster " + cluster + ")"
	}
	kind, name, _ := strings.Cut(mode, " ")
	return kind + " level (" + strings.ToUpper(kind[:1]) + kind[1:] + " " + name + ")"
}
