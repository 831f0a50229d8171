package asyncos

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// ParseError says which line of a command's output a parser could not read.
// Line is 1-based within the output; 0 when the problem is something
// missing rather than a line present.
type ParseError struct {
	Command string
	Line    int
	Text    string
	Err     error
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Text != "":
		return fmt.Sprintf("%s: line %d: %v: %q", e.Command, e.Line, e.Err, e.Text)
	case e.Line > 0:
		return fmt.Sprintf("%s: line %d: %v", e.Command, e.Line, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.Command, e.Err)
	}
}

func (e *ParseError) Unwrap() error { return e.Err }

// Sentinel causes a caller may test with errors.Is.
var (
	ErrNoOutput     = errors.New("no output")
	ErrUnrecognised = errors.New("unrecognised output")
	ErrRefused      = errors.New("command refused by the appliance")
)

func parseErr(cmd string, line int, text string, err error) *ParseError {
	return &ParseError{Command: cmd, Line: line, Text: strings.TrimSpace(text), Err: err}
}

// begin splits a command's output into lines, or says why there is
// nothing to parse: no output at all, or the appliance refusing the command.
func begin(cmd, text string) ([]string, error) {
	if isBlank(text) {
		return nil, parseErr(cmd, 0, "", ErrNoOutput)
	}
	ls := outputLines(text)
	if n, l, ok := refusal(ls); ok {
		return nil, parseErr(cmd, n, l, ErrRefused)
	}
	return ls, nil
}

// outputLines cleans text (the live side may hand over raw PTY output) and
// splits it into lines.
func outputLines(text string) []string {
	return strings.Split(sessionlog.Clean(text), "\n")
}

func warning(cmd string, line int, text string) facts.Warning {
	return facts.Warning{Command: cmd, Line: line, Text: strings.TrimSpace(text)}
}

func evidence(cmd string) facts.Evidence {
	return facts.Evidence{Command: cmd, Lines: []string{}}
}

func addEvidence(ev *facts.Evidence, line string) {
	ev.Lines = append(ev.Lines, strings.TrimSpace(line))
}

var (
	// subPromptRE matches a sub-prompt with what was typed after it:
	// "[1]> 2", "[the.cpq.host]> 10.1.1.1:7025", "Enable X? [Y]> ", and the
	// tech note's mangled "[> 10.1.1.1".
	subPromptRE = regexp.MustCompile(`^(.*?)\[([^\]>]*)\]?\s*>\s?(.*)$`)
	// listItemRE matches a numbered choice; the tech note adds "- " and "**".
	listItemRE = regexp.MustCompile(`^\s*(?:[-*]\s+)?(\d+)\.\s+(.+?)\s*$`)
	menuItemRE = regexp.MustCompile(`^\s*-\s+[A-Z][A-Z0-9_]*\s+-\s`)
	labelRE    = regexp.MustCompile(`^\s*([A-Za-z"][A-Za-z0-9 #()/"'._-]*?)\s*:\s*(.*?)\s*$`)
)

// subPrompt is a "[default]> answer" line.
type subPrompt struct {
	question string // text before the bracket on the same line, if any
	def      string
	answer   string
}

// value is what the appliance took: the typed answer, or the default for
// an empty answer.
func (p subPrompt) value() string {
	if p.answer != "" {
		return p.answer
	}
	return p.def
}

func parseSubPrompt(l string) (subPrompt, bool) {
	t := strings.TrimSpace(l)
	if !strings.Contains(t, ">") || !strings.Contains(t, "[") {
		return subPrompt{}, false
	}
	m := subPromptRE.FindStringSubmatch(t)
	if m == nil {
		return subPrompt{}, false
	}
	// A bracket must open the line or follow a question; "x[1]>y" inside
	// prose is not a prompt.
	if m[1] != "" && !strings.HasSuffix(m[1], " ") {
		return subPrompt{}, false
	}
	return subPrompt{question: strings.TrimSpace(m[1]), def: strings.TrimSpace(m[2]), answer: strings.TrimSpace(m[3])}, true
}

// listItem is one "N. Label (detail)" line of a numbered choice.
type listItem struct {
	num   int
	label string // the text before " (", e.g. "In"
	text  string // the whole item text
}

func parseListItem(l string) (listItem, bool) {
	m := listItemRE.FindStringSubmatch(l)
	if m == nil {
		return listItem{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return listItem{}, false
	}
	text := strings.Trim(m[2], "* ")
	label := text
	if i := strings.Index(label, " ("); i > 0 {
		label = label[:i]
	}
	return listItem{num: n, label: strings.TrimSpace(label), text: text}, true
}

// choose maps an answer to a numbered list back to the item's label; the
// numbering differs across releases, the label does not.
func choose(items []listItem, answer string) (string, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(answer)); err == nil {
		for _, it := range items {
			if it.num == n {
				return it.label, true
			}
		}
		return "", false
	}
	for _, it := range items {
		if strings.EqualFold(it.label, strings.TrimSpace(answer)) {
			return it.label, true
		}
	}
	return "", false
}

func parseLabel(l string) (label, value string, ok bool) {
	m := labelRE.FindStringSubmatch(l)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// isDialogNoise recognises the menu and question lines every interactive
// command prints around its data; they are expected, not surprising.
func isDialogNoise(l string) bool {
	t := strings.TrimSpace(l)
	if t == "" || menuItemRE.MatchString(t) {
		return true
	}
	if _, ok := parseSubPrompt(t); ok {
		return true
	}
	if _, ok := parseListItem(t); ok {
		return true
	}
	lt := strings.ToLower(t)
	for _, p := range []string{"choose ", "enter ", "please ", "enable ", "do you ", "would you ", "are you "} {
		if strings.HasPrefix(lt, p) {
			return true
		}
	}
	return false
}

// refusal recognises the appliance declining to run a command: unknown
// command, wrong cluster mode, a cancelled mode switch.
func refusal(lines []string) (int, string, bool) {
	for i, l := range lines {
		lt := strings.ToLower(l)
		if strings.Contains(lt, "unknown command") || strings.Contains(lt, "command cancelled") ||
			(strings.Contains(lt, "restricted to") && !hasLaterOutput(lines, i)) {
			return i + 1, l, true
		}
	}
	return 0, "", false
}

// hasLaterOutput tells a mode-switch question that was answered Y (more
// output follows the switch) from one that ended the command.
func hasLaterOutput(lines []string, i int) bool {
	for _, l := range lines[i+1:] {
		t := strings.TrimSpace(l)
		if t == "" || isDialogNoise(t) {
			continue
		}
		return true
	}
	return false
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case. Slicing the
// original by an index found in a lower-cased copy is wrong when lower-casing
// changes byte lengths.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

func isBlank(text string) bool { return strings.TrimSpace(text) == "" }
