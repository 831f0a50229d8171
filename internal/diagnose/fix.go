package diagnose

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// MaxFixRounds bounds plan, apply and re-check cycles: a fix can reveal the
// next (resume lets Auto reach the SMA, so PVO-003's fix appears), but it
// must never loop.
const MaxFixRounds = 3

// FixOptions say how a --fix run goes.
type FixOptions struct {
	// DryRun shows the plan and changes nothing; saved sessions can only
	// be planned for.
	DryRun bool
	// Only, when set, limits the fixes to these rule IDs (--fix-rule); it
	// is the only way to apply an explicit action.
	Only map[string]bool
	// Confirm asks whether to apply the plan just shown.
	Confirm func() (bool, error)
	// Log receives the plan and what happens, for a person to follow.
	Log io.Writer
	// CommitTimeout bounds each wait of a commit (fix.DefaultCommitTimeout
	// when zero); a fix session may take Config.Timeout plus this.
	CommitTimeout time.Duration
}

// FixRecord is one repair --fix planned or ran, for the report.
type FixRecord struct {
	Rule          string
	Appliance     string
	ApplianceID   facts.ApplianceID
	Action        fix.Action
	Status        fix.Status
	Steps         []string
	CommitComment string
	Evidence      []fix.Evidence
	Error         string
}

// Outcome is a diagnosis: the site as collected (after --fix, as
// re-checked), its rules' result, and with --fix the result before the
// fixes and a record of each.
type Outcome struct {
	Site   *facts.Site
	Result rules.Result
	Before rules.Result
	Fixes  []FixRecord
}

// Needs are the failing findings of res that propose a fix, each with the
// appliance of site it is about.
func Needs(site *facts.Site, res rules.Result) []fix.Need {
	var out []fix.Need
	for _, f := range res.Findings {
		if f.Status != rules.StatusFail || f.Fix == nil {
			continue
		}
		out = append(out, fix.Need{Rule: f.ID, Appliance: applianceNamed(site, f.Appliance), Name: f.Appliance,
			Action: f.Fix.Action, Params: fix.ParamsFrom(f.Fix.Params), Summary: f.Fix.Summary})
	}
	return out
}

// applianceNamed finds the appliance a finding names.
func applianceNamed(site *facts.Site, name string) *facts.Appliance {
	for _, a := range append(append([]*facts.Appliance{}, site.ESAs...), site.SMA) {
		if a != nil && a.Name() == name {
			return a
		}
	}
	return nil
}

// fixRun is one --fix run: the rounds of plan, confirm, apply and re-check.
type fixRun struct {
	cfg     Config
	opts    FixOptions
	records []FixRecord
	// covers[i] lists the appliances records[i]'s change was meant to repair.
	covers [][]string
	// done holds every (rule, appliance) attempted, so a failed fix is not
	// tried again in a later round.
	done map[[2]string]bool
}

// Fix applies the automatic fixes to the site out describes, round after
// round, and returns the site as re-checked after the last. With
// FixOptions.DryRun it only shows the plan, and then cfg is not used: a
// saved session's plan is made the same way.
func Fix(ctx context.Context, cfg Config, out Outcome, opts FixOptions) (Outcome, error) {
	fr := &fixRun{cfg: cfg, opts: opts, done: map[[2]string]bool{}}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	out.Before = out.Result
	for round := 1; round <= MaxFixRounds; round++ {
		plan := fix.NewPlan(fix.Input{
			Site:  out.Site,
			Needs: Needs(out.Site, out.Result),
			Done:  func(rule, app string) bool { return fr.done[[2]string{rule, app}] },
			Only:  opts.Only,
		})
		if round == 1 {
			fmt.Fprintln(log, "\nFix plan:")
		} else if !plan.Empty() {
			fmt.Fprintf(log, "\nThe re-check found more to fix. Fix plan, round %d:\n", round)
		}
		if round == 1 || !plan.Empty() {
			if err := plan.Write(log); err != nil {
				return out, err
			}
		}
		if plan.Empty() {
			if round > 1 {
				fmt.Fprintln(log, "The re-check found nothing more to fix automatically.")
			}
			break
		}
		if opts.DryRun {
			fr.add(plan, fix.Planned, "")
			fmt.Fprintln(log, "\n--dry-run: nothing was changed.")
			break
		}
		ok := false
		if opts.Confirm != nil {
			var err error
			if ok, err = opts.Confirm(); err != nil {
				out.Fixes = fr.records
				return out, err
			}
		}
		if !ok {
			fr.add(plan, fix.Skipped, "not confirmed")
			fmt.Fprintln(log, "Nothing was changed.")
			break
		}
		first := len(fr.records)
		for _, s := range plan.Sessions {
			fr.apply(ctx, s, round, log)
		}
		fmt.Fprintf(log, "\nChecking again after the fixes (round %d)...\n", round)
		out.Site = Collect(ctx, cfg, fmt.Sprintf("recheck%d", round))
		out.Result = rules.Run(out.Site)
		fr.verify(first, out.Result)
	}
	out.Fixes = fr.records
	return out, nil
}

// add records every fix of plan with one status.
func (fr *fixRun) add(plan fix.Plan, st fix.Status, why string) {
	for _, s := range plan.Sessions {
		for _, f := range s.Fixes {
			fr.push(record(s, f, st, why), f)
		}
	}
}

func (fr *fixRun) push(rec FixRecord, f fix.Fix) {
	fr.records = append(fr.records, rec)
	fr.covers = append(fr.covers, f.Covers)
}

func record(s fix.Session, f fix.Fix, st fix.Status, why string) FixRecord {
	steps := f.Lines(s)
	comment := ""
	if f.Comment != "" {
		comment = s.Comment()
		steps = append(steps, fix.CommitCommand(comment).Lines()...)
	}
	return FixRecord{Rule: f.Rule, Appliance: f.Appliance, ApplianceID: s.ID, Action: f.Action, Status: st,
		Steps: steps, CommitComment: comment, Error: why}
}

// target finds the appliance a fix session is for, by its stable ID.
func (fr *fixRun) target(id facts.ApplianceID) (Identity, bool) {
	for _, t := range fr.cfg.Targets {
		if t.ID == id {
			return t, true
		}
	}
	return Identity{}, false
}

// apply runs one appliance's fixes over a session of its own.
func (fr *fixRun) apply(ctx context.Context, s fix.Session, round int, log io.Writer) {
	for _, f := range s.Fixes {
		for _, a := range f.Covers {
			fr.done[[2]string{f.Rule, a}] = true
		}
	}
	t, ok := fr.target(s.ID)
	if !ok {
		for _, f := range s.Fixes {
			fr.push(record(s, f, fix.Failed, "no appliance "+s.Address+" on the command line"), f)
		}
		return
	}
	commitTimeout := fr.opts.CommitTimeout
	if commitTimeout <= 0 {
		commitTimeout = fix.DefaultCommitTimeout
	}
	// The commit gets its own deadline on top of the dialogs' run time, so
	// a slow commit is not cut short by the time the dialogs took.
	ctx, cancel := context.WithTimeout(ctx, fr.cfg.Timeout+commitTimeout)
	defer cancel()
	fmt.Fprintf(log, "\nFixing %s...\n", s.Appliance)
	tag := fmt.Sprintf("fix%d", round)
	sess, step, err := open(ctx, fr.cfg, t, tag, nil)
	if err != nil {
		for _, f := range s.Fixes {
			fr.push(record(s, f, fix.Failed, fmt.Sprintf("%s: %v; nothing was changed", step, err)), f)
		}
		fmt.Fprintf(log, "  failed to %s: %v\n", step, err)
		return
	}
	// With nothing pending, exit asks nothing; with something pending, the
	// dropped session discards it.
	defer func() { sess.Close() }()
	reopen := func(ctx context.Context) (fix.Runner, error) {
		// The old session ends first, taking anything uncommitted with it,
		// so what the new one reads is what the appliance runs with.
		sess.Close()
		fmt.Fprintf(log, "  the commit's reply was lost; reconnecting to establish whether it was committed...\n")
		ns, step, err := open(ctx, fr.cfg, t, tag+"-settle", nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", step, err)
		}
		sess = ns
		return fixRunner{ns}, nil
	}
	out := fix.Apply(ctx, fixRunner{sess}, s, fix.ApplyOptions{CommitTimeout: commitTimeout, Reopen: reopen})
	for i, f := range s.Fixes {
		r := out.Results[i]
		rec := record(s, f, r.Status, "")
		rec.Evidence = r.Evidence
		if r.Err != nil {
			rec.Error = r.Err.Error()
		}
		fr.push(rec, f)
		fmt.Fprintf(log, "  %s: %s", f.Rule, rec.Status)
		switch {
		case rec.Error != "":
			fmt.Fprintf(log, ": %s", rec.Error)
		case r.Note != "":
			fmt.Fprintf(log, " (%s)", r.Note)
		}
		fmt.Fprintln(log)
	}
}

// verify marks the records from index first on as verified where the
// re-check passes the rule on every appliance the fix covers.
func (fr *fixRun) verify(first int, res rules.Result) {
	status := map[[2]string]rules.Status{}
	for _, f := range res.Findings {
		status[[2]string{f.ID, f.Appliance}] = f.Status
	}
	for i := first; i < len(fr.records); i++ {
		rec := &fr.records[i]
		if rec.Status != fix.Applied {
			continue
		}
		var still []string
		for _, a := range fr.covers[i] {
			if st := status[[2]string{rec.Rule, a}]; st != rules.StatusPass {
				still = append(still, fmt.Sprintf("%s is %s on %s", rec.Rule, orNone(st), a))
			}
		}
		if len(still) == 0 {
			rec.Status = fix.Verified
			continue
		}
		rec.Error = "applied, but the re-check says " + strings.Join(still, "; ")
	}
}

func orNone(st rules.Status) string {
	if st == "" {
		return "not judged"
	}
	return string(st)
}

// fixRunner adapts a session to the runner fix drives.
type fixRunner struct{ s *session.Session }

func (r fixRunner) Mode() string { return asyncos.ModeOf(r.s.Prompt()) }

func (r fixRunner) Run(ctx context.Context, command string) (string, error) {
	return r.s.Run(ctx, command)
}

// ReadLevel reads a setting's level with the one level reader, asyncos's.
func (r fixRunner) ReadLevel(ctx context.Context, command string, setting facts.Setting) (*facts.SettingLevel, error) {
	text, err := r.s.Run(ctx, command)
	if err != nil {
		return nil, err
	}
	sl, err := asyncos.ReadLevel(text, setting, r.Mode())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", fix.ErrNoLevel, err)
	}
	return sl, nil
}

func (r fixRunner) SetMode(ctx context.Context, mode string) (string, error) {
	return r.s.SetMode(ctx, mode)
}

func (r fixRunner) Interrupt(ctx context.Context) error { return r.s.Interrupt(ctx) }

func (r fixRunner) Commit(ctx context.Context, timeout time.Duration, command string, steps ...fix.Step) (string, error) {
	return r.Dialog(session.WithStepTimeout(ctx, timeout), command, steps...)
}

// Read parses a settings command with the parser the collection uses.
func (r fixRunner) Read(ctx context.Context, command string) (*facts.Appliance, error) {
	text, err := r.s.Run(ctx, command)
	if err != nil {
		return nil, err
	}
	a := &facts.Appliance{}
	switch command {
	case "deliveryconfig":
		a.Delivery, _, err = asyncos.ParseDeliveryConfig(text)
	case "sslconfig":
		a.SSL, _, err = asyncos.ParseSSLConfig(text)
	default:
		err = fmt.Errorf("no parser to read back %s", command)
	}
	return a, err
}

// ShowChanges reads showchanges with asyncos's parser. A release without
// the command refuses it, and output the parser does not take proves
// nothing: then ok is false.
func (r fixRunner) ShowChanges(ctx context.Context) (pending bool, line string, ok bool, err error) {
	text, err := r.s.Run(ctx, "showchanges")
	if session.IsRefused(err) {
		return false, "", false, nil
	}
	if err != nil {
		return false, "", false, err
	}
	pc, _, perr := asyncos.ParseShowChanges(text)
	if perr != nil {
		return false, "", false, nil
	}
	line = "{}"
	if len(pc.Lines) > 0 {
		line = pc.Lines[0]
	}
	return pc.Pending, line, true, nil
}

// Dialog also fails when a question comes after the last answer: the
// channel ends such a dialog without error and stays at the question.
func (r fixRunner) Dialog(ctx context.Context, command string, steps ...fix.Step) (string, error) {
	cs := make([]session.Step, len(steps))
	for i, st := range steps {
		cs[i] = session.Step{Expect: st.Expect, Answer: st.Answer, Choose: st.Choose, Default: st.Default, Optional: st.Optional}
	}
	out, err := r.s.Dialog(ctx, command, cs...)
	if err == nil {
		last := out[strings.LastIndex(out, "\n")+1:]
		if strings.HasSuffix(strings.TrimRight(last, " "), ">") {
			err = fmt.Errorf("%s: unexpected prompt %q after the last answer", command, strings.TrimSpace(last))
		}
	}
	return out, err
}

var _ fix.Runner = fixRunner{}
