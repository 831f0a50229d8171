package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

type RulesOptions struct {
	IO *IOStreams
	// ID is the rule to explain; "" lists every rule.
	ID string
}

func NewCmdRules(ios *IOStreams, runF func(*RulesOptions) error) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	return &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the diagnosis rules, or explain one",
		Long: `Without an argument, list every rule: its ID, the documented case it covers,
its severity, whether pvo-doctor can apply its fix (auto; named: only when the
rule is named with --fix-rule; manual), and what it looks at.
With a rule ID (e.g. PVO-004), explain that rule: what it reads, when it
passes, fails or cannot decide, and the fix it proposes.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: ruleIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return rulesRun(opts)
		},
	}
}

func rulesRun(opts *RulesOptions) error {
	if opts.ID == "" {
		return listRules(opts.IO.Out, rules.All())
	}
	r, ok := rules.ByID(opts.ID)
	if !ok {
		ids := make([]string, 0, len(rules.All()))
		for _, r := range rules.All() {
			ids = append(ids, r.ID)
		}
		return usageError("unknown rule %q (valid: %s)", opts.ID, strings.Join(ids, ", "))
	}
	return explainRule(opts.IO.Out, r)
}

func fixKind(f *rules.Fix) string {
	switch {
	case f != nil && f.Automatic && f.Explicit:
		return "named"
	case f != nil && f.Automatic:
		return "auto"
	}
	return "manual"
}

func listRules(w io.Writer, all []rules.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCASE\tSEVERITY\tFIX\tTITLE\tLOOKS AT")
	for _, r := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, caseLabel(r.Case), r.Severity, fixKind(r.Fix), r.Title, strings.Join(r.Commands, "; "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nFIX: auto = applied by --fix; named = applied only when the rule is named (--fix-rule ID); manual = steps shown.\n"+
		"Run 'pvo-doctor rules ID' for a rule's criteria and fix.")
	return err
}

func caseLabel(c int) string {
	if c == 0 {
		return "-"
	}
	return fmt.Sprint(c)
}

func explainRule(w io.Writer, r rules.Rule) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", r.ID, r.Title)
	fix := "manual"
	switch fixKind(r.Fix) {
	case "auto":
		fix = "automatic with --fix"
	case "named":
		fix = "automatic only when named: --fix-rule " + r.ID
	}
	fmt.Fprintf(&b, "case %s, severity %s, fix %s\n\n", caseLabel(r.Case), r.Severity, fix)
	b.WriteString(wrap(r.Description, "", 78))
	b.WriteString("\nLooks at:\n")
	for _, c := range r.Commands {
		b.WriteString(wrap(c, "  - ", 78))
	}
	for _, s := range []struct{ label, text string }{
		{"Passes when", r.Pass}, {"Fails when", r.Fail}, {"Unknown when", r.Unknown},
	} {
		fmt.Fprintf(&b, "\n%s:\n", s.label)
		b.WriteString(wrap(s.text, "  ", 78))
	}
	if r.Fix != nil {
		b.WriteString("\nFix:\n")
		b.WriteString(wrap(r.Fix.Summary, "  ", 78))
		for i, s := range r.Fix.Steps {
			b.WriteString(wrap(s, fmt.Sprintf("  %d. ", i+1), 78))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap fills text to width, the first line after prefix and the rest
// indented to match it.
func wrap(text, prefix string, width int) string {
	var b strings.Builder
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}
