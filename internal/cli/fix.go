package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// maxFixRounds bounds plan, apply and re-check cycles: a fix can reveal the
// next (resume lets Auto reach the SMA, so PVO-003's fix appears), but it
// must never loop.
const maxFixRounds = 3

// fixFlags are --fix, --dry-run and --yes, shared by check and demo.
type fixFlags struct {
	Fix    bool
	DryRun bool
	Yes    bool
	// Rules, from --fix-rule, limits the fixes to these rule IDs and is the
	// only way to apply an explicit fix (PVO-105's resumetransfers).
	Rules []string
}

func addFixFlags(cmd *cobra.Command, ff *fixFlags) {
	f := cmd.Flags()
	f.BoolVar(&ff.Fix, "fix", false, "apply the automatic fixes (resume, deliveryconfig, sslconfig) after showing the plan, then check again")
	f.BoolVar(&ff.DryRun, "dry-run", false, "with --fix: show the plan and change nothing")
	f.BoolVar(&ff.Yes, "yes", false, "with --fix: apply without asking (needed when stdin is not a terminal)")
	f.StringArrayVar(&ff.Rules, "fix-rule", nil, "fix only this rule `ID` (repeatable; implies --fix); the only way to apply PVO-105's resumetransfers")
}

func (ff *fixFlags) validate() error {
	for i, id := range ff.Rules {
		r, ok := rules.ByID(id)
		if !ok {
			return usageError("--fix-rule: unknown rule %q (see 'pvo-doctor rules')", id)
		}
		ff.Rules[i] = r.ID
		ff.Fix = true
	}
	if !ff.Fix && (ff.DryRun || ff.Yes) {
		return usageError("--dry-run and --yes only go with --fix")
	}
	return nil
}

// named returns the set of rules given with --fix-rule; nil means every rule.
func (ff fixFlags) named() map[string]bool {
	if len(ff.Rules) == 0 {
		return nil
	}
	m := map[string]bool{}
	for _, id := range ff.Rules {
		m[id] = true
	}
	return m
}

// fixRun is one --fix run: the rounds of plan, confirm, apply and re-check.
type fixRun struct {
	opts    *CheckOptions
	ts      []target
	pvoHost string
	pvoPort int
	records []report.FixRecord
	// covers[i] lists the appliances records[i]'s change was meant to repair.
	covers [][]string
	// done holds every (rule, appliance) attempted, so a failed fix is not
	// tried again in a later round.
	done map[[2]string]bool
}

// fixRounds applies the automatic fixes to the site col describes and
// returns the site as re-checked after the last round, its rules' result
// and a record of every fix.
func fixRounds(ctx context.Context, opts *CheckOptions, ts []target, pvoHost string, pvoPort int,
	col *collected, res rules.Result) (*collected, rules.Result, []report.FixRecord, error) {
	fr := &fixRun{opts: opts, ts: ts, pvoHost: pvoHost, pvoPort: pvoPort, done: map[[2]string]bool{}}
	errOut := opts.IO.ErrOut
	for round := 1; round <= maxFixRounds; round++ {
		plan := fix.NewPlan(fix.Input{
			Site:     col.site,
			Findings: res.Findings,
			Output:   col.output,
			Done:     func(rule, app string) bool { return fr.done[[2]string{rule, app}] },
			Only:     opts.named(),
		})
		if round == 1 {
			fmt.Fprintln(errOut, "\nFix plan:")
		} else if !plan.Empty() {
			fmt.Fprintf(errOut, "\nThe re-check found more to fix. Fix plan, round %d:\n", round)
		}
		if round == 1 || !plan.Empty() {
			if err := plan.Write(errOut); err != nil {
				return col, res, fr.records, err
			}
		}
		if plan.Empty() {
			if round > 1 {
				fmt.Fprintln(errOut, "The re-check found nothing more to fix automatically.")
			}
			break
		}
		if opts.DryRun {
			fr.add(plan, report.FixPlanned, "")
			fmt.Fprintln(errOut, "\n--dry-run: nothing was changed.")
			break
		}
		ok, err := fr.confirm()
		if err != nil {
			return col, res, fr.records, err
		}
		if !ok {
			fr.add(plan, report.FixSkipped, "not confirmed")
			fmt.Fprintln(errOut, "Nothing was changed.")
			break
		}
		first := len(fr.records)
		for _, s := range plan.Sessions {
			fr.apply(ctx, s, round)
		}
		fmt.Fprintf(errOut, "\nChecking again after the fixes (round %d)...\n", round)
		col = collectSite(ctx, opts, ts, pvoHost, pvoPort, fmt.Sprintf("recheck%d", round))
		res = rules.Run(col.site)
		fr.verify(first, res)
	}
	return col, res, fr.records, nil
}

// confirm asks on the terminal, or takes --yes; without either it refuses.
func (fr *fixRun) confirm() (bool, error) {
	if fr.opts.Yes {
		return true, nil
	}
	ios := fr.opts.IO
	if !ios.IsStdinTTY() {
		return false, usageError("--fix changes the appliances and stdin is not a terminal to confirm on: use --yes to apply without asking, or --dry-run")
	}
	if fr.opts.answers == nil {
		fr.opts.answers = bufio.NewReader(ios.In)
	}
	fmt.Fprint(ios.ErrOut, "\nApply these changes? [y/N] ")
	line, err := fr.opts.answers.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// add records every fix of plan with one status.
func (fr *fixRun) add(plan fix.Plan, st report.FixStatus, why string) {
	for _, s := range plan.Sessions {
		for _, f := range s.Fixes {
			fr.push(record(s, f, st, why), f)
		}
	}
}

func (fr *fixRun) push(rec report.FixRecord, f fix.Fix) {
	fr.records = append(fr.records, rec)
	fr.covers = append(fr.covers, f.Covers)
}

func record(s fix.Session, f fix.Fix, st report.FixStatus, why string) report.FixRecord {
	steps := f.Lines(s)
	comment := ""
	if f.Comment != "" {
		comment = s.Comment()
		steps = append(steps, fix.CommitCommand(comment).Lines()...)
	}
	return report.FixRecord{Rule: f.Rule, Appliance: f.Appliance, Action: f.Action, Status: st,
		Steps: steps, CommitComment: comment, Error: why}
}

// apply runs one appliance's fixes over a session of its own.
func (fr *fixRun) apply(ctx context.Context, s fix.Session, round int) {
	for _, f := range s.Fixes {
		for _, a := range f.Covers {
			fr.done[[2]string{f.Rule, a}] = true
		}
	}
	t, ok := fr.target(s.Address)
	errOut := fr.opts.IO.ErrOut
	if !ok {
		for _, f := range s.Fixes {
			fr.push(record(s, f, report.FixFailed, "no appliance "+s.Address+" on the command line"), f)
		}
		return
	}
	ctx, cancel := context.WithTimeout(ctx, fr.opts.Timeout)
	defer cancel()
	fmt.Fprintf(errOut, "\nFixing %s...\n", s.Appliance)
	ch, done, step, err := openSession(ctx, fr.opts, t, fr.opts.secretSource(), fmt.Sprintf("fix%d", round), func(string) {})
	if err != nil {
		for _, f := range s.Fixes {
			fr.push(record(s, f, report.FixFailed, fmt.Sprintf("%s: %v; nothing was changed", step, err)), f)
		}
		fmt.Fprintf(errOut, "  failed to %s: %v\n", step, err)
		return
	}
	defer done()
	out := fix.Apply(ctx, fixRunner{ch}, s)
	// With nothing pending, exit asks nothing; with something pending, the
	// dropped session discards it.
	_ = ch.Send("exit", false)
	for i, f := range s.Fixes {
		r := out.Results[i]
		rec := record(s, f, report.FixApplied, "")
		rec.Evidence = r.Evidence
		if r.Status == fix.Failed {
			rec.Status = report.FixFailed
			rec.Error = r.Err.Error()
			switch {
			case out.Cleared:
				rec.Error += "; clearchanges discarded the uncommitted changes"
			case f.Comment != "":
				rec.Error += "; the session ended, so nothing was committed"
			}
		}
		fr.push(rec, f)
		fmt.Fprintf(errOut, "  %s: %s", f.Rule, rec.Status)
		if rec.Error != "" {
			fmt.Fprintf(errOut, ": %s", rec.Error)
		}
		fmt.Fprintln(errOut)
	}
}

func (fr *fixRun) target(spec string) (target, bool) {
	for _, t := range fr.ts {
		if t.spec == spec {
			return t, true
		}
	}
	return target{}, false
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
		if rec.Status != report.FixApplied {
			continue
		}
		var still []string
		for _, a := range fr.covers[i] {
			if st := status[[2]string{rec.Rule, a}]; st != rules.StatusPass {
				still = append(still, fmt.Sprintf("%s is %s on %s", rec.Rule, orNone(st), a))
			}
		}
		if len(still) == 0 {
			rec.Status = report.FixVerified
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

// fixRunner adapts a channel to the runner fix drives.
type fixRunner struct{ ch *channel.Channel }

func (r fixRunner) Prompt() string { return r.ch.Prompt() }

func (r fixRunner) Run(ctx context.Context, command string) (string, error) {
	return r.ch.Run(ctx, command)
}

func (r fixRunner) SetMode(ctx context.Context, mode string) (string, error) {
	return r.ch.SetMode(ctx, mode)
}

func (r fixRunner) Interrupt(ctx context.Context) error { return r.ch.Interrupt(ctx) }

// Dialog also fails when a question comes after the last answer: the
// channel ends such a dialog without error and stays at the question.
func (r fixRunner) Dialog(ctx context.Context, command string, steps ...fix.Step) (string, error) {
	cs := make([]channel.Step, len(steps))
	for i, st := range steps {
		cs[i] = channel.Step{Expect: st.Expect, Answer: st.Answer, Choose: st.Choose, Default: st.Default, Optional: st.Optional}
	}
	out, err := r.ch.Dialog(ctx, command, cs...)
	if err == nil {
		last := out[strings.LastIndex(out, "\n")+1:]
		if strings.HasSuffix(strings.TrimRight(last, " "), ">") {
			err = fmt.Errorf("%s: unexpected prompt %q after the last answer", command, strings.TrimSpace(last))
		}
	}
	return out, err
}
