package fix

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Runner is one logged-in AsyncOS CLI session, as fix drives it. The
// driver adapts a session to it.
type Runner interface {
	// Mode is the cluster mode the prompt shows, as a clustermode argument
	// ("cluster", "machine m"); "" on a standalone appliance.
	Mode() string
	// ReadLevel runs command in the cluster modes that decide this
	// session's level and reads where setting is defined (a NOTICE means
	// "not here"); it fails when that cannot be told.
	ReadLevel(ctx context.Context, command string, setting facts.Setting) (*facts.SettingLevel, error)
	// Run runs a command that asks nothing (a menu it stops in is left).
	Run(ctx context.Context, command string) (string, error)
	// Dialog runs a command and answers its questions with steps, in
	// order. It succeeds only when the main prompt is back: a question
	// no step expects is an error, and the session is left at it.
	Dialog(ctx context.Context, command string, steps ...Step) (string, error)
	// SetMode runs "clustermode <mode>".
	SetMode(ctx context.Context, mode string) (string, error)
	// Interrupt sends Ctrl-C and waits for the main prompt; it fails when
	// the session is gone.
	Interrupt(ctx context.Context) error
}

// ErrNoLevel is what a Runner's ReadLevel wraps when the runs do not tell
// where the setting is defined.
var ErrNoLevel = errors.New("level not readable")

// Status is how far a fix got.
type Status string

const (
	Planned  Status = "planned"  // shown, not applied (--dry-run)
	Skipped  Status = "skipped"  // not confirmed
	Applied  Status = "applied"  // the change was made (and committed, where that is needed)
	Verified Status = "verified" // applied, and the re-check passes its rule
	Failed   Status = "failed"   // nothing of it was committed
)

// Result is what happened to one Fix of a session.
type Result struct {
	Status Status
	// Evidence holds the appliance's own words: the resume and status
	// lines, the level read, the `Changes committed:` line.
	Evidence []Evidence
	Err      error
}

// Evidence is a line or two the appliance answered, quoted in the report.
type Evidence struct {
	Appliance string
	Command   string
	Lines     []string
}

// Outcome is what happened to a session's fixes, in the order of
// Session.Fixes.
type Outcome struct {
	Results []Result
	// Cleared is true when clearchanges ran after a failure.
	Cleared bool
}

var (
	committedRE = regexp.MustCompile(`(?mi)^\s*Changes committed:.*$`)
	noDataRE    = regexp.MustCompile(`(?mi)^\s*There is no data to commit\.?\s*$`)
)

// Apply runs every fix of s over r, then one commit for all of them. It is
// all or nothing: the first error (an unexpected question, a refused
// command, a lost connection, a level that differs from the plan) stops
// the session; if it is still alive, clearchanges discards what was typed,
// and no fix that needed the commit counts as applied. A resume takes
// effect at once and cannot be cleared, so it stays applied.
func Apply(ctx context.Context, r Runner, s Session) Outcome {
	out := Outcome{Results: make([]Result, len(s.Fixes))}
	start := r.Mode()
	a := &applier{r: r, s: s, start: start}
	for i, f := range s.Fixes {
		ev, err := a.one(ctx, f)
		out.Results[i].Evidence = ev
		if err != nil {
			out.Results[i] = Result{Status: Failed, Evidence: ev, Err: err}
			a.abandon(ctx, &out, i, fmt.Errorf("not committed: %s on %s failed first", f.Rule, s.Appliance))
			return out
		}
		out.Results[i].Status = Applied
	}
	comment := s.Comment()
	if comment == "" {
		return out
	}
	text, err := a.run(ctx, CommitCommand(comment))
	if err == nil {
		if m := committedRE.FindString(text); m != "" {
			for i, f := range s.Fixes {
				if f.Comment != "" {
					out.Results[i].Evidence = append(out.Results[i].Evidence, a.evidence("commit", strings.TrimSpace(m)))
				}
			}
			return out
		}
		err = errors.New(`commit: no "Changes committed:" line`)
		if m := noDataRE.FindString(text); m != "" {
			err = fmt.Errorf("commit: %s", strings.TrimSpace(m))
		}
	}
	for i, f := range s.Fixes {
		if f.Comment != "" {
			out.Results[i] = Result{Status: Failed, Evidence: out.Results[i].Evidence, Err: err}
		}
	}
	a.abandon(ctx, &out, len(s.Fixes), nil)
	return out
}

type applier struct {
	r     Runner
	s     Session
	start string // the mode the session logged in in
}

// one applies one fix: in a cluster, it reads where the setting is
// defined, switches to that level, runs the dialog and switches back.
func (a *applier) one(ctx context.Context, f Fix) ([]Evidence, error) {
	var ev []Evidence
	mode := ""
	if f.Setting != "" && a.s.Cluster != "" {
		cmd := f.LevelCommand
		sl, err := a.r.ReadLevel(ctx, cmd, f.Setting)
		if err != nil {
			if errors.Is(err, ErrNoLevel) {
				return ev, fmt.Errorf("%s does not show where it is defined (%v), so its level is unknown; nothing was changed", cmd, err)
			}
			return ev, fmt.Errorf("read the level of %s: %w", cmd, err)
		}
		if n := len(sl.Lines); n > 0 {
			ev = append(ev, a.evidence(cmd, sl.Lines[n-1]))
		}
		var ok bool
		mode, ok = EffectiveMode(sl.Definitions, a.s.Machine, a.s.Group)
		if !ok {
			return ev, fmt.Errorf("%s is defined below cluster level and this session's machine is unknown, so its level is unknown; nothing was changed", cmd)
		}
		if f.Level.Known && mode != f.Level.Mode {
			return ev, fmt.Errorf("%s is now defined at %s, not at %s as planned; nothing was changed",
				cmd, levelWords(mode, a.s.Cluster), levelWords(f.Level.Mode, a.s.Cluster))
		}
		if err := a.setMode(ctx, mode); err != nil {
			return ev, err
		}
	}
	for _, c := range f.Commands {
		text, err := a.run(ctx, c)
		if err != nil {
			return ev, err
		}
		if c.Evidence != "" {
			if m := regexp.MustCompile(c.Evidence).FindString(text); m != "" {
				ev = append(ev, a.evidence(c.Line, strings.TrimSpace(m)))
			}
		}
		if c.Want != "" {
			m := regexp.MustCompile(c.Want).FindString(text)
			if m == "" {
				return ev, fmt.Errorf("%s: expected %q, got %q", c.Line, c.WantText, firstLines(text, 3))
			}
			ev = append(ev, a.evidence(c.Line, strings.TrimSpace(m)))
		}
	}
	if mode != "" {
		if err := a.setMode(ctx, a.start); err != nil {
			return ev, err
		}
	}
	return ev, nil
}

func (a *applier) run(ctx context.Context, c Command) (string, error) {
	if len(c.Steps) == 0 {
		return a.r.Run(ctx, c.Line)
	}
	return a.r.Dialog(ctx, c.Line, c.Steps...)
}

func (a *applier) setMode(ctx context.Context, mode string) error {
	if mode == "" || a.r.Mode() == mode {
		return nil
	}
	if _, err := a.r.SetMode(ctx, mode); err != nil {
		return fmt.Errorf("clustermode %s: %w", mode, err)
	}
	if got := a.r.Mode(); got != mode {
		return fmt.Errorf("clustermode %s: the prompt shows %q", mode, got)
	}
	return nil
}

// abandon ends a failed session: back to the main prompt and, if the
// session lives, clearchanges and the starting mode. Fixes from index from
// on that never ran fail with why; fixes before it that waited for the
// commit fail with the same reason.
func (a *applier) abandon(ctx context.Context, out *Outcome, from int, why error) {
	if why != nil {
		for i, f := range a.s.Fixes {
			switch {
			case i < from && f.Comment != "" && out.Results[i].Status == Applied:
				out.Results[i] = Result{Status: Failed, Evidence: out.Results[i].Evidence, Err: why}
			case i > from:
				out.Results[i] = Result{Status: Failed, Err: fmt.Errorf("not attempted: %s on %s failed first", a.s.Fixes[from].Rule, a.s.Appliance)}
			}
		}
	}
	if err := a.r.Interrupt(ctx); err != nil {
		return
	}
	// clearchanges asks to confirm when something is pending [C-IAF].
	text, err := a.r.Dialog(ctx, "clearchanges", Step{Expect: `(?i)sure|clear`, Question: "Are you sure you want to clear all changes?", Answer: "Y", Optional: true})
	if err == nil {
		out.Cleared = true
		for i := range out.Results {
			if out.Results[i].Status == Failed {
				out.Results[i].Evidence = append(out.Results[i].Evidence, a.evidence("clearchanges", firstLines(text, 1)))
			}
		}
	}
	_ = a.setMode(ctx, a.start)
}

func (a *applier) evidence(command string, lines ...string) Evidence {
	return Evidence{Appliance: a.s.Appliance, Command: command, Lines: lines}
}

// firstLines is the first n non-blank lines of text, joined by " / ".
func firstLines(text string, n int) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			out = append(out, t)
			if len(out) == n {
				break
			}
		}
	}
	return strings.Join(out, " / ")
}
