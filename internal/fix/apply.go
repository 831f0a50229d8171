package fix

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Runner is one logged-in AsyncOS CLI session, as fix drives it. The
// driver adapts a session to it.
type Runner interface {
	// Mode is the cluster mode the prompt shows, as a clustermode argument
	// ("cluster", "machine m"); "" on a standalone appliance.
	Mode() string
	// ReadLevel runs command and reads the level of setting from its
	// "Settings defined at:" line; it fails when there is none.
	ReadLevel(ctx context.Context, command string, setting facts.Setting) (*facts.SettingLevel, error)
	// Run runs a command that asks nothing (a menu it stops in is left).
	Run(ctx context.Context, command string) (string, error)
	// Dialog runs a command and answers its questions with steps, in
	// order. It succeeds only when the main prompt is back: a question
	// no step expects is an error, and the session is left at it.
	Dialog(ctx context.Context, command string, steps ...Step) (string, error)
	// Commit is Dialog for the commit, whose waits may each take up to
	// timeout instead of the step timeout: a commit can take minutes.
	Commit(ctx context.Context, timeout time.Duration, command string, steps ...Step) (string, error)
	// SetMode runs "clustermode <mode>".
	SetMode(ctx context.Context, mode string) (string, error)
	// Interrupt sends Ctrl-C and waits for the main prompt; it fails when
	// the session is gone.
	Interrupt(ctx context.Context) error
	// Read runs a command that shows settings (deliveryconfig, sslconfig)
	// and parses what it shows into facts.
	Read(ctx context.Context, command string) (*facts.Appliance, error)
	// ShowChanges runs showchanges: pending says whether it lists changes,
	// line quotes it. ok is false when the release has no showchanges or
	// its output was not understood; err is a lost session.
	ShowChanges(ctx context.Context) (pending bool, line string, ok bool, err error)
}

// ErrNoLevel is what a Runner's ReadLevel wraps when the output has no
// "Settings defined at:" line.
var ErrNoLevel = errors.New(`no "Settings defined at:" line`)

// Status is how far a fix got.
type Status string

const (
	Planned  Status = "planned"  // shown, not applied (--dry-run)
	Skipped  Status = "skipped"  // not confirmed
	Applied  Status = "applied"  // the change was made (and committed, where that is needed)
	Verified Status = "verified" // applied, and the re-check passes its rule
	Failed   Status = "failed"   // nothing of it was committed
	// Uncertain is a commit whose outcome could not be established: its
	// reply was lost and neither the session nor a new one could tell.
	Uncertain Status = "uncertain"
)

// DefaultCommitTimeout bounds each wait of a commit when ApplyOptions
// names none; Cisco's own CLI tests give a commit 120 s.
const DefaultCommitTimeout = 120 * time.Second

// ApplyOptions say how Apply commits and, when a commit's reply is lost,
// how it finds out what happened.
type ApplyOptions struct {
	// CommitTimeout bounds each wait of the commit dialog.
	CommitTimeout time.Duration
	// Reopen ends the session Apply was given and opens a new one to the
	// same appliance the same way; the caller closes what it returns. Nil
	// means no new session: a commit the old one cannot settle stays
	// uncertain.
	Reopen func(context.Context) (Runner, error)
}

// Result is what happened to one Fix of a session.
type Result struct {
	Status Status
	// Evidence holds the appliance's own words: the resume and status
	// lines, the level line, the `Changes committed:` line, or the setting
	// read back when the commit's reply was lost.
	Evidence []Evidence
	// Err says what went wrong and what that means for the appliance
	// (committed or not, or that it could not be established).
	Err error
	// Note, for an applied fix, says how a commit whose reply was lost was
	// established.
	Note string
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
	clearedRE   = regexp.MustCompile(`(?mi)^\s*Changes cleared\b.*$`)
	noClearRE   = regexp.MustCompile(`(?mi)^\s*(There are no changes to clear|No changes have been made)\b.*$`)
)

// Apply runs every fix of s over r, then one commit for all of them. It is
// all or nothing: the first error (an unexpected question, a refused
// command, a lost connection, a level that differs from the plan) stops
// the session; if it is still alive, clearchanges discards what was typed,
// and no fix that needed the commit counts as applied. A resume takes
// effect at once and cannot be cleared, so it stays applied.
//
// A commit without its "Changes committed:" reply (its deadline, a lost
// session, an odd reply) is never taken for a failure: Apply settles it
// in the same session if that still answers, else in a new one (Reopen),
// with showchanges and each change's setting read back, and says
// committed (Applied), not committed (Failed) or Uncertain.
func Apply(ctx context.Context, r Runner, s Session, opts ApplyOptions) Outcome {
	out := Outcome{Results: make([]Result, len(s.Fixes))}
	a := &applier{r: r, s: s, start: r.Mode(), modes: make([]string, len(s.Fixes)), opts: opts}
	for i, f := range s.Fixes {
		ev, err := a.one(ctx, i, f)
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
	c := CommitCommand(comment)
	timeout := opts.CommitTimeout
	if timeout <= 0 {
		timeout = DefaultCommitTimeout
	}
	text, err := r.Commit(ctx, timeout, c.Line, c.Steps...)
	if err == nil {
		if m := committedRE.FindString(text); m != "" {
			a.eachCommitted(&out, func(res *Result) {
				res.Evidence = append(res.Evidence, a.evidence("commit", strings.TrimSpace(m)))
			})
			return out
		}
		if m := noDataRE.FindString(text); m != "" {
			// Nothing was pending, so nothing can have been committed.
			err = fmt.Errorf("commit: %s", strings.TrimSpace(m))
			a.eachCommitted(&out, func(res *Result) { *res = Result{Status: Failed, Evidence: res.Evidence, Err: err} })
			a.abandon(ctx, &out, len(s.Fixes), nil)
			return out
		}
		err = fmt.Errorf(`commit: no "Changes committed:" line in %q`, firstLines(text, 3))
	}
	a.settle(ctx, &out, err)
	return out
}

type applier struct {
	r     Runner
	s     Session
	start string   // the mode the session logged in in
	modes []string // the mode each fix made its change in ("" for the start)
	opts  ApplyOptions
}

// eachCommitted calls do for the result of every fix that waited for the commit.
func (a *applier) eachCommitted(out *Outcome, do func(*Result)) {
	for i, f := range a.s.Fixes {
		if f.Comment != "" {
			do(&out.Results[i])
		}
	}
}

// one applies fix i: in a cluster, it reads where the setting is defined,
// switches to that level, runs the dialog and switches back.
func (a *applier) one(ctx context.Context, i int, f Fix) ([]Evidence, error) {
	var ev []Evidence
	mode := ""
	if f.Setting != "" && a.s.Cluster != "" {
		cmd := f.LevelCommand
		sl, err := a.r.ReadLevel(ctx, cmd, f.Setting)
		if err != nil {
			if errors.Is(err, ErrNoLevel) {
				return ev, fmt.Errorf(`%s shows no "Settings defined at:" line in cluster mode, so its level is unknown; nothing was changed`, cmd)
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
		if err := setMode(ctx, a.r, mode); err != nil {
			return ev, err
		}
		a.modes[i] = mode
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
		if err := setMode(ctx, a.r, a.start); err != nil {
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

func setMode(ctx context.Context, r Runner, mode string) error {
	if mode == "" || r.Mode() == mode {
		return nil
	}
	if _, err := r.SetMode(ctx, mode); err != nil {
		return fmt.Errorf("clustermode %s: %w", mode, err)
	}
	if got := r.Mode(); got != mode {
		return fmt.Errorf("clustermode %s: the prompt shows %q", mode, got)
	}
	return nil
}

// abandon ends a failed session: back to the main prompt and, if the
// session lives, clearchanges and the starting mode. Fixes from index from
// on that never ran fail with why; fixes before it that waited for the
// commit fail with the same reason. The commit was never sent, so a
// session that ended took the changes with it.
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
	suffix := func(text string) {
		for i, f := range a.s.Fixes {
			if r := &out.Results[i]; r.Status == Failed && f.Comment != "" && r.Err != nil {
				r.Err = fmt.Errorf("%w; %s", r.Err, text)
			}
		}
	}
	if err := a.r.Interrupt(ctx); err != nil {
		suffix("the session ended, so nothing was committed")
		return
	}
	text, err := a.r.Run(ctx, "clearchanges")
	if err != nil {
		suffix("clearchanges failed, so the session's end discards the changes")
		return
	}
	out.Cleared = true
	suffix("clearchanges discarded the uncommitted changes")
	for i := range out.Results {
		if out.Results[i].Status == Failed {
			out.Results[i].Evidence = append(out.Results[i].Evidence, a.evidence("clearchanges", firstLines(text, 1)))
		}
	}
	_ = setMode(ctx, a.r, a.start)
}

// verdict is what settling a commit found.
type verdict struct {
	status Status // Applied (committed), Failed (not committed) or Uncertain
	how    string // how it was established, or why it could not be
	ev     []Evidence
	// cleared: clearchanges ran in the session that sent the commit.
	cleared bool
}

// settle establishes a commit whose reply was not "Changes committed:"
// (cause): in the same session when Ctrl-C brings its prompt back, else in
// a new one. It never guesses: what it cannot prove is Uncertain.
func (a *applier) settle(ctx context.Context, out *Outcome, cause error) {
	var v verdict
	if err := a.r.Interrupt(ctx); err == nil {
		v = a.sameSession(ctx)
		out.Cleared = v.cleared
	} else if a.opts.Reopen == nil {
		v = verdict{status: Uncertain, how: "the session is gone and no new one may be opened"}
	} else if nr, err := a.opts.Reopen(ctx); err != nil {
		v = verdict{status: Uncertain, how: fmt.Sprintf("the session is gone and a new one failed: %v", err)}
	} else {
		v = a.newSession(ctx, nr)
	}
	a.eachCommitted(out, func(res *Result) {
		ev := append(res.Evidence, v.ev...)
		switch v.status {
		case Applied:
			*res = Result{Status: Applied, Evidence: append(ev, a.evidence("commit", "no reply in time ("+cause.Error()+"); "+v.how)),
				Note: "the commit's reply was lost; " + v.how}
		case Failed:
			*res = Result{Status: Failed, Evidence: ev, Err: fmt.Errorf("%w; not committed: %s", cause, v.how)}
		default:
			*res = Result{Status: Uncertain, Evidence: ev, Err: fmt.Errorf("%w; whether it was committed could not be established: %s; check showchanges and the setting on the appliance", cause, v.how)}
		}
	})
}

// sameSession settles the commit in the session that sent it, back at its
// prompt: changes still pending were not committed (and are cleared);
// none pending, the settings read back say which.
func (a *applier) sameSession(ctx context.Context) verdict {
	pending, line, ok, err := a.r.ShowChanges(ctx)
	if err != nil {
		return verdict{status: Uncertain, how: fmt.Sprintf("showchanges: %v", err)}
	}
	var ev []Evidence
	if ok {
		ev = append(ev, a.evidence("showchanges", line))
		if !pending {
			return a.readBack(ctx, a.r, ev, "showchanges lists nothing pending")
		}
	}
	// Pending changes, or no showchanges to tell: clearchanges says
	// whether anything was still pending, and discards it.
	text, err := a.r.Run(ctx, "clearchanges")
	if err != nil {
		return verdict{status: Uncertain, how: fmt.Sprintf("clearchanges: %v", err), ev: ev}
	}
	ev = append(ev, a.evidence("clearchanges", firstLines(text, 1)))
	var v verdict
	switch {
	case clearedRE.MatchString(text):
		v = verdict{status: Failed, how: "the changes were still pending; clearchanges discarded them", ev: ev}
	case ok:
		v = verdict{status: Uncertain, how: fmt.Sprintf("showchanges lists pending changes but clearchanges said %q", firstLines(text, 1)), ev: ev}
	case noClearRE.MatchString(text):
		v = a.readBack(ctx, a.r, ev, "nothing was pending")
	default:
		v = verdict{status: Uncertain, how: fmt.Sprintf("clearchanges said %q", firstLines(text, 1)), ev: ev}
	}
	v.cleared = true
	return v
}

// newSession settles the commit in a new session, opened after the old
// one ended (its uncommitted changes with it): what it reads is committed,
// unless showchanges lists changes that session cannot have made.
func (a *applier) newSession(ctx context.Context, r Runner) verdict {
	pending, line, ok, err := r.ShowChanges(ctx)
	if err != nil {
		return verdict{status: Uncertain, how: fmt.Sprintf("reconnected, then showchanges: %v", err)}
	}
	var ev []Evidence
	basis := "read back in a new session (this release shows no showchanges)"
	if ok {
		ev = append(ev, a.evidence("showchanges", line))
		if pending {
			return verdict{status: Uncertain, how: "a new session's showchanges lists pending changes, so what it reads may not be committed", ev: ev}
		}
		basis = "read back in a new session, showchanges listing nothing pending"
	}
	return a.readBack(ctx, r, ev, basis)
}

// readBack reads every committed fix's setting, each at the level it was
// changed at: all show the change, committed; none, not committed.
func (a *applier) readBack(ctx context.Context, r Runner, ev []Evidence, basis string) verdict {
	start := r.Mode()
	held, missing := 0, 0
	var lines []string
	for i, f := range a.s.Fixes {
		if f.Comment == "" {
			continue
		}
		def, _ := Lookup(f.Action)
		cmd := def.ReadBack()
		if cmd == "" {
			return verdict{status: Uncertain, how: fmt.Sprintf("%s has no setting to read back", f.Action), ev: ev}
		}
		if err := setMode(ctx, r, a.modes[i]); err != nil {
			return verdict{status: Uncertain, how: err.Error(), ev: ev}
		}
		facts, err := r.Read(ctx, cmd)
		if err != nil {
			return verdict{status: Uncertain, how: fmt.Sprintf("read back %s: %v", cmd, err), ev: ev}
		}
		rd := def.Holds(f.Params, facts)
		if !rd.Known {
			return verdict{status: Uncertain, how: fmt.Sprintf("%s shows no setting to read back", cmd), ev: ev}
		}
		ev = append(ev, a.evidence(cmd, rd.Line))
		lines = append(lines, rd.Line)
		if rd.Holds {
			held++
		} else {
			missing++
		}
		if err := setMode(ctx, r, start); err != nil {
			return verdict{status: Uncertain, how: err.Error(), ev: ev}
		}
	}
	got := strings.Join(lines, "; ")
	switch {
	case missing == 0:
		return verdict{status: Applied, how: "committed: " + basis + ": " + got, ev: ev}
	case held == 0:
		return verdict{status: Failed, how: basis + ": " + got, ev: ev}
	}
	return verdict{status: Uncertain, how: "only some changes read back: " + got, ev: ev}
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
