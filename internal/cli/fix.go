package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// fixFlags are --fix, --dry-run, --yes and --fix-rule, shared by check and
// demo (and analyze, which can only plan).
type fixFlags struct {
	Fix    bool
	DryRun bool
	Yes    bool
	// Rules, from --fix-rule, limits the fixes to these rule IDs and is the
	// only way to apply an explicit fix (PVO-105's resumetransfers).
	Rules []string
	// CommitTimeout bounds each wait of a fix's commit (--commit-timeout).
	CommitTimeout time.Duration
}

func addFixFlags(cmd *cobra.Command, ff *fixFlags) {
	f := cmd.Flags()
	f.BoolVar(&ff.Fix, "fix", false, "apply the automatic fixes ("+fixHelp(", ")+") after showing the plan, then check again")
	f.BoolVar(&ff.DryRun, "dry-run", false, "with --fix: show the plan and change nothing")
	f.BoolVar(&ff.Yes, "yes", false, "with --fix: apply without asking (needed when stdin is not a terminal)")
	f.StringArrayVar(&ff.Rules, "fix-rule", nil, "fix only this rule `ID` (repeatable; implies --fix); the only way to apply PVO-105's resumetransfers")
	f.DurationVar(&ff.CommitTimeout, "commit-timeout", fix.DefaultCommitTimeout, "with --fix: deadline for a commit's reply (longer than --step-timeout: a commit may take minutes); a commit whose reply is lost is then established by reconnecting")
	_ = cmd.RegisterFlagCompletionFunc("fix-rule", ruleIDs)
}

// fixHelp names, for --help, each rule a plain --fix repairs and how,
// from the fix actions' own definitions.
func fixHelp(sep string) string {
	var parts []string
	for _, r := range rules.All() {
		if r.Fix == nil || !r.Fix.Automatic {
			continue
		}
		if d, ok := fix.Lookup(r.Fix.Action); ok && !d.Explicit {
			parts = append(parts, r.ID+" "+d.Help)
		}
	}
	return strings.Join(parts, sep)
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
	if ff.CommitTimeout < 0 {
		return usageError("--commit-timeout must not be negative, got %s", ff.CommitTimeout)
	}
	if !ff.Fix && (ff.DryRun || ff.Yes) {
		return usageError("--dry-run and --yes only go with --fix")
	}
	return nil
}

// fixOptions are the driver's options for these flags: the plan and what
// happens go to stderr, and the confirmation is asked on the terminal
// (answers keeps the reader across rounds). Ctrl-C (the end of ctx) at the
// question is a "no" that ends the run, not a wait for Enter.
func (ff fixFlags) fixOptions(ctx context.Context, ios *IOStreams, answers **bufio.Reader) diagnose.FixOptions {
	var only map[string]bool
	if len(ff.Rules) > 0 {
		only = map[string]bool{}
		for _, id := range ff.Rules {
			only[id] = true
		}
	}
	return diagnose.FixOptions{DryRun: ff.DryRun, Only: only, Log: ios.ErrOut, CommitTimeout: ff.CommitTimeout,
		Confirm: func() (bool, error) { return ff.confirm(ctx, ios, answers) }}
}

// confirm asks on the terminal, or takes --yes; without either it refuses.
func (ff fixFlags) confirm(ctx context.Context, ios *IOStreams, answers **bufio.Reader) (bool, error) {
	if ff.Yes {
		return true, nil
	}
	if !ios.IsStdinTTY() {
		return false, usageError("--fix changes the appliances and stdin is not a terminal to confirm on: use --yes to apply without asking, or --dry-run")
	}
	if answers == nil {
		answers = new(*bufio.Reader)
	}
	if *answers == nil {
		*answers = bufio.NewReader(ios.In)
	}
	fmt.Fprint(ios.ErrOut, "\nApply these changes? [y/N] ")
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	r := *answers
	go func() {
		line, err := r.ReadString('\n')
		got <- answer{line, err}
	}()
	var line string
	var err error
	select {
	case a := <-got:
		line, err = a.line, a.err
	case <-ctx.Done():
		fmt.Fprintln(ios.ErrOut)
		return false, ctx.Err()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// addFixes puts the run's fixes, and each finding's status before them,
// into the report.
func addFixes(rep *report.Report, out diagnose.Outcome) {
	rep.SetStatusBefore(out.Before)
	for _, fr := range out.Fixes {
		ev := make([]rules.Evidence, len(fr.Evidence))
		for i, e := range fr.Evidence {
			ev[i] = rules.Evidence{Appliance: e.Appliance, Command: e.Command, Lines: e.Lines}
		}
		rep.AddFix(report.FixRecord{Rule: fr.Rule, Appliance: fr.Appliance, Action: fr.Action,
			Status: report.FixStatus(fr.Status), Steps: fr.Steps, CommitComment: fr.CommitComment,
			Evidence: ev, Error: fr.Error})
	}
}
