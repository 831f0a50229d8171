package fix

import (
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// ParseLevelLine reads the [I] line a clusterable command prints first in
// any cluster mode, "Settings defined at: Cluster c; Machine m" (FORMATS.md).
// ok is false when the text has no such line or names a level it does not
// know: then nobody can say where the setting lives, and a fix must not
// guess (a guess could create a machine-level override).
func ParseLevelLine(text string) (defs []facts.LevelDefinition, line string, ok bool) {
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		const key = "settings defined at"
		if !strings.HasPrefix(strings.ToLower(t), key) {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(t[len(key):], ":"))
		defs, ok = parseLevels(rest)
		line = t
	}
	return defs, line, ok
}

func parseLevels(rest string) ([]facts.LevelDefinition, bool) {
	defs := []facts.LevelDefinition{}
	if strings.EqualFold(strings.TrimSuffix(rest, "."), "none") {
		return defs, true
	}
	for _, part := range strings.Split(rest, ";") {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "."))
		if part == "" {
			continue
		}
		word, name, _ := strings.Cut(part, " ")
		lv := facts.Level(strings.ToLower(word))
		switch lv {
		case facts.LevelCluster, facts.LevelGroup, facts.LevelMachine:
		default:
			return nil, false
		}
		defs = append(defs, facts.LevelDefinition{Level: lv, Name: strings.TrimSpace(name)})
	}
	return defs, len(defs) > 0
}

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

var modeRE = regexp.MustCompile(`^\((Cluster|Group|Machine) ([^)]+)\)>`)

// ModeOf turns a cluster prompt into the clustermode argument that returns
// to it; "" for a standalone prompt.
func ModeOf(prompt string) string {
	m := modeRE.FindStringSubmatch(strings.TrimSpace(prompt))
	if m == nil {
		return ""
	}
	if m[1] == "Cluster" {
		return "cluster"
	}
	return strings.ToLower(m[1]) + " " + m[2]
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
