package report

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// MarkdownWriter writes a report to attach to a ticket: a summary table,
// the findings with their evidence in code blocks, fixes, manual checks and
// the environment. Everything taken from an appliance is escaped, so a
// hostile hostname or output line cannot break a table, a code block or
// inject HTML.
type MarkdownWriter struct{}

func (MarkdownWriter) Write(w io.Writer, r *Report) error {
	var b bytes.Buffer
	s := r.Summary
	fmt.Fprintf(&b, "# %s report: %d fail, %d unknown, %d pass, %d not applicable\n\n",
		mdText(r.Tool.Name), s.Fail, s.Unknown, s.Pass, s.NotApplicable)

	b.WriteString("## Summary\n\n")
	b.WriteString("| Fail | Unknown | Pass | Not applicable |\n|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d |\n\n", s.Fail, s.Unknown, s.Pass, s.NotApplicable)
	groups := r.groups()
	if len(r.Findings) > 0 {
		b.WriteString("| Status | Rule | Appliance | Title |\n|---|---|---|---|\n")
		for _, g := range groups {
			for _, f := range g.Findings {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n",
					mdStatus(f.Status), mdText(f.ID), mdText(orDash(f.Appliance)), mdText(f.Title))
			}
		}
		b.WriteString("\n")
	}

	b.WriteString("## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n\n")
	}
	for _, g := range groups {
		// An appliance without findings still gets its heading when
		// showchanges was read: that line is the proof the check left
		// nothing pending on it.
		if !g.Headed() {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n", mdText(orDash(g.Name)))
		if p := g.Pending(); p != "" {
			b.WriteString(mdPara(p) + "\n\n")
		}
		for _, n := range g.Notes() {
			b.WriteString("Note: " + mdPara(n) + "\n\n")
		}
		if g.Unreached() {
			ids := make([]string, len(g.Findings))
			for i, f := range g.Findings {
				ids[i] = f.ID
			}
			fmt.Fprintf(&b, "**Not reached**: %d rules unknown (%s).\n\n", len(ids), mdText(strings.Join(ids, ", ")))
			for _, e := range g.Appliance.Errors {
				fmt.Fprintf(&b, "- %s: %s\n", mdText(e.Step), mdText(e.Message))
			}
			b.WriteString("\n")
			continue
		}
		for _, f := range g.Findings {
			writeMDFinding(&b, f)
		}
	}

	if len(r.Fixes) > 0 {
		b.WriteString("## Fixes\n\n")
		b.WriteString("| Rule | Appliance | Action | Status | Error |\n|---|---|---|---|---|\n")
		for _, fx := range r.Fixes {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdText(fx.Rule), mdText(fx.Appliance),
				mdText(string(fx.Action)), mdText(string(fx.Status)), mdText(fx.Error))
		}
		b.WriteString("\n")
		for _, fx := range r.Fixes {
			if len(fx.Steps) == 0 && len(fx.Evidence) == 0 && fx.CommitComment == "" {
				continue
			}
			fmt.Fprintf(&b, "#### %s on %s\n\n", mdText(fx.Rule), mdText(fx.Appliance))
			writeMDSteps(&b, fx.Steps)
			if fx.CommitComment != "" {
				fmt.Fprintf(&b, "Commit comment: %s\n\n", mdCode(fx.CommitComment))
			}
			for _, e := range fx.Evidence {
				writeMDEvidence(&b, Evidence(e))
			}
		}
	}

	if len(r.ManualChecks) > 0 {
		b.WriteString("## Manual checks\n\n")
		b.WriteString("No CLI shows these; a person must confirm them.\n\n")
		for _, m := range r.ManualChecks {
			fmt.Fprintf(&b, "- [ ] **%s** on %s: %s\n", mdText(m.ID), mdText(orDash(m.Appliance)), mdText(m.Summary))
			for i, st := range m.Steps {
				fmt.Fprintf(&b, "  %d. %s\n", i+1, mdText(st))
			}
		}
		b.WriteString("\n")
	}

	b.WriteString("## Environment\n\n")
	if len(r.Appliances) > 0 {
		b.WriteString("| Role | Hostname | Address | AsyncOS | Cluster | Errors |\n|---|---|---|---|---|---|\n")
		for _, a := range r.Appliances {
			errs := make([]string, 0, len(a.Errors))
			for _, e := range a.Errors {
				errs = append(errs, e.Step+": "+e.Message)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdText(string(a.Role)), mdText(a.Hostname),
				mdText(a.Address), mdText(a.Version), mdText(a.Cluster), mdText(strings.Join(errs, "; ")))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "- Tool: %s %s\n- Mode: %s\n- Started: %s\n- Duration: %d ms\n",
		mdText(r.Tool.Name), mdText(r.Tool.Version), mdText(string(r.Mode)), mdText(r.StartedAt), r.DurationMS)

	if _, err := io.WriteString(w, cleanLines(b.String())); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

func writeMDFinding(b *bytes.Buffer, f Finding) {
	fmt.Fprintf(b, "#### %s %s: %s\n\n", mdStatus(f.Status), mdText(f.ID), mdText(f.Title))
	if f.Summary != "" {
		b.WriteString(mdPara(f.Summary) + "\n\n")
	}
	status := string(f.Status)
	if f.StatusBefore != "" {
		status += " (before fixes: " + string(f.StatusBefore) + ")"
	}
	fmt.Fprintf(b, "- Status: %s\n", mdText(status))
	if f.Severity != "" {
		fmt.Fprintf(b, "- Severity: %s\n", mdText(string(f.Severity)))
	}
	if f.Case != 0 {
		fmt.Fprintf(b, "- Case: %d of Cisco's tech note\n", f.Case)
	}
	if f.Expected != "" {
		fmt.Fprintf(b, "- Expected: %s\n", mdText(f.Expected))
	}
	if f.Actual != "" {
		fmt.Fprintf(b, "- Actual: %s\n", mdText(f.Actual))
	}
	b.WriteString("\n")
	for _, e := range f.Evidence {
		writeMDEvidence(b, e)
	}
	if f.Fix != nil && f.Status != rules.StatusPass && f.Status != rules.StatusNotApplicable {
		fmt.Fprintf(b, "Fix%s: %s\n\n", mdText(f.FixHint()), mdText(f.Fix.Summary))
		writeMDSteps(b, f.Fix.Steps)
	}
}

func writeMDEvidence(b *bytes.Buffer, e Evidence) {
	fmt.Fprintf(b, "Evidence from %s, command %s:\n\n", mdText(orDash(e.Appliance)), mdCode(orDash(e.Command)))
	writeMDBlock(b, e.Lines)
}

func writeMDSteps(b *bytes.Buffer, steps []string) {
	if len(steps) == 0 {
		return
	}
	for i, s := range steps {
		if s == "" {
			fmt.Fprintf(b, "%d. %s\n", i+1, stepText(s))
			continue
		}
		fmt.Fprintf(b, "%d. %s\n", i+1, mdCode(s))
	}
	b.WriteString("\n")
}

// writeMDBlock fences lines with more backticks than any run inside them,
// so no output line can close the block early.
func writeMDBlock(b *bytes.Buffer, lines []string) {
	fence := strings.Repeat("`", max(3, longestRun(strings.Join(lines, "\n"), '`')+1))
	b.WriteString(fence + "text\n")
	for _, l := range lines {
		b.WriteString(strings.TrimRight(l, "\r") + "\n")
	}
	b.WriteString(fence + "\n\n")
}

func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

func mdStatus(s rules.Status) string {
	if s == rules.StatusFail || s == rules.StatusUnknown {
		return "**" + statusLabel(s) + "**"
	}
	return mdText(statusLabel(s))
}

var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "|", "\\|", "~", "\\~", "&", "&amp;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// mdBlockStart matches what would turn the start of a line into a heading,
// list item, quote or rule.
var mdBlockStart = regexp.MustCompile(`^(\s*)([#+=-]|\d+[.)])`)

// mdText escapes s for Markdown running text and table cells: one line,
// no emphasis, links, HTML or cell breaks.
func mdText(s string) string {
	return mdEscaper.Replace(s)
}

// mdPara is mdText for text that starts a line, where a leading "#", "-"
// or "1." would otherwise make a heading or a list.
func mdPara(s string) string {
	s = mdText(s)
	if loc := mdBlockStart.FindStringSubmatchIndex(s); loc != nil {
		at := loc[len(loc)-1] - 1 // the character that starts the block
		s = s[:at] + "\\" + s[at:]
	}
	return s
}

// mdCode renders s as an inline code span whose delimiters outnumber any
// backtick run inside it. Not for table cells: GFM splits cells on a pipe
// even inside code.
func mdCode(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	if s == "" {
		return ""
	}
	delim := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") {
		pad = " "
	}
	return delim + pad + s + pad + delim
}
