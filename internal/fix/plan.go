package fix

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
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
	Action    rules.FixAction
	Appliance string // the finding's appliance
	// Covers lists every appliance whose finding this one change repairs:
	// more than one when the setting is shared at cluster or group level.
	Covers []string
	// Setting is the command whose cluster level decides where to change
	// it; "" for runtime actions such as resume.
	Setting  string
	Level    Level
	Commands []Command
	// Comment is this fix's part of the commit comment; "" needs no commit.
	Comment string
}

// Session is every fix for one appliance: one login, one commit.
type Session struct {
	Appliance string     // its name in findings
	Address   string     // how the user named it (--esa/--sma)
	Role      facts.Role // esa or sma
	Cluster   string     // the cluster name; "" when standalone or unknown
	Machine   string     // its hostname, which names its machine level
	Group     string     // its cluster group
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

// Input is what the planner reads.
type Input struct {
	Site     *facts.Site
	Findings []rules.Finding
	// Output returns the text the check collected for one command on the
	// appliance with this Address ("" when none), so the planner can read
	// the "Settings defined at:" line of deliveryconfig and sslconfig.
	Output func(address, command string) string
	// Done reports fixes already attempted in an earlier round, which are
	// not planned again.
	Done func(rule, appliance string) bool
	// Only, when set, limits the plan to these rule IDs (--fix-rule). An
	// explicit fix (rules.Fix.Explicit) is planned only when named here.
	Only map[string]bool
}

// SafeCiphers is what PVO-004's fix sets when the finding names nothing else.
const SafeCiphers = "HIGH:MEDIUM:ALL:-aNULL:-SSLv2"

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
	for _, f := range in.Findings {
		if f.Status != rules.StatusFail || f.Fix == nil {
			continue
		}
		if in.Done != nil && in.Done(f.ID, f.Appliance) {
			continue
		}
		if in.Only != nil && !in.Only[f.ID] {
			continue
		}
		if f.Fix.Explicit && !in.Only[f.ID] {
			p.Manual = append(p.Manual, Manual{Rule: f.ID, Appliance: f.Appliance,
				Summary: f.Fix.Summary + " (applied only with --fix-rule " + f.ID + ")"})
			continue
		}
		a := findAppliance(apps, f.Appliance)
		fx, ok := build(f, a)
		if !ok {
			p.Manual = append(p.Manual, Manual{Rule: f.ID, Appliance: f.Appliance, Summary: f.Fix.Summary})
			continue
		}
		s := byName[f.Appliance]
		if s == nil {
			s = newSession(in, a, f.Appliance)
		}
		key := ""
		if fx.Setting != "" && s.Cluster != "" {
			fx.Level = levelOf(in, a, fx.Setting, s.Machine, s.Group)
			if fx.Level.Known && !strings.HasPrefix(fx.Level.Mode, "machine ") {
				key = strings.Join([]string{string(fx.Action), s.Cluster, fx.Level.Mode, answers(fx)}, "\x00")
				if first, ok := shared[key]; ok {
					first.s.Fixes[first.i].Covers = append(first.s.Fixes[first.i].Covers, f.Appliance)
					continue
				}
			}
		}
		s.Fixes = append(s.Fixes, fx)
		byName[f.Appliance] = s
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

func findAppliance(apps []*facts.Appliance, name string) *facts.Appliance {
	for _, a := range apps {
		if a != nil && a.Name() == name {
			return a
		}
	}
	return nil
}

var serialRE = regexp.MustCompile(`(?mi)^\s*Serial #:\s*(\S+)`)

// newSession names the appliance's machine and group in its cluster. A
// session logged into a cluster shows the cluster's name in its prompt, not
// the machine's, so the machine is the cluster member whose serial number
// (clusterconfig LIST) is the one `version` showed.
func newSession(in Input, a *facts.Appliance, name string) *Session {
	s := &Session{Appliance: name, Address: a.Address, Role: a.Role, Machine: a.Hostname}
	c := a.Cluster
	if c == nil || c.Standalone {
		return s
	}
	s.Cluster = c.Name
	serial := ""
	if in.Output != nil {
		if m := serialRE.FindStringSubmatch(in.Output(a.Address, "version")); m != nil {
			serial = m[1]
		}
	}
	for _, g := range c.Groups {
		for _, m := range g.Machines {
			if serial != "" && strings.EqualFold(m.Serial, serial) {
				s.Machine = m.Name
			}
		}
	}
	for _, g := range c.Groups {
		for _, m := range g.Machines {
			if s.Machine != "" && strings.EqualFold(m.Name, s.Machine) {
				s.Group = g.Name
			}
		}
	}
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

// levelOf reads where the check saw the setting defined.
func levelOf(in Input, a *facts.Appliance, setting, machine, group string) Level {
	if in.Output == nil {
		return Level{}
	}
	defs, line, ok := ParseLevelLine(in.Output(a.Address, setting))
	if !ok {
		return Level{}
	}
	mode, ok := EffectiveMode(defs, machine, group)
	if !ok {
		return Level{Line: line}
	}
	return Level{Mode: mode, Known: true, Line: line}
}

// build turns a finding's fix into commands, for the actions fix knows.
// resumetransfers is among them but NewPlan plans it only when the user
// names its rule: a backup SMA's transfers are suspended on purpose.
func build(f rules.Finding, a *facts.Appliance) (Fix, bool) {
	fx := Fix{Rule: f.ID, Action: f.Fix.Action, Appliance: f.Appliance, Covers: []string{f.Appliance}}
	switch f.Fix.Action {
	case rules.FixResume:
		if a == nil || a.Role != facts.RoleSMA {
			return fx, false
		}
		fx.Commands = []Command{
			{Line: "resume"},
			{Line: "status", Want: `(?mi)^\s*System status:\s*Online\s*$`, WantText: "System status: Online"},
		}
	case rules.FixResumeTransfers:
		if a == nil || a.Role != facts.RoleSMA {
			return fx, false
		}
		fx.Commands = []Command{
			{Line: "resumetransfers", Want: `(?i)transfers (resumed|are not suspended)`, WantText: "Transfers resumed."},
			{Line: "status detail", Want: `(?mi)^\s*Centralized transfers:\s*Active\s*$`, WantText: "Centralized transfers: Active"},
		}
	case rules.FixDeliveryAuto:
		if a == nil || a.Role != facts.RoleESA {
			return fx, false
		}
		fx.Setting = "deliveryconfig"
		fx.Comment = f.ID + " default delivery interface Auto"
		fx.Commands = []Command{{Line: "deliveryconfig", Steps: []Step{
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Answer: "SETUP"},
			{Expect: `(?i)default interface to deliver`, Question: "Choose the default interface to deliver mail", Choose: "Auto", Why: "the item labelled Auto, whatever its number"},
			{Expect: `(?i)possible delivery`, Question: `Enable "Possible Delivery"`, Default: true, Why: "keep the current value"},
			{Expect: `(?i)wide maximum outbound`, Question: "default system wide maximum outbound message delivery concurrency", Default: true, Why: "keep the current value"},
			{Expect: `(?i)wide TLS maximum outbound`, Question: "default system wide TLS maximum outbound message delivery concurrency", Default: true, Optional: true, Why: "keep the current value; 11.0 and later ask it"},
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Default: true, Why: "leave deliveryconfig"},
		}}}
	case rules.FixOutboundCiphers:
		if a == nil || a.Role != facts.RoleESA {
			return fx, false
		}
		ciphers := strings.TrimSpace(f.Fix.Params["ciphers"])
		if ciphers == "" {
			ciphers = SafeCiphers
		}
		method := "keep the current method"
		if m := strings.TrimSpace(f.Fix.Params["method"]); m != "" {
			method += " " + m
		}
		fx.Setting = "sslconfig"
		fx.Comment = f.ID + " remove anonymous outbound ciphers"
		fx.Commands = []Command{{Line: "sslconfig", Steps: []Step{
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Answer: "OUTBOUND"},
			{Expect: `(?i)outbound smtp ssl method`, Question: "Enter the outbound SMTP ssl method you want to use", Default: true, Optional: true, Why: method + "; releases before 12.0 ask it"},
			{Expect: `(?i)outbound smtp ssl cipher`, Question: "Enter the outbound SMTP ssl cipher you want to use", Answer: ciphers},
			{Expect: `(?i)renegotiation`, Question: "Do you want to enable TLS renegotiation for outbound SMTP?", Default: true, Optional: true, Why: "keep the current value; 12.0 and later ask it"},
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Default: true, Why: "leave sslconfig"},
		}}}
	default:
		return fx, false
	}
	return fx, true
}

// CommitCommand is the commit dialog that ends a session's changes.
func CommitCommand(comment string) Command {
	return Command{Line: "commit", Steps: []Step{
		{Expect: `(?i)comments?`, Question: "Please enter some comments describing your changes", Answer: comment},
		{Expect: `(?i)rollback`, Question: "Do you want to save the current configuration for rollback?", Default: true, Optional: true, Why: "the default, yes; ESA 12.0 and later ask it"},
	}}
}
