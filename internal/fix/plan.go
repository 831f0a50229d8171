package fix

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Step is one question of a fix dialog and what pvo-doctor types there.
type Step struct {
	Expect   string // regexp matched against the question
	Question string // the question in words, for the plan
	Answer   string
	Choose   string // pick the numbered item with this label; never a number
	Default  bool   // an empty line: keep the value in [brackets]
	Optional bool   // asked only by some releases
	Why      string // why this answer, for the plan
}

// Command is one CLI command of a fix, with its dialog when it asks.
type Command struct {
	Line  string
	Steps []Step
	// Want, for a command that asks nothing, is a regexp its output must
	// match for the fix to count as applied; WantText says it in words.
	Want     string
	WantText string
	// Evidence is a regexp whose match, when there is one, is quoted as
	// the appliance's answer without being required (resume's line).
	Evidence string
}

// Level is where a setting is changed in a cluster.
type Level struct {
	// Mode is the clustermode argument of the level ("cluster", "group G",
	// "machine M"); "" on a standalone appliance or while unknown.
	Mode string
	// Known is false for a cluster member whose level the check could not
	// read; Apply then reads it before the change or stops.
	Known bool
	// Line is the "Settings defined at:" line the level was read from.
	Line string
}

// Fix is one automatic repair of one failing finding.
type Fix struct {
	Rule      string
	Action    Action
	Appliance string // the finding's appliance
	// Covers lists every appliance whose finding this one change repairs:
	// more than one when the setting is shared at cluster or group level.
	Covers []string
	// Setting is the setting whose cluster level decides where to change
	// it, and LevelCommand the command that shows that level; both "" for
	// runtime actions such as resume.
	Setting      facts.Setting
	LevelCommand string
	Level        Level
	Params       Params
	Commands     []Command
	// Comment is this fix's part of the commit comment; "" needs no commit.
	Comment string
}

// Session is every fix for one appliance: one login, one commit.
type Session struct {
	ID        facts.ApplianceID // the appliance's stable key
	Appliance string            // its name in findings
	Address   string            // how the user named it (--esa/--sma, or its file)
	Role      facts.Role        // esa or sma
	Cluster   string            // the cluster name; "" when standalone or unknown
	Machine   string            // its cluster machine (or hostname), which names its machine level
	Group     string            // its cluster group
	Fixes     []Fix
}

// Comment is the commit comment: every fix's part; "" when nothing needs a commit.
func (s Session) Comment() string {
	var parts []string
	for _, f := range s.Fixes {
		if f.Comment != "" {
			parts = append(parts, f.Comment)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "pvo-doctor: " + strings.Join(parts, "; ")
}

// Manual is a failing finding whose fix pvo-doctor never applies.
type Manual struct {
	Rule      string
	Appliance string
	Summary   string
}

// Plan is every automatic fix, per appliance, and what is left to a person.
type Plan struct {
	Sessions []Session
	Manual   []Manual
}

// Empty reports whether the plan changes nothing.
func (p Plan) Empty() bool { return len(p.Sessions) == 0 }

// Need is one failing finding that proposes a fix: the rule, the
// appliance it is about, and the action with its parameters.
type Need struct {
	Rule      string
	Appliance *facts.Appliance // nil when the site has no such appliance
	Name      string           // the appliance as the finding names it
	Action    Action           // "" for a fix only a person can do
	Params    Params
	Summary   string // the finding's fix in words, for the manual list
}

// Input is what the planner reads: facts and needs, nothing else.
type Input struct {
	Site  *facts.Site
	Needs []Need
	// Done reports fixes already attempted in an earlier round, which are
	// not planned again.
	Done func(rule, appliance string) bool
	// Only, when set, limits the plan to these rule IDs (--fix-rule). An
	// explicit action (Definition.Explicit) is planned only when named here.
	Only map[string]bool
}

// NewPlan plans the automatic fixes for the failing findings. Fixes are
// grouped per appliance in the order the site lists them (ESAs, then the
// SMA), and a setting shared at cluster or group level is changed once,
// through the first member that needs it.
func NewPlan(in Input) Plan {
	var p Plan
	if in.Site == nil {
		return p
	}
	apps := append([]*facts.Appliance{}, in.Site.ESAs...)
	if in.Site.SMA != nil {
		apps = append(apps, in.Site.SMA)
	}
	byName := map[string]*Session{}
	type ref struct {
		s *Session
		i int
	}
	shared := map[string]ref{} // by action, cluster, level and answers
	for _, n := range in.Needs {
		if in.Done != nil && in.Done(n.Rule, n.Name) {
			continue
		}
		if in.Only != nil && !in.Only[n.Rule] {
			continue
		}
		def, known := Lookup(n.Action)
		if known && def.Explicit && !in.Only[n.Rule] {
			p.Manual = append(p.Manual, Manual{Rule: n.Rule, Appliance: n.Name,
				Summary: n.Summary + " (applied only with --fix-rule " + n.Rule + ")"})
			continue
		}
		a := n.Appliance
		if !known || a == nil || a.Role != def.Role {
			p.Manual = append(p.Manual, Manual{Rule: n.Rule, Appliance: n.Name, Summary: n.Summary})
			continue
		}
		fx := build(n, def)
		s := byName[n.Name]
		if s == nil {
			s = newSession(a, n.Name)
		}
		key := ""
		if fx.Setting != "" && s.Cluster != "" {
			fx.Level = levelOf(a, fx.Setting, s.Machine, s.Group)
			if fx.Level.Known && !strings.HasPrefix(fx.Level.Mode, "machine ") {
				key = strings.Join([]string{string(fx.Action), s.Cluster, fx.Level.Mode, answers(fx)}, "\x00")
				if first, ok := shared[key]; ok {
					first.s.Fixes[first.i].Covers = append(first.s.Fixes[first.i].Covers, n.Name)
					continue
				}
			}
		}
		s.Fixes = append(s.Fixes, fx)
		byName[n.Name] = s
		if key != "" {
			shared[key] = ref{s, len(s.Fixes) - 1}
		}
	}
	// Sessions in site order, so the plan reads like the report.
	for _, a := range apps {
		if s := byName[a.Name()]; s != nil {
			p.Sessions = append(p.Sessions, *s)
		}
	}
	return p
}

// newSession names the appliance's machine and group in its cluster: the
// machine the driver resolved from its serial number, else its hostname.
func newSession(a *facts.Appliance, name string) *Session {
	s := &Session{ID: a.ID, Appliance: name, Address: a.Address, Role: a.Role, Machine: a.Hostname}
	c := a.Cluster
	if c == nil || c.Standalone {
		return s
	}
	s.Cluster = c.Name
	if a.Machine != "" {
		s.Machine = a.Machine
	}
	s.Group = c.GroupOf(s.Machine)
	return s
}

// answers is what a fix types, so that only identical changes are merged.
func answers(f Fix) string {
	var b strings.Builder
	for _, c := range f.Commands {
		b.WriteString(c.Line + "\n")
		for _, st := range c.Steps {
			fmt.Fprintf(&b, "%s|%s|%t\n", st.Answer, st.Choose, st.Default)
		}
	}
	return b.String()
}

// levelOf is where the check saw the setting defined, from the facts.
func levelOf(a *facts.Appliance, setting facts.Setting, machine, group string) Level {
	sl := a.SettingLevels[setting]
	if sl == nil {
		return Level{}
	}
	line := ""
	if len(sl.Lines) > 0 {
		line = sl.Lines[len(sl.Lines)-1]
	}
	mode, ok := EffectiveMode(sl.Definitions, machine, group)
	if !ok {
		return Level{Line: line}
	}
	return Level{Mode: mode, Known: true, Line: line}
}

// build turns a need into commands, from its action's one definition.
func build(n Need, def Definition) Fix {
	fx := Fix{Rule: n.Rule, Action: def.Action, Appliance: n.Name, Covers: []string{n.Name},
		Setting: def.Setting, Params: n.Params, Commands: def.Commands(n.Params)}
	if def.Setting != "" {
		fx.LevelCommand = fx.Commands[0].Line
	}
	if def.NeedsCommit() {
		fx.Comment = n.Rule + " " + def.Title
	}
	return fx
}

// CommitCommand is the commit dialog that ends a session's changes.
func CommitCommand(comment string) Command {
	return Command{Line: "commit", Steps: []Step{
		{Expect: `(?i)comments?`, Question: "Please enter some comments describing your changes", Answer: comment},
		{Expect: `(?i)rollback`, Question: "Do you want to save the current configuration for rollback?", Default: true, Optional: true, Why: "the default, yes; ESA 12.0 and later ask it"},
	}}
}
