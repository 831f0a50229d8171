package sessionlog

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// ErrNoPrompt means the input holds no `<prompt> <command>` line, so it is
// not an AsyncOS CLI session.
var ErrNoPrompt = errors.New("not an AsyncOS CLI session (no prompt found)")

// maxSession bounds what Split reads: sessions are kilobytes, and a runaway
// file must not exhaust memory.
const maxSession = 16 << 20

// Mode is the cluster mode a prompt shows: `(Cluster c)> `, `(Group g)> `
// or `(Machine m)> `. Both fields are empty for a standalone `host> ` prompt.
type Mode struct {
	Level string `json:"level,omitempty"` // "cluster", "group" or "machine"
	Name  string `json:"name,omitempty"`
}

// Command is one command typed at the main prompt and everything the
// appliance printed until the next main prompt.
type Command struct {
	Prompt string `json:"prompt"` // as shown, e.g. "mx.example.com>" or "(Machine esa1)>"
	Mode   Mode   `json:"mode"`
	// Host is the appliance's hostname when the prompt shows it: always for a
	// standalone prompt, and for machine mode.
	Host string   `json:"host,omitempty"`
	Line int      `json:"line"` // 1-based line of the command in the input
	Name string   `json:"name"` // first word, lower-case
	Args []string `json:"args"`
	// Text is the whole output, sub-prompt lines with their typed answers
	// included, cleaned of terminal artefacts.
	Text string `json:"text"`
	// TextLines holds, for each line of Text, its 1-based line in the input,
	// so a parser's complaint can point into the original file.
	TextLines []int `json:"-"`
}

// CommandLine is the command as typed, e.g. "grep port mail_logs".
func (c Command) CommandLine() string {
	if len(c.Args) == 0 {
		return c.Name
	}
	return c.Name + " " + strings.Join(c.Args, " ")
}

// InputLine maps a 1-based line of Text to its line in the input; lines out
// of range map to the command's own line.
func (c Command) InputLine(textLine int) int {
	if textLine >= 1 && textLine <= len(c.TextLines) {
		return c.TextLines[textLine-1]
	}
	return c.Line
}

// Split reads a whole session and returns its commands in order.
func Split(r io.Reader) ([]Command, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSession+1))
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	if len(b) > maxSession {
		return nil, fmt.Errorf("session larger than %d MB", maxSession>>20)
	}
	return SplitString(string(b))
}

// line is one logical line with the input line it starts on.
type line struct {
	text string
	num  int
}

// SplitString is Split for text already in memory.
func SplitString(s string) ([]Command, error) {
	lines := logicalLines(s)
	var cmds []Command
	var cur *Command
	var out []line
	flush := func() {
		if cur == nil {
			return
		}
		// Blank lines around the output carry nothing.
		for len(out) > 0 && strings.TrimSpace(out[0].text) == "" {
			out = out[1:]
		}
		for len(out) > 0 && strings.TrimSpace(out[len(out)-1].text) == "" {
			out = out[:len(out)-1]
		}
		texts := make([]string, len(out))
		nums := make([]int, len(out))
		for i, l := range out {
			texts[i] = l.text
			nums[i] = l.num
		}
		cur.Text = strings.Join(texts, "\n")
		cur.TextLines = nums
		cmds = append(cmds, *cur)
		cur, out = nil, nil
	}
	for _, l := range lines {
		p, ok := parsePrompt(l.text)
		if !ok {
			if cur != nil {
				out = append(out, l)
			}
			continue
		}
		flush()
		if p.command == "" {
			continue // a bare prompt ends the previous output
		}
		words := splitWords(p.command)
		cur = &Command{
			Prompt: p.prompt,
			Mode:   p.mode,
			Host:   p.host,
			Line:   l.num,
			Name:   strings.ToLower(words[0]),
			Args:   words[1:],
		}
	}
	flush()
	if len(cmds) == 0 {
		return nil, ErrNoPrompt
	}
	return cmds, nil
}

// logicalLines cleans every input line and, for text pasted from Markdown
// (it has ``` fences), drops the fences and bold markers and rejoins lines
// that a hard break ("  " at the end) wrapped.
func logicalLines(s string) []line {
	raw := strings.Split(s, "\n")
	lines := make([]line, 0, len(raw))
	markdown := false
	for i, r := range raw {
		c, keep := cleanLine(r)
		if !keep {
			continue
		}
		if isFence(c) {
			markdown = true
		}
		lines = append(lines, line{text: c, num: i + 1})
	}
	if !markdown {
		return lines
	}
	out := lines[:0]
	// A wrapped line is rebuilt in parts: += on a long chain is quadratic.
	var parts []string
	finish := func() {
		if len(parts) > 0 {
			out[len(out)-1].text = strings.Join(parts, " ")
			parts = parts[:0]
		}
	}
	joining := false
	for _, l := range lines {
		if isFence(l.text) {
			joining = false
			continue
		}
		if strings.TrimSpace(l.text) == "" && !joining {
			// In Markdown, blank lines separate fenced blocks; they are
			// not the appliance's.
			continue
		}
		t := strings.ReplaceAll(l.text, "**", "")
		wrapped := strings.HasSuffix(t, "  ")
		if joining && isContinuation(t) {
			parts = append(parts, strings.TrimSpace(t))
		} else {
			finish()
			out = append(out, line{text: t, num: l.num})
			parts = append(parts, strings.TrimRight(t, " "))
		}
		joining = wrapped
	}
	finish()
	return out
}

// isContinuation tells the rest of a hard-wrapped line from a new line:
// the tech note wraps prose mid-sentence, so the rest starts in lower case,
// and it is never a prompt.
func isContinuation(l string) bool {
	t := strings.TrimLeft(l, " \t")
	if t == "" || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	_, isPrompt := parsePrompt(t)
	return !isPrompt
}

// isFence recognises a Markdown code fence, also when a list marker
// swallowed it ("- ```").
func isFence(l string) bool {
	return strings.HasPrefix(strings.TrimLeft(l, " \t-*"), "```")
}

type prompt struct {
	prompt  string
	mode    Mode
	host    string
	command string
}

const hostRE = `[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`

var (
	clusterPromptRE = regexp.MustCompile(`^\s*(?:(` + hostRE + `)\s*)?\(\s*(?i:(cluster|group|machine))\s+([^()]*?)\s*\)\s*>(?:\s(.*))?$`)
	plainPromptRE   = regexp.MustCompile(`^\s*(` + hostRE + `)>(?:\s(.*))?$`)
	commandWordRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
)

// parsePrompt recognises a main-prompt line and the command typed after it.
// A prompt followed by something that is not a command word is output.
func parsePrompt(l string) (prompt, bool) {
	var p prompt
	if !strings.Contains(l, ">") {
		return p, false
	}
	if m := clusterPromptRE.FindStringSubmatch(l); m != nil {
		level := strings.ToLower(m[2])
		p.mode = Mode{Level: level, Name: m[3]}
		p.host = m[1]
		if level == "machine" {
			p.host = m[3]
		}
		p.command = strings.TrimSpace(m[4])
		end := strings.Index(l, ">")
		p.prompt = strings.TrimSpace(l[:end+1])
	} else if m := plainPromptRE.FindStringSubmatch(l); m != nil {
		p.host = m[1]
		p.command = strings.TrimSpace(m[2])
		p.prompt = m[1] + ">"
	} else {
		return p, false
	}
	if p.command != "" {
		first := strings.Fields(p.command)[0]
		if !commandWordRE.MatchString(first) {
			return p, false
		}
	}
	return p, true
}

// splitWords splits a command line at blanks, keeping quoted strings
// (single or double quotes) together without their quotes.
func splitWords(s string) []string {
	var words []string
	var b strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, b.String())
	}
	if len(words) == 0 {
		words = []string{""}
	}
	return words
}
