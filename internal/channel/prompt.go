package channel

import (
	"fmt"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
	"regexp"
	"strconv"
	"strings"
)

var (
	// learnRE is the main prompt shape at the tail of the screen: any short
	// line ending in "> " (PEXPECT3P's proven pattern). The capture
	// excludes the "> ".
	learnRE = regexp.MustCompile(`(?:^|\n)([^\r\n]{1,120}?)> $`)
	// subRE is a question: the default, if any, sits in the brackets. "[> "
	// is the seed's mangled rendering of "[]> ".
	subRE = regexp.MustCompile(`\[[^\[\]\n]*\]> $|\[> $`)
	// reminderRE is the password-expiry reminder's question (IAF).
	reminderRE = regexp.MustCompile(`(?i)change your password now`)
	// forcedRE is a forced password change at login (IAF: Old Password:,
	// New Password:, Retype New Password:).
	forcedRE = regexp.MustCompile(`(?i)^(?:old|new|retype new) password: ?$`)
	// passwordRE is a password prompt in the session (IAF: "ssword:").
	passwordRE = regexp.MustCompile(`(?i)ssword: ?$`)
	// menuRE is a prompt with nothing in its brackets, where a blank line
	// goes back up (Cisco's tests back out of menus that way).
	menuRE = regexp.MustCompile(`(?:\[\]|\[)> $`)
	// yesNoRE tells a yes/no question from a value prompt.
	yesNoRE = regexp.MustCompile(`(?i)\[[YN]\]> $`)
	// restrictedRE is AsyncOS offering to change cluster mode (UG91, IAF).
	// IAF adds "restricted to run in machine mode of the machine you are
	// logged in to" and "restricted to machine-mode only".
	restrictedRE = regexp.MustCompile(`(?i)restricted to (?:run in )?"?[a-z]+"?[ -]mode`)
	pagerRE      = regexp.MustCompile(`(?i)[ \t]*-*[ \t]*press any key for more[ \t]*-*[ \t]*$`)
	// menuItemRE is one line of a numbered list: "2. In (192.168.1.1/24: …)".
	// The seed's markdown residue ("- 1. Auto**") is tolerated.
	menuItemRE  = regexp.MustCompile(`^[\s\-*]*(\d+)\.\s+(.*?)[\s*]*$`)
	unknownRE   = regexp.MustCompile(`(?i)^unknown command`)
	usageRE     = regexp.MustCompile(`(?i)^(?:usage:|invalid arguments)`)
	bracketedRE = regexp.MustCompile(`\[([^\[\]\n]*)\]?> ?$`)
)

// promptKind is what the tail of the screen shows.
type promptKind int

const (
	noPrompt promptKind = iota
	mainPrompt
	subPrompt
)

// isMenu reports whether question q is an operations menu ("Choose the
// operation…" ending in "[]> "), where a blank line goes back up. Any other
// question, even with empty brackets (a NOTICE without a default, "Enter
// the name or number…"), may take a blank line as an answer.
func isMenu(q string) bool {
	return menuRE.MatchString(lastLine(q)) && strings.Contains(strings.ToLower(q), "choose the operation")
}

// lastLine is the text after the last line break.
func lastLine(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// classify says whether text ends in the main prompt (the learned one, or
// a cluster mode prompt) or in a sub-prompt. Only the tail counts, so a "> "
// in the middle of output never ends a read.
func classify(text, prompt string) (promptKind, string) {
	line := lastLine(text)
	switch {
	case line == "":
		return noPrompt, ""
	case prompt != "" && strings.HasSuffix(line, prompt) && mainPrefix(line[:len(line)-len(prompt)]):
		return mainPrompt, prompt
	case isModePrompt(line):
		return mainPrompt, line
	case subRE.MatchString(line):
		return subPrompt, line
	}
	return noPrompt, ""
}

// isModePrompt reports whether line is a cluster member's mode prompt. It
// is a main prompt even when it differs from the learned one, because
// answering Y to "switch to machine mode" changes it mid-dialog.
func isModePrompt(line string) bool {
	_, ok := sessionlog.ModePrompt(line)
	return ok && strings.HasSuffix(line, "> ")
}

// mainPrefix allows only what a terminal may leave before the prompt on its
// line: nothing, or the "^C" echo of an interrupt.
func mainPrefix(s string) bool {
	return s == "" || s == "^C"
}

// learnPrompt returns the main prompt at the tail of text, if one is there.
// Sub-prompts and the pager are not main prompts.
func learnPrompt(text string) (string, bool) {
	m := learnRE.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	p := m[1] + "> "
	if subRE.MatchString(p) || strings.HasSuffix(m[1], "]") {
		return "", false
	}
	return p, true
}

// DefaultOf returns the default offered by a sub-prompt line: the text
// inside its last brackets ("[10000]> " gives "10000", "[]> " and the
// seed's mangled "[> " give "").
func DefaultOf(promptLine string) string {
	m := bracketedRE.FindStringSubmatch(strings.TrimRight(promptLine, "\r\n"))
	if m == nil {
		return ""
	}
	return m[1]
}

type menuItem struct {
	number, name, text string
}

// menuItems reads the numbered list lines of menu.
func menuItems(menu string) []menuItem {
	var items []menuItem
	for _, line := range strings.Split(menu, "\n") {
		m := menuItemRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := m[2]
		name := text
		if i := strings.Index(text, " ("); i >= 0 {
			name = text[:i]
		}
		items = append(items, menuItem{number: m[1], name: normLabel(name), text: normLabel(text)})
	}
	return items
}

// normLabel compares labels without case, padding or the trailing dot of
// "1. SSL v2.".
func normLabel(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

// ChooseByLabel returns the number of the numbered-list item whose name (the
// text before any parenthesis) is label, ignoring case. An exact name wins,
// then the full item text, then a unique name prefix: AsyncOS renumbers its
// lists across releases, so callers never hard-code a number.
func ChooseByLabel(menu, label string) (string, error) {
	items := menuItems(menu)
	if len(items) == 0 {
		return "", fmt.Errorf("no numbered list to choose %q from", label)
	}
	want := normLabel(label)
	if want == "" {
		return "", fmt.Errorf("empty label")
	}
	for _, it := range items {
		if it.name == want {
			return it.number, nil
		}
	}
	for _, it := range items {
		if it.text == want {
			return it.number, nil
		}
	}
	var found []menuItem
	for _, it := range items {
		if strings.HasPrefix(it.name, want) {
			found = append(found, it)
		}
	}
	if len(found) == 1 {
		return found[0].number, nil
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.name
	}
	if len(found) > 1 {
		return "", fmt.Errorf("label %q is ambiguous in list (%s)", label, strings.Join(names, ", "))
	}
	return "", fmt.Errorf("no item %q in list (%s)", label, strings.Join(names, ", "))
}

// question is the paragraph that ends at the prompt: the lines after the
// last blank line. Steps match it, so a settings block printed above a
// menu cannot satisfy a step meant for a later question.
func question(seg string) string {
	if i := strings.LastIndex(seg, "\n\n"); i >= 0 {
		return seg[i+2:]
	}
	return strings.TrimPrefix(seg, "\n")
}

type echoState int

const (
	echoNeedMore echoState = iota
	echoStripped
	echoAbsent
)

// stripEcho removes the terminal's echo of sent from the start of text.
// Line breaks inside the echo are skipped because a long command wraps at
// the terminal width. A secret answer is usually not echoed, or echoed as
// stars, so then only its line break is removed.
func stripEcho(text, sent string, secret bool) (string, echoState) {
	if secret {
		nl := strings.IndexByte(text, '\n')
		if nl < 0 {
			if strings.Trim(text, "*") == "" || strings.HasPrefix(sent, text) {
				return text, echoNeedMore
			}
			return text, echoAbsent
		}
		first := text[:nl]
		if first == "" || first == sent || strings.Trim(first, "*") == "" {
			return text[nl+1:], echoStripped
		}
		return text, echoAbsent
	}
	i, j := 0, 0
	for j < len(sent) {
		if i == len(text) {
			return text, echoNeedMore
		}
		switch {
		case text[i] == sent[j]:
			i++
			j++
		case text[i] == '\n' && i > 0:
			i++
		default:
			return text, echoAbsent
		}
	}
	// Trailing blanks the terminal may pad with, then the line break.
	for i < len(text) && text[i] == ' ' {
		i++
	}
	if i == len(text) {
		return text, echoNeedMore
	}
	if text[i] != '\n' {
		return text, echoAbsent
	}
	return text[i+1:], echoStripped
}

// commandError reads an AsyncOS refusal from the first line of output.
func commandError(command, out string) *CommandError {
	first := strings.TrimSpace(out)
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = strings.TrimSpace(first[:i])
	}
	switch {
	case unknownRE.MatchString(first):
		return &CommandError{Command: command, Kind: KindUnknown, Line: first}
	case usageRE.MatchString(first):
		return &CommandError{Command: command, Kind: KindUsage, Line: first}
	}
	return nil
}

// quote shows text in an error message on one line.
func quote(s string) string {
	return strconv.Quote(s)
}
