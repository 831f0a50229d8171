package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// TextWriter writes the terminal report: one block per appliance, failures
// first, each finding with its evidence and fix, then the summary and the
// manual checks. Color turns on ANSI colour; it never reads the global
// color.NoColor, so parallel writers cannot disturb each other.
type TextWriter struct {
	Color bool
}

type textStyle struct {
	bold, dim, fail, unknown, pass *color.Color
}

func newTextStyle(on bool) textStyle {
	s := textStyle{
		bold:    color.New(color.Bold),
		dim:     color.New(color.Faint),
		fail:    color.New(color.FgRed, color.Bold),
		unknown: color.New(color.FgYellow, color.Bold),
		pass:    color.New(color.FgGreen),
	}
	for _, c := range []*color.Color{s.bold, s.dim, s.fail, s.unknown, s.pass} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return s
}

func (s textStyle) status(st rules.Status) string {
	label := fmt.Sprintf("%-8s", statusLabel(st))
	switch st {
	case rules.StatusFail:
		return s.fail.Sprint(label)
	case rules.StatusUnknown:
		return s.unknown.Sprint(label)
	case rules.StatusPass:
		return s.pass.Sprint(label)
	}
	return s.dim.Sprint(label)
}

func (t TextWriter) Write(w io.Writer, r *Report) error {
	st := newTextStyle(t.Color)
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s: %s report, started %s, %d ms\n",
		clean(r.Tool.Name), clean(r.Tool.Version), clean(string(r.Mode)), clean(r.StartedAt), r.DurationMS)

	const indent = "         "
	if len(r.Findings) == 0 {
		b.WriteString("\nNo findings: no rule could judge what was collected.\n")
	}
	for _, g := range r.groups() {
		b.WriteString("\n")
		b.WriteString(st.bold.Sprint(clean(orDash(g.Name))))
		if a := g.Appliance; a != nil {
			fmt.Fprintf(&b, " (%s)", clean(applianceLine(a)))
		}
		b.WriteString("\n")
		if a := g.Appliance; a != nil && a.Pending != "" {
			b.WriteString(st.dim.Sprint("         "+clean(a.Pending)) + "\n")
		}
		for _, n := range g.Notes() {
			b.WriteString(st.dim.Sprint("         note: "+clean(n)) + "\n")
		}
		if g.Unreached() {
			ids := make([]string, len(g.Findings))
			for i, f := range g.Findings {
				ids[i] = clean(f.ID)
			}
			fmt.Fprintf(&b, "%s not reached: %d rules unknown (%s)\n", st.status(rules.StatusUnknown), len(ids), strings.Join(ids, ", "))
			for _, e := range g.Appliance.Errors {
				writeIndented(&b, indent, e.Step+": "+e.Message)
			}
			continue
		}
		for _, f := range g.Findings {
			fmt.Fprintf(&b, "%s %s  %s", st.status(f.Status), clean(f.ID), clean(f.Title))
			if f.Severity != "" && f.Status == rules.StatusFail {
				fmt.Fprintf(&b, " [%s]", clean(string(f.Severity)))
			}
			b.WriteString("\n")
			writeIndented(&b, indent, f.Summary)
			if f.StatusBefore != "" && f.StatusBefore != f.Status {
				writeIndented(&b, indent, "before fixes: "+string(f.StatusBefore))
			}
			if f.Status == rules.StatusFail || f.Status == rules.StatusUnknown {
				if f.Expected != "" {
					writeIndented(&b, indent, "expected: "+f.Expected)
				}
				if f.Actual != "" {
					writeIndented(&b, indent, "actual:   "+f.Actual)
				}
			}
			// A person reading a terminal needs the evidence of what is
			// wrong or undecided; a pass's evidence is in the other formats.
			if f.Status == rules.StatusFail || f.Status == rules.StatusUnknown {
				for _, e := range f.Evidence {
					b.WriteString(indent + st.dim.Sprint("evidence: "+clean(evidenceHead(e))) + "\n")
					for _, l := range e.Lines {
						b.WriteString(indent + "  | " + clean(l) + "\n")
					}
				}
			}
			if f.Fix != nil && (f.Status == rules.StatusFail || f.Status == rules.StatusUnknown) {
				line := "fix: " + f.Fix.Summary + f.FixHint()
				writeIndented(&b, indent, line)
				for i, s := range f.Fix.Steps {
					fmt.Fprintf(&b, "%s  %d. %s\n", indent, i+1, clean(stepText(s)))
				}
			}
		}
		if a := g.Appliance; a != nil && len(a.Errors) > 0 {
			b.WriteString(st.unknown.Sprint("errors:") + "\n")
			for _, e := range a.Errors {
				fmt.Fprintf(&b, "  - %s: %s\n", clean(e.Step), clean(e.Message))
			}
		}
	}

	if len(r.Fixes) > 0 {
		b.WriteString("\n" + st.bold.Sprint("Fixes:") + "\n")
		for _, fx := range r.Fixes {
			fmt.Fprintf(&b, "  %s on %s: %s (%s)\n", clean(fx.Rule), clean(fx.Appliance), clean(string(fx.Action)), clean(string(fx.Status)))
			for i, s := range fx.Steps {
				fmt.Fprintf(&b, "    %d. %s\n", i+1, clean(stepText(s)))
			}
			for _, e := range fx.Evidence {
				for _, l := range e.Lines {
					b.WriteString("    | " + clean(l) + "\n")
				}
			}
			if fx.Error != "" {
				b.WriteString("    error: " + clean(fx.Error) + "\n")
			}
		}
	}

	s := r.Summary
	fmt.Fprintf(&b, "\n%s %d fail, %d unknown, %d pass, %d not applicable\n",
		st.bold.Sprint("Summary:"), s.Fail, s.Unknown, s.Pass, s.NotApplicable)

	if len(r.ManualChecks) > 0 {
		b.WriteString("\n" + st.bold.Sprint("Manual checks (confirm by hand):") + "\n")
		for _, m := range r.ManualChecks {
			fmt.Fprintf(&b, "  %s on %s: %s\n", clean(m.ID), clean(orDash(m.Appliance)), clean(m.Summary))
			for i, s := range m.Steps {
				fmt.Fprintf(&b, "    %d. %s\n", i+1, clean(s))
			}
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

// applianceLine is "esa, AsyncOS 14.2.0-620, cluster X, file.log", leaving
// out what is not known.
func applianceLine(a *Appliance) string {
	parts := []string{string(a.Role)}
	if a.Version != "" {
		parts = append(parts, "AsyncOS "+a.Version)
	}
	switch a.Cluster {
	case "":
	case "standalone":
		parts = append(parts, "standalone")
	default:
		parts = append(parts, "cluster "+a.Cluster)
	}
	if a.Address != "" && a.Address != a.Hostname {
		parts = append(parts, a.Address)
	}
	return strings.Join(parts, ", ")
}

// evidenceHead is the prompt-like line naming where evidence came from.
func evidenceHead(e Evidence) string {
	switch {
	case e.Appliance != "" && e.Command != "":
		return e.Appliance + "> " + e.Command
	case e.Command != "":
		return e.Command
	}
	return e.Appliance
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeIndented writes s with every line indented, so a multi-line summary
// stays inside its finding.
func writeIndented(b *bytes.Buffer, indent, s string) {
	if s == "" {
		return
	}
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(indent + clean(l) + "\n")
	}
}

// clean makes appliance-supplied text safe for a terminal: control
// characters (an ESC in a captured transcript, a stray CR) are shown as
// escapes instead of being obeyed.
func clean(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// cleanLines is clean for a whole rendered document: line breaks stay.
func cleanLines(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && isControl(r) }) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = clean(l)
	}
	return strings.Join(lines, "\n")
}
