package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Scope says what one finding of a rule is about. The engine, not the
// rule, lists the subjects, so no examined appliance is skipped.
type Scope int

const (
	// ScopeSMA: one finding about the SMA (or saying none was examined).
	ScopeSMA Scope = iota
	// ScopeESA: one finding per examined ESA.
	ScopeESA
	// ScopeAppliance: one finding per examined appliance, SMA and ESAs.
	ScopeAppliance
	// ScopeCluster: one finding per cluster; a standalone ESA is
	// not_applicable, one whose clusterconfig was not read unknown.
	ScopeCluster
	// ScopeMachine: one finding per machine whose feature keys a session
	// read, and one per ESA or cluster member whose keys none did.
	ScopeMachine
)

// subject is what one finding is about.
type subject struct {
	// app is the appliance the finding is about, or, for a cluster or a
	// machine, the ESA whose session examined it. nil: no SMA.
	app     *facts.Appliance
	cluster *cluster
	machine string
	// done is a finding the engine made itself (no ESA, standalone, ...).
	done *Finding
}

// Check judges site by the rule: the rule's judge decides each subject,
// the engine composes the verdict with what was read.
func (r Rule) Check(site *facts.Site) ([]Finding, []ManualCheck) {
	if site == nil {
		site = &facts.Site{}
	}
	var out []Finding
	for _, s := range r.subjects(site) {
		var f Finding
		if s.done != nil {
			f = *s.done
		} else {
			f = r.judge(site, s)
		}
		f = r.compose(site, s, f)
		if f.ApplianceID == "" {
			f.ApplianceID = ApplianceID(s.app)
		}
		out = append(out, f)
	}
	var manual []ManualCheck
	if r.manual != nil {
		manual = r.manual(site)
	}
	return out, manual
}

// ApplianceID is an appliance's stable key, as findings carry it: its ID,
// or, until whoever builds the site fills ID, its display name.
func ApplianceID(a *facts.Appliance) facts.ApplianceID {
	if a == nil {
		return ""
	}
	if a.ID != "" {
		return a.ID
	}
	return facts.ApplianceID(a.Name())
}

func (r Rule) subjects(site *facts.Site) []subject {
	switch r.Scope {
	case ScopeSMA:
		return []subject{{app: site.SMA}}
	case ScopeAppliance:
		var out []subject
		if site.SMA != nil {
			out = append(out, subject{app: site.SMA})
		}
		for _, a := range site.ESAs {
			out = append(out, subject{app: a})
		}
		if len(out) == 0 {
			f := r.finding("all appliances", StatusUnknown)
			f.Summary = "No appliance was examined; run " + r.commands(facts.RoleSMA) + " on the SMA and " + r.commands(facts.RoleESA) + " on every ESA."
			f.Expected = "every appliance examined"
			f.Actual = "no appliance"
			out = append(out, subject{done: &f})
		}
		return out
	}
	if len(site.ESAs) == 0 {
		todo := "examine each ESA"
		if c := r.commands(facts.RoleESA); c != "" {
			todo = "run " + c + " on each ESA"
		}
		if c := r.commands(facts.RoleSMA); c != "" && strings.HasPrefix(todo, "run ") {
			todo += " and " + c + " on the SMA"
		} else if c != "" {
			todo += " and run " + c + " on the SMA"
		}
		f := r.noESA(todo)
		return []subject{{done: &f}}
	}
	switch r.Scope {
	case ScopeCluster:
		return r.clusterSubjects(site)
	case ScopeMachine:
		return machineSubjects(site)
	}
	out := make([]subject, 0, len(site.ESAs))
	for _, a := range site.ESAs {
		out = append(out, subject{app: a})
	}
	return out
}

// commands lists what to run for the rule's deciding reads on role, e.g.
// "`a`, `b` and `c`"; "" when there are none.
func (r Rule) commands(role facts.Role) string {
	var cmds []string
	for _, rd := range r.Reads {
		c := shown(rd.Command)
		if rd.Role == role && rd.Need != Context && !containsFold(cmds, c) {
			cmds = append(cmds, c)
		}
	}
	if len(cmds) < 2 {
		return strings.Join(cmds, "")
	}
	return strings.Join(cmds[:len(cmds)-1], ", ") + " and " + cmds[len(cmds)-1]
}

// clusterSubjects groups the ESAs by cluster; standalone ESAs are
// not_applicable and ESAs whose clusterconfig was not read unknown, so every
// ESA is accounted for.
func (r Rule) clusterSubjects(site *facts.Site) []subject {
	var out []subject
	byName := map[string]*cluster{}
	for _, a := range site.ESAs {
		switch {
		case a.Cluster == nil:
			f := r.notCollected(a, "`clusterconfig`", missingErrors(a, "clusterconfig"), "run `clusterconfig` on "+a.Name())
			out = append(out, subject{app: a, done: &f})
		case a.Cluster.Standalone:
			f := r.finding(a.Name(), StatusNotApplicable)
			f.Summary = a.Name() + " is not in a cluster (clusterconfig offers to create or join one)."
			f.Expected = "a cluster member"
			f.Actual = "standalone"
			f.Evidence = append(f.Evidence, quote(a.Name(), a.Cluster.Evidence, "cluster"))
			out = append(out, subject{app: a, done: &f})
		default:
			key := strings.ToLower(a.Cluster.Name)
			c := byName[key]
			if c == nil {
				c = &cluster{name: a.Cluster.Name}
				byName[key] = c
				out = append(out, subject{app: a, cluster: c})
			}
			c.esas = append(c.esas, a)
			for _, m := range a.Cluster.Members() {
				if !containsFold(c.members, m) {
					c.members = append(c.members, m)
				}
			}
		}
	}
	return out
}

// machineSubjects are the machines whose keys each ESA's session read, each
// once; an ESA whose session read none; and cluster members nobody read.
func machineSubjects(site *facts.Site) []subject {
	var out []subject
	done := map[string]bool{}
	for _, a := range site.ESAs {
		if len(a.FeatureKeys) == 0 {
			out = append(out, subject{app: a})
			continue
		}
		var machines []string
		for m, fk := range a.FeatureKeys {
			if fk != nil && !done[strings.ToLower(m)] {
				machines = append(machines, m)
			}
		}
		sort.Strings(machines)
		for _, m := range machines {
			done[strings.ToLower(m)] = true
			out = append(out, subject{app: machineApp(site, m, a), machine: m})
		}
	}
	for _, a := range site.ESAs {
		for _, m := range a.Cluster.Members() {
			if !done[strings.ToLower(m)] && !examinedWithoutKeys(site, m) {
				done[strings.ToLower(m)] = true
				out = append(out, subject{app: machineApp(site, m, a), machine: m})
			}
		}
	}
	return out
}

// machineApp is the examined ESA that is machine, else reader, whose
// session read (or should read) it.
func machineApp(site *facts.Site, machine string, reader *facts.Appliance) *facts.Appliance {
	for _, a := range site.ESAs {
		if strings.EqualFold(selfName(a), machine) {
			return a
		}
	}
	return reader
}

// examinedWithoutKeys: the machine has its own finding already, as an ESA
// whose session read no keys.
func examinedWithoutKeys(site *facts.Site, machine string) bool {
	for _, a := range site.ESAs {
		if len(a.FeatureKeys) == 0 && strings.EqualFold(selfName(a), machine) {
			return true
		}
	}
	return false
}

// gapKind is how a read falls short.
type gapKind int

const (
	gapAbsent gapKind = iota
	gapFailed
	gapCut
)

// gap is one read a finding lacks.
type gap struct {
	kind    gapKind
	command string
	where   string
	app     *facts.Appliance // whose errors explain it; nil: no SMA
	errs    []facts.CollectError
	why     string // a cut block's reason
	read    bool   // the block exists: the gap is its failure or its cut
}

func (g gap) words() string {
	cmd := shown(g.command)
	switch {
	case g.app == nil:
		return "no SMA was examined for " + cmd
	case g.kind == gapCut:
		return fmt.Sprintf("the %s output on %s was cut short (%s)", cmd, g.where, g.why)
	case g.kind == gapFailed:
		return fmt.Sprintf("%s on %s failed (%s: %s)", cmd, g.where, g.errs[0].Step, g.errs[0].Message)
	case len(g.errs) > 0:
		return fmt.Sprintf("%s could not be read on %s (%s: %s)", cmd, g.where, g.errs[0].Step, g.errs[0].Message)
	}
	return fmt.Sprintf("%s was not read on %s", cmd, g.where)
}

func (g gap) todo() string {
	if g.app == nil {
		return shown(g.command) + " on the SMA"
	}
	return shown(g.command) + " on " + g.where
}

// compose applies the engine's guarantees to the rule's verdict: a pass
// without every needed read, or on a failed or cut read, is unknown; a
// failure stands, naming what could not be read; not_applicable rests on
// no cut block.
func (r Rule) compose(site *facts.Site, s subject, f Finding) Finding {
	gaps := r.gaps(site, s)
	switch f.Status {
	case StatusNotApplicable:
		gaps = filterGaps(gaps, func(g gap) bool { return g.kind == gapCut })
	case StatusUnknown:
		// The rule said why; a block it read that failed or was cut is
		// named too, as it may be the real reason.
		gaps = filterGaps(gaps, func(g gap) bool { return g.read })
	}
	if f.Status != StatusPass {
		// A read the rule already asks for is not asked for twice.
		gaps = filterGaps(gaps, func(g gap) bool { return g.read || !strings.Contains(f.Summary, g.todo()) })
	}
	if len(gaps) == 0 {
		return f
	}
	words := make([]string, 0, len(gaps))
	var todo []string
	for _, g := range gaps {
		words = append(words, g.words())
		if t := g.todo(); !containsFold(todo, t) {
			todo = append(todo, t)
		}
		if g.app != nil {
			for _, e := range errorEvidence(g.app, g.errs) {
				if !quoted(f.Evidence, e) {
					f.Evidence = append(f.Evidence, e)
				}
			}
		}
	}
	run := "run " + strings.Join(todo, " and ")
	switch f.Status {
	case StatusUnknown:
		f.Summary += " Also: " + strings.Join(words, "; ") + "."
		return f
	case StatusFail:
		f.Summary += " Not yet known: " + strings.Join(words, "; ") + "; " + run + "."
		return f
	}
	f.Status = StatusUnknown
	f.Summary = capitalize(strings.Join(words, "; ")) + ", so this cannot be decided; " + run + "."
	f.Actual = "not decided: " + strings.Join(words, "; ")
	f.Fix = nil
	return f
}

func filterGaps(gaps []gap, keep func(gap) bool) []gap {
	var out []gap
	for _, g := range gaps {
		if keep(g) {
			out = append(out, g)
		}
	}
	return out
}

// quoted: the finding already quotes e (notCollected quotes the errors).
func quoted(evs []Evidence, e Evidence) bool {
	for _, x := range evs {
		if x.Appliance == e.Appliance && x.Command == e.Command && strings.Join(x.Lines, "\n") == strings.Join(e.Lines, "\n") {
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// gaps lists the rule's reads subject s lacks.
func (r Rule) gaps(site *facts.Site, s subject) []gap {
	var out []gap
	for _, rd := range r.Reads {
		if rd.Need == Context {
			continue
		}
		if rd.When != nil && (s.app == nil || s.app.Role != facts.RoleESA || !rd.When(s.app)) {
			continue
		}
		switch {
		case r.Scope == ScopeAppliance:
			if s.app != nil && s.app.Role == rd.Role {
				out = appendGap(out, rd, []*facts.Appliance{s.app}, "", s.app.Name())
			}
		case rd.Role == facts.RoleSMA:
			if site.SMA == nil {
				if rd.Need == Needed {
					out = append(out, gap{command: rd.Command})
				}
				continue
			}
			out = appendGap(out, rd, []*facts.Appliance{site.SMA}, "", site.SMA.Name())
		case s.cluster != nil && memberRead(rd.Command):
			for _, m := range s.cluster.members {
				out = appendGap(out, rd, s.cluster.esas, m, m)
			}
		case s.cluster != nil:
			out = appendGap(out, rd, s.cluster.esas, "", s.cluster.first())
		case s.machine != "":
			out = appendGap(out, rd, site.ESAs, s.machine, s.machine)
		case s.app != nil && s.app.Role == facts.RoleESA:
			out = appendGap(out, rd, []*facts.Appliance{s.app}, selfName(s.app), s.app.Name())
		}
	}
	return out
}

// appendGap judges one read over the sessions that may hold it: absent
// when none does, cut when a block read is, failed when a session that
// read it also reported an error for it. An error cannot be told to be
// another member's, so a session's featurekey error spoils every member's
// keys it read.
func appendGap(out []gap, rd Read, apps []*facts.Appliance, machine, where string) []gap {
	if len(apps) == 0 {
		return out // no session to read it: the judge has said so
	}
	var errs []facts.CollectError
	var errApp *facts.Appliance
	read := false
	for _, a := range apps {
		evs, ok := blocks(a, rd.Command, machine)
		stepErrs := stepErrors(a, steps(rd.Command)...)
		if !ok {
			if len(stepErrs) > 0 && errApp == nil {
				errs, errApp = stepErrs, a
			}
			continue
		}
		read = true
		for _, e := range evs {
			if e.Incomplete != "" {
				return append(out, gap{kind: gapCut, command: rd.Command, where: where, app: a, why: e.Incomplete, read: true})
			}
		}
		if len(stepErrs) > 0 {
			return append(out, gap{kind: gapFailed, command: rd.Command, where: where, app: a, errs: stepErrs, read: true})
		}
	}
	switch {
	case read:
		return out
	case rd.Need == IfRead && errApp != nil:
		return append(out, gap{kind: gapFailed, command: rd.Command, where: where, app: errApp, errs: errs})
	case rd.Need == IfRead:
		return out
	}
	// Needed and absent: a failed login explains every missing read.
	if errApp == nil && len(apps) == 1 {
		errs, errApp = apps[0].Errors, apps[0]
	}
	if errApp == nil {
		errApp = apps[0]
	}
	return append(out, gap{kind: gapAbsent, command: rd.Command, where: where, app: errApp, errs: errs})
}
