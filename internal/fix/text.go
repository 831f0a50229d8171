package fix

import (
	"fmt"
	"io"
	"strings"
)

// Write prints the plan for a person to read before confirming: per
// appliance, every command, each question it expects and the answer that
// will be typed, the cluster level and the commit comment.
func (p Plan) Write(w io.Writer) error {
	var b strings.Builder
	if p.Empty() {
		b.WriteString("Nothing to fix automatically: no failing rule has a fix pvo-doctor applies, so nothing will change and nothing will be committed.\n")
	}
	for _, s := range p.Sessions {
		fmt.Fprintf(&b, "\n%s (%s %s)", s.Appliance, strings.ToUpper(string(s.Role)), s.Address)
		if s.Cluster != "" {
			fmt.Fprintf(&b, ", member of cluster %s", s.Cluster)
			if s.Machine != "" && s.Machine != s.Appliance {
				fmt.Fprintf(&b, " as machine %s", s.Machine)
			}
		}
		b.WriteString(":\n")
		for _, f := range s.Fixes {
			writeFix(&b, s, f)
		}
		if c := s.Comment(); c != "" {
			b.WriteString("  then commit every change above at once:\n")
			for _, l := range CommitCommand(c).Lines() {
				b.WriteString("    " + l + "\n")
			}
		} else {
			b.WriteString("  no commit: this takes effect at once\n")
		}
	}
	if len(p.Manual) > 0 {
		b.WriteString("\nNot applied by pvo-doctor (the report lists the steps):\n")
		for _, m := range p.Manual {
			fmt.Fprintf(&b, "  %s on %s: %s\n", m.Rule, m.Appliance, m.Summary)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFix(b *strings.Builder, s Session, f Fix) {
	fmt.Fprintf(b, "  %s: %s\n", f.Rule, fixTitle(f))
	for _, l := range f.Lines(s) {
		b.WriteString("    " + l + "\n")
	}
}

// Lines is the fix as the plan and the report show it: the level it works
// at, each command, each question and its answer.
func (f Fix) Lines(s Session) []string {
	var out []string
	if len(f.Covers) > 1 {
		out = append(out, "one change for "+strings.Join(f.Covers, ", "))
	}
	if f.Setting != "" && s.Cluster != "" {
		mode := f.Level.Mode
		if f.Level.Known {
			out = append(out, fmt.Sprintf("changed at %s, where the check saw it defined (%q)", levelWords(mode, s.Cluster), f.Level.Line))
		} else {
			mode = "<that level>"
			out = append(out, "level not known from the check: read first; the fix stops unless it names this machine's level")
		}
		out = append(out,
			fmt.Sprintf("> %s    (read only, in the cluster, group and machine modes, where a NOTICE means \"not defined here\": the level must still be the one planned)", f.LevelCommand),
			fmt.Sprintf("> clustermode %s    (unless already there; back to the login mode afterwards)", mode))
	}
	for _, c := range f.Commands {
		out = append(out, c.Lines()...)
	}
	return out
}

func fixTitle(f Fix) string {
	if f.Comment != "" {
		return strings.TrimPrefix(f.Comment, f.Rule+" ")
	}
	var cmds []string
	for _, c := range f.Commands {
		cmds = append(cmds, c.Line)
	}
	return strings.Join(cmds, ", then ")
}

// Lines is the command, each question it expects and the answer typed.
func (c Command) Lines() []string {
	out := []string{"> " + c.Line}
	for _, st := range c.Steps {
		q := st.Question
		if st.Optional {
			q += " (if asked)"
		}
		out = append(out, fmt.Sprintf("    %s  ->  %s", q, answerWords(st)))
	}
	if c.WantText != "" {
		out = append(out, "    expect: "+c.WantText)
	}
	return out
}

func answerWords(st Step) string {
	var a string
	switch {
	case st.Choose != "":
		a = fmt.Sprintf("choose %q", st.Choose)
	case st.Default:
		a = "Enter"
	default:
		a = st.Answer
	}
	if st.Why != "" {
		a += " (" + st.Why + ")"
	}
	return a
}
