package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// finding starts a finding of r about appliance, with lists never nil.
func (r Rule) finding(appliance string, st Status) Finding {
	return Finding{ID: r.ID, Case: r.Case, Title: r.Title, Status: st, Severity: r.Severity,
		Appliance: appliance, Evidence: []Evidence{}}
}

// fix returns a copy of the rule's fix, so a finding can vary it safely.
func (r Rule) fix() *Fix {
	if r.Fix == nil {
		return nil
	}
	f := *r.Fix
	f.Steps = append([]string{}, r.Fix.Steps...)
	if r.Fix.Params != nil {
		f.Params = make(map[string]string, len(r.Fix.Params))
		for k, v := range r.Fix.Params {
			f.Params[k] = v
		}
	}
	return &f
}

// notCollected is the unknown finding for a fact that is missing, quoting
// the collection errors that explain why, if any. todo says what to run.
func (r Rule) notCollected(a *facts.Appliance, what string, errs []facts.CollectError, todo string) Finding {
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = what + " read from " + a.Name()
	if len(errs) > 0 {
		f.Summary = fmt.Sprintf("%s could not be read on %s (%s: %s); %s.", what, a.Name(), errs[0].Step, errs[0].Message, todo)
		f.Actual = "collection failed: " + errs[0].Message
		f.Evidence = errorEvidence(a, errs)
		return f
	}
	f.Summary = fmt.Sprintf("%s was not collected on %s; %s.", what, a.Name(), todo)
	f.Actual = "not collected"
	return f
}

func errorEvidence(a *facts.Appliance, errs []facts.CollectError) []Evidence {
	out := make([]Evidence, 0, len(errs))
	for _, e := range errs {
		out = append(out, Evidence{Appliance: a.Name(), Command: e.Step, Lines: []string{e.Message}})
	}
	return out
}

// stepErrors are the appliance's errors for the given commands. A step
// counts when it is the command or starts with it ("telnet In").
func stepErrors(a *facts.Appliance, cmds ...string) []facts.CollectError {
	var out []facts.CollectError
	for _, e := range a.Errors {
		step := strings.ToLower(strings.TrimSpace(e.Step))
		for _, c := range cmds {
			if step == c || strings.HasPrefix(step, c+" ") {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// missingErrors explains a missing fact: the errors of its own commands,
// else every error the appliance had (a failed login explains everything).
func missingErrors(a *facts.Appliance, cmds ...string) []facts.CollectError {
	if errs := stepErrors(a, cmds...); len(errs) > 0 {
		return errs
	}
	return a.Errors
}

// quote cites the lines of ev that contain any of keys (case-insensitive),
// or all of them when none does, so a finding never cites nothing.
func quote(name string, ev facts.Evidence, keys ...string) Evidence {
	lines := []string{}
	for _, l := range ev.Lines {
		if containsAny(l, keys) {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		lines = append(lines, ev.Lines...)
	}
	return Evidence{Appliance: name, Command: ev.Command, Lines: lines}
}

func containsAny(s string, keys []string) bool {
	ls := strings.ToLower(s)
	for _, k := range keys {
		if strings.Contains(ls, strings.ToLower(k)) {
			return true
		}
	}
	return false
}

func pvoPort(site *facts.Site) int {
	if site.PVOPort > 0 {
		return site.PVOPort
	}
	return facts.DefaultPVOPort
}

// smaTarget is how findings name the SMA's PVO listener.
func smaTarget(site *facts.Site) string {
	host := site.PVOHost
	if host == "" && site.SMA != nil {
		host = site.SMA.Name()
	}
	if host == "" {
		host = "SMA"
	}
	return fmt.Sprintf("%s:%d", host, pvoPort(site))
}

// noESA is the finding for a site without ESAs, for the per-ESA rules.
func (r Rule) noESA(todo string) Finding {
	f := r.finding("ESA", StatusUnknown)
	f.Summary = "No ESA was examined; " + todo + "."
	f.Expected = "at least one ESA"
	f.Actual = "no ESA"
	return f
}
