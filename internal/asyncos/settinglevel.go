package asyncos

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// SettingForCommand names the clusterable setting a command configures
// (policyconfig, filters, dlpconfig, dmarcconfig, deliveryconfig,
// sslconfig, quarantineconfig).
func SettingForCommand(name string) (facts.Setting, bool) {
	for _, sc := range facts.SettingCommands {
		if strings.EqualFold(sc.Command, name) {
			return sc.Setting, true
		}
	}
	return "", false
}

// CommandForSetting is the command that configures setting; "" if none.
func CommandForSetting(setting facts.Setting) string { return setting.Command() }

// ClusterLevelCommands are the commands whose levels PVO-006 reads, in
// report order.
func ClusterLevelCommands() []string {
	var out []string
	for _, s := range facts.ClusterSettings {
		out = append(out, CommandForSetting(s))
	}
	return out
}

// LevelCommands are every clusterable command whose level the collection
// reads, in report order.
func LevelCommands() []string {
	out := make([]string, len(facts.SettingCommands))
	for i, sc := range facts.SettingCommands {
		out[i] = sc.Command
	}
	return out
}

// LevelBlock is one run of a clusterable command in one cluster mode: the
// mode as a clustermode argument ("cluster", "group g", "machine m") and
// the command's output as a terminal showed it.
type LevelBlock struct {
	Mode string
	Text string
}

// ClusterModes are the clustermode arguments of every mode of cl: the
// cluster, each group, each machine; nil outside a cluster.
func ClusterModes(cl *facts.Cluster) []string {
	if cl == nil || cl.Standalone {
		return nil
	}
	modes := []string{"cluster"}
	for _, g := range cl.Groups {
		modes = append(modes, "group "+g.Name)
	}
	for _, m := range cl.Members() {
		modes = append(modes, "machine "+m)
	}
	return modes
}

// ReadLevels is the one level reader. AsyncOS has no line that names
// where a setting lives [C-IAF]: in a cluster mode where a clusterable
// command has no settings it opens with a NOTICE, and elsewhere it opens
// its own settings or menu. So a setting is defined at a mode exactly when
// its command, run there, shows no NOTICE. blocks are its runs (the last
// per mode counts); modes are the modes that must have been read (every
// mode of the cluster, or a fix's machine, group and cluster).
//
// It fails, leaving the level unknown, when a mode was not read, unless a
// definition below cluster level is already proven (that fails PVO-006
// whatever the rest says); and when no run showed a NOTICE for a command
// IAF does not confirm prints one: then "shows settings" cannot be told
// from "defined here".
// cluster names the cluster, for the cluster-level definition ("" if unknown).
func ReadLevels(setting facts.Setting, cluster string, blocks []LevelBlock, modes []string) (*facts.SettingLevel, error) {
	cmd := CommandForSetting(setting)
	if cmd == "" {
		cmd = string(setting)
	}
	defined := map[string]bool{}
	lines := map[string]string{}
	var order []string
	notices := false
	// named are the modes a NOTICE's "Switch modes to edit at mode" item
	// names as holding the settings: definitions, where not read directly.
	var named []facts.LevelDefinition
	for _, b := range blocks {
		if b.Mode == "" {
			continue
		}
		ls, err := begin(cmd, b.Text)
		if err != nil {
			continue // refused or empty: this mode was not read
		}
		if _, seen := defined[b.Mode]; !seen {
			order = append(order, b.Mode)
		}
		if n, ok := DetectNotice(b.Text); ok {
			notices = true
			defined[b.Mode] = false
			if len(n.Lines) > 0 {
				lines[b.Mode] = n.Lines[0]
			}
			if n.SettingsAt != nil {
				named = append(named, *n.SettingsAt)
			}
			continue
		}
		defined[b.Mode] = true
		lines[b.Mode] = fmt.Sprintf("defined at %s (no NOTICE there; it opens with %q)", modeLabel(b.Mode, cluster), firstOutputLine(ls))
		if shown := clusterShow(ls); shown != "" {
			lines[b.Mode] += "; CLUSTERSHOW: " + shown
		}
	}
	for _, d := range named {
		m := modeOfLevel(d)
		if _, read := defined[m]; !read && m != "" {
			defined[m] = true
			order = append(order, m)
			lines[m] = fmt.Sprintf("defined at %s (a NOTICE's \"Switch modes to edit at mode\" names it)", modeLabel(m, cluster))
		}
	}
	if !notices && cmd != "policyconfig" && len(defined) > 0 {
		return nil, parseErr(cmd, 0, "", errors.New("no cluster mode printed a NOTICE, so where its settings are shown cannot be told from where they are defined"))
	}
	var missing []string
	for _, m := range modes {
		if _, ok := defined[m]; !ok {
			missing = append(missing, m)
		}
	}
	for _, m := range modes {
		if i := slices.Index(order, m); i >= 0 {
			order = append(order[:i], order[i+1:]...)
		}
	}
	order = append(append([]string{}, modes...), order...)
	sl := &facts.SettingLevel{Setting: setting, Definitions: []facts.LevelDefinition{}, Evidence: evidence(cmd)}
	below := false
	// The NOTICEs first, the definitions last: the last line names where
	// the setting lives.
	for _, m := range order {
		if l, ok := lines[m]; ok && !defined[m] {
			addEvidence(&sl.Evidence, l)
		}
	}
	for _, m := range order {
		if !defined[m] {
			continue
		}
		addEvidence(&sl.Evidence, lines[m])
		d, ok := levelOfMode(m)
		if !ok {
			continue
		}
		if d.Level == facts.LevelCluster {
			d.Name = cluster
		}
		below = below || d.Level != facts.LevelCluster
		sl.Definitions = append(sl.Definitions, d)
	}
	if len(missing) > 0 && !below {
		if len(defined) == 0 {
			return nil, parseErr(cmd, 0, "", errors.New("not run in any cluster mode"))
		}
		return nil, parseErr(cmd, 0, "", fmt.Errorf("not read in %s", strings.Join(missing, ", ")))
	}
	return sl, nil
}

// levelOfMode turns a clustermode argument into the level it names.
func levelOfMode(mode string) (facts.LevelDefinition, bool) {
	kind, name, _ := strings.Cut(mode, " ")
	switch kind {
	case "cluster":
		return facts.LevelDefinition{Level: facts.LevelCluster, Name: name}, true
	case "group":
		return facts.LevelDefinition{Level: facts.LevelGroup, Name: name}, true
	case "machine":
		return facts.LevelDefinition{Level: facts.LevelMachine, Name: name}, true
	}
	return facts.LevelDefinition{}, false
}

// modeOfLevel is the clustermode argument of a level a NOTICE names.
func modeOfLevel(d facts.LevelDefinition) string {
	switch d.Level {
	case facts.LevelCluster:
		return "cluster"
	case facts.LevelGroup, facts.LevelMachine:
		return string(d.Level) + " " + d.Name
	}
	return ""
}

// modeLabel is a clustermode argument as AsyncOS names the mode.
func modeLabel(mode, cluster string) string {
	kind, name, _ := strings.Cut(mode, " ")
	if kind == "cluster" {
		name = cluster
	}
	if kind == "" {
		return mode
	}
	return strings.TrimSpace(strings.ToUpper(kind[:1]) + kind[1:] + " " + name)
}

// clusterShow is what CLUSTERSHOW printed, the modes after "Settings are
// configured at these modes:" joined by "; " [I layout]; "" when it was
// not read. It is evidence beside the NOTICEs, which decide.
func clusterShow(ls []string) string {
	var modes []string
	in := false
	for _, l := range ls {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(strings.ToLower(t), "settings are configured at"):
			in, modes = true, nil
		case in && t == "":
			in = false
		case in:
			if _, ok := parseModeName(t); ok {
				modes = append(modes, t)
			} else {
				in = false
			}
		}
	}
	return strings.Join(modes, "; ")
}

func firstOutputLine(ls []string) string {
	for _, l := range ls {
		if t := strings.TrimSpace(l); t != "" && !isDialogNoise(t) {
			return t
		}
	}
	return "(no NOTICE)"
}

// readLevels files the level of every clusterable setting a cluster
// session ran the command of, from all its runs (see ReadLevels), once
// the session's cluster layout is known.
func readLevels(app *facts.Appliance, cmds []sessionlog.Command) {
	modes := ClusterModes(app.Cluster)
	for _, lc := range facts.SettingCommands {
		var blocks []LevelBlock
		for _, c := range cmds {
			if c.Name == lc.Command && c.Mode.Level != "" {
				blocks = append(blocks, LevelBlock{Mode: modeArg(c.Mode), Text: c.Text})
			}
		}
		if len(blocks) == 0 {
			continue
		}
		need := modes
		if need == nil {
			// No cluster layout: nothing says which groups and machines
			// to read, so only a proven override can be told.
			need = []string{"cluster", "the cluster's groups and machines (clusterconfig LIST was not read)"}
		}
		name := ""
		if app.Cluster != nil {
			name = app.Cluster.Name
		}
		sl, err := ReadLevels(lc.Setting, name, blocks, need)
		if err != nil {
			var pe *ParseError
			msg := err.Error()
			if errors.As(err, &pe) {
				msg = pe.Err.Error()
			}
			app.Warnings = append(app.Warnings, facts.Warning{Command: lc.Command, Text: "level unknown: " + msg})
			continue
		}
		if app.SettingLevels == nil {
			app.SettingLevels = map[facts.Setting]*facts.SettingLevel{}
		}
		app.SettingLevels[lc.Setting] = sl
	}
}

// StripNotice is a clusterable command's output without its opening
// NOTICE dialog, for the parser of its settings: after "Switch modes" the
// settings shown are the mode's that holds them; "" when the NOTICE was
// declined and no settings followed.
func StripNotice(text string) string {
	if _, ok := DetectNotice(text); !ok {
		return text
	}
	ls := strings.Split(text, "\n")
	for i, l := range ls {
		if _, ok := parseSubPrompt(strings.TrimSpace(l)); !ok {
			continue
		}
		low := strings.ToLower(strings.Join(ls[:i+1], "\n"))
		if strings.Contains(low, "what would you like to do") || strings.Contains(low, "start a new, empty configuration") {
			rest := strings.Join(ls[i+1:], "\n")
			if strings.TrimSpace(rest) == "" {
				return ""
			}
			return rest
		}
	}
	return ""
}

// ModeOf is the clustermode argument that returns to the mode a prompt
// shows ("cluster", "group g", "machine m"); "" for a standalone prompt.
// It reads the prompt the way a saved session's prompts are read.
func ModeOf(prompt string) string {
	m, ok := sessionlog.ModePrompt(strings.TrimSpace(prompt))
	if !ok {
		return ""
	}
	return modeArg(m)
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
