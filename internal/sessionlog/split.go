package sessionlog

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

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
	Host string `json:"host,omitempty"`
	// Line is the 1-based line of the command in the input. In an HTML
	// export it is the line of the file its text starts on, so a line
	// that holds several (joined by <br>) is the line of each of them.
	Line int      `json:"line"`
	Name string   `json:"name"` // first word, lower-case
	Args []string `json:"args"`
	// Text is the whole output, sub-prompt lines with their typed answers
	// included, cleaned of terminal artefacts.
	Text string `json:"text"`
	// Time is the logger's time stamp on the command's line; zero when the
	// log has none.
	Time time.Time `json:"time,omitzero"`
	// Incomplete says why Text may not be all the command printed: no main
	// prompt followed it, so the log ends inside it. "" when the next
	// prompt was seen. (What a command's output must end with besides the
	// prompt, such as its menu, is the parsers' knowledge.) Always "" for
	// a Pasted command: no prompt shows where it ends, and only its parser
	// can tell whether the output is whole.
	Incomplete string `json:"incomplete,omitempty"`
	// Pasted says the command was not typed at a prompt in the file: its
	// output was pasted without one and recognised by its shape
	// (SplitPasted). Name is then the command that prints such output.
	Pasted bool `json:"pasted,omitempty"`
	// Login is the login banner line ("Welcome to the Cisco … Appliance")
	// printed since the previous command, when there was one: a new login,
	// perhaps to another appliance.
	Login string `json:"login,omitempty"`

	spans []span // where Text's lines come from in the input
	lines int    // number of lines in Text
}

// span says that Text's line text, and the ones after it up to the next
// span, come from consecutive input lines starting at input.
type span struct{ text, input int }

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
	if textLine < 1 || textLine > c.lines || len(c.spans) == 0 {
		return c.Line
	}
	lo, hi := 0, len(c.spans)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if c.spans[mid].text <= textLine {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	s := c.spans[lo]
	return s.input + textLine - s.text
}

// TextLines is the number of lines in Text.
func (c Command) TextLines() int { return c.lines }

// Split reads a whole session (at most MaxSessionBytes) and returns its
// commands in order.
func Split(r io.Reader) ([]Command, error) {
	s, err := readAllString(r, MaxSessionBytes)
	if err != nil {
		return nil, err
	}
	return SplitString(s)
}

// SplitString is Split for text already in memory. It decodes it first
// (see Decode).
func SplitString(s string) ([]Command, error) {
	if len(s) > MaxSessionBytes {
		return nil, tooLarge(MaxSessionBytes)
	}
	s, err := decodeString(s)
	if err != nil {
		return nil, err
	}
	return splitText(s)
}

// splitText is the splitter proper. An HTML export is decoded first (see
// looksHTML). Then it makes one pass to learn the file's shape (quoted by
// mail, time stamps, Markdown fences, the width a copy was wrapped at) and
// one pass that streams lines into commands. Output text is sliced
// from s where the file already holds it verbatim, so memory stays a small
// multiple of the input.
func splitText(s string) ([]Command, error) { return splitMetered(s, nil) }

func splitMetered(s string, m *meter) ([]Command, error) {
	// An HTML export is read as the text it shows; its lines keep the
	// numbers of the file's own lines (lineOf).
	var lineOf []int32
	if looksHTML(s, m) {
		s, lineOf = decodeHTML(s, m)
	}
	sh, err := survey(s, m)
	if err != nil {
		return nil, err
	}
	b := builder{src: s, m: m}
	// Every prompt has a '>': room for that many commands (up to the cap)
	// spares the growing slice's copies, which for many tiny commands
	// would cost more than the input.
	b.cmds = make([]Command, 0, min(strings.Count(s, ">"), MaxCommands))
	a := assembler{shape: sh, emit: b.line, m: m}
	feed(s, lineOf, sh, &a, &b, m, false)
	return b.result("the log ends before the next prompt, so the output may be cut")
}

// feed streams s's lines into a: unquoted, their time stamps cut, cleaned,
// each with its input line (lineOf maps an HTML export's). With breaks, a
// line outside the quote markers of a quoted file goes on as a blank line,
// which ends a pasted output; otherwise it is skipped.
func feed(s string, lineOf []int32, sh shape, a *assembler, b *builder, m *meter, breaks bool) {
	num := 0
	var scratch []byte
	forEachRawLine(s, m, func(raw string, off int) bool {
		num++
		in := num
		if num <= len(lineOf) {
			in = int(lineOf[num-1])
		}
		if sh.stamp >= 0 || sh.quoted {
			m.add(len(raw))
		}
		inner, ok := sh.unquote(raw)
		if !ok {
			if breaks {
				a.add(logical{num: in, off: -1})
			}
			return true
		}
		text, t, _ := cutStamp(sh.stamp, inner)
		off += len(raw) - len(text) // the text is the end of raw
		var cleaned string
		var keep bool
		scratch, cleaned, keep = cleanLine(scratch, text, m)
		if !keep {
			return true
		}
		if cleaned != text {
			off = -1
		}
		a.add(logical{text: cleaned, num: in, off: off, time: t})
		return b.err == nil
	})
	a.flush()
}

// result closes the last command (incomplete says why it may be cut) and
// returns the commands; none is ErrNoPrompt.
func (b *builder) result(incomplete string) ([]Command, error) {
	if b.err != nil {
		return nil, b.err
	}
	b.finish(incomplete)
	if len(b.cmds) == 0 {
		return nil, ErrNoPrompt
	}
	return b.cmds, nil
}

// shape is what the first pass learnt about the file.
type shape struct {
	quoted   bool // forwarded by mail: the session is inside "> " markers
	stamp    int  // index into stampStyles, or -1
	markdown bool // text pasted from Markdown: it has ``` fences
	wrapAt   int  // a copy from a terminal wrapped lines at this width; 0 if not
}

// wrapMin and wrapMax bound the terminal widths a copy may have been
// wrapped at; wrapLines is how many distinct lines must end exactly there.
const (
	wrapMin   = 60
	wrapMax   = 300
	wrapLines = 3
)

func survey(s string, m *meter) (shape, error) {
	sh := shape{stamp: -1}
	var sample []string
	var err error
	quotedPrompts := 0
	forEachRawLine(s, m, func(raw string, _ int) bool {
		if len(raw) > MaxLineBytes {
			err = fmt.Errorf("%w: a line longer than %d MB is not CLI output", ErrTooLarge, MaxLineBytes>>20)
			return false
		}
		if len(sample) < stampSample {
			sample = append(sample, raw)
		}
		if raw != "" && raw[0] == '>' && quotedPrompt(raw, m) {
			quotedPrompts++
		}
		return true
	})
	if err != nil {
		return sh, err
	}
	sh.stamp = detectStamp(sample)
	if quotedPrompts > 0 {
		sh.quoted = quotedPrompts > plainPrompts(s, sh.stamp, m)
	}
	if sh.quoted {
		inside := sample[:0:0]
		for _, raw := range sample {
			if l, ok := sh.unquote(raw); ok {
				inside = append(inside, l)
			}
		}
		sh.stamp = detectStamp(inside)
	}
	// Widest lines: a copy wrapped at the terminal's width has several
	// lines of exactly that width, cut mid-prose, and none wider.
	widest := 0
	var atWidest []string
	forEachRawLine(s, m, func(raw string, _ int) bool {
		m.add(3 * len(raw)) // the stamp, the fence and the cleaning checks, the width
		l, ok := sh.unquote(raw)
		if !ok {
			return true
		}
		l, _, _ = cutStamp(sh.stamp, l)
		l = strings.TrimRight(l, "\r")
		if isFence(l) {
			sh.markdown = true
		}
		if needsCleaning(l) {
			return true
		}
		w := utf8.RuneCountInString(l)
		switch {
		case w == 0:
		case w > widest:
			widest, atWidest = w, atWidest[:0]
			fallthrough
		case w == widest && len(atWidest) < wrapLines:
			// Prose cut mid-text, not a table row: rows of one table
			// are often all the widest lines, and their columns are
			// separated by runs of blanks.
			if l[0] != ' ' && l[len(l)-1] != ' ' && !strings.Contains(l, "  ") && !contains(atWidest, l) {
				atWidest = append(atWidest, l)
			}
		}
		return true
	})
	if widest >= wrapMin && widest <= wrapMax && len(atWidest) >= wrapLines && !sh.markdown {
		sh.wrapAt = widest
	}
	return sh, nil
}

// plainPrompts counts the lines outside quote markers that hold a prompt
// and a command, with the time stamps style of the file cut first.
func plainPrompts(s string, stamp int, m *meter) int {
	n := 0
	forEachRawLine(s, m, func(raw string, _ int) bool {
		if raw != "" && raw[0] != '>' {
			l, _, _ := cutStamp(stamp, raw)
			if isCommandLine(l, m) {
				n++
			}
		}
		return true
	})
	return n
}

// unquote is the quote step of every pass: in a quoted file, the text
// inside the markers, and ok false for a line without them, which is the
// sender's own (a greeting, a signature, a note between two quotes) and
// not the session's.
func (sh shape) unquote(raw string) (text string, ok bool) {
	if !sh.quoted {
		return raw, true
	}
	return cutQuote(raw)
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// logical is one line after cleaning, with the input line it starts on and
// its offset in the input when it is verbatim there (else -1).
type logical struct {
	text string
	num  int
	off  int
	time time.Time
}

// assembler rejoins lines a paste broke: Markdown hard breaks (two blanks
// at the end, the rest in lower case) and terminal-width wraps. It holds
// one line back until it knows the next one does not continue it.
type assembler struct {
	m       *meter
	shape   shape
	emit    func(logical)
	pending logical
	has     bool
	joined  []byte // pending's text once something was joined to it
	lastLen int    // width of the last piece joined, for wraps
	joining bool   // the pending line ended with a Markdown hard break
	// fenceBreaks passes a Markdown fence on as a blank line: in a text
	// without prompts the fences are what separates one output from the
	// prose around it.
	fenceBreaks bool
}

func (a *assembler) add(l logical) {
	a.m.add(len(l.text))
	if a.shape.markdown {
		a.addMarkdown(l)
		return
	}
	if a.has && a.shape.wrapAt > 0 && a.lastLen == a.shape.wrapAt && l.text != "" {
		if _, isPrompt := parsePrompt(l.text); !isPrompt {
			a.join(l.text, "")
			a.lastLen = utf8.RuneCountInString(l.text)
			return
		}
	}
	a.flush()
	a.pending, a.has = l, true
	a.lastLen = utf8.RuneCountInString(l.text)
}

func (a *assembler) addMarkdown(l logical) {
	if isFence(l.text) {
		a.joining = false
		if a.fenceBreaks {
			a.flush()
			a.emit(logical{num: l.num, off: -1})
		}
		return
	}
	if strings.TrimSpace(l.text) == "" && !a.joining {
		// In Markdown, blank lines separate fenced blocks; they are not
		// the appliance's.
		return
	}
	if strings.Contains(l.text, "**") {
		l.text = dropArtefacts(strings.ReplaceAll(l.text, "**", ""))
		l.off = -1
	}
	wrapped := strings.HasSuffix(l.text, "  ")
	if a.has && a.joining && isContinuation(l.text) {
		a.join(strings.TrimSpace(l.text), " ")
	} else {
		a.flush()
		a.pending, a.has = l, true
	}
	a.joining = wrapped
}

// join appends text to the pending line after sep; the pending line loses
// its trailing blanks first. Appending to one buffer keeps a long chain
// linear.
func (a *assembler) join(text, sep string) {
	if a.joined == nil {
		a.joined = append(a.joined, a.pending.text...)
	}
	if sep != "" {
		for len(a.joined) > 0 && a.joined[len(a.joined)-1] == ' ' {
			a.joined = a.joined[:len(a.joined)-1]
		}
	}
	a.joined = append(a.joined, sep...)
	a.joined = append(a.joined, text...)
	a.m.add(len(text))
	a.pending.off = -1
}

func (a *assembler) flush() {
	if !a.has {
		return
	}
	if a.joined != nil {
		a.pending.text = dropArtefacts(string(a.joined))
		a.joined = nil
	}
	if a.shape.markdown {
		// A hard break's blanks are Markdown's, not the appliance's.
		a.pending.text = strings.TrimRight(a.pending.text, " ")
	}
	a.emit(a.pending)
	a.has = false
}

// builder turns logical lines into commands.
type builder struct {
	m    *meter
	src  string
	cmds []Command
	cur  *Command
	err  error

	login   string  // a login banner seen since the last prompt
	cmdText string  // the current command as typed, to spot its echo
	outputs Outputs // a text without prompts: where outputs start (SplitPasted)

	// The current output. While every line is verbatim and consecutive in
	// src, it is src[vStart:vEnd] and costs nothing; the first line that is
	// not moves it into buf.
	verbatim   bool
	vStart     int
	vEnd       int
	buf        []byte
	keepEnd    int // end of the output up to its last non-blank line
	keepLines  int
	prevNum    int
	firstLine  bool // the next output line is the first
	echoDenied bool // the first output line has been checked for an echo
}

func (b *builder) line(l logical) {
	b.m.add(3 * len(l.text)) // the prompt, the banner and the blank checks
	if b.outputs != nil {
		if !b.pastedLine(l) {
			return
		}
	} else if p, ok := parsePrompt(l.text); ok {
		b.prompt(p, l)
		return
	}
	if isLoginBanner(l.text) && (b.login == "" || strings.HasPrefix(strings.TrimSpace(l.text), "Welcome")) {
		// The welcome line names the product; keep it over the others.
		b.login = strings.TrimSpace(l.text)
	}
	if b.cur == nil {
		return
	}
	blank := strings.TrimSpace(l.text) == ""
	if b.cur.lines == 0 && blank {
		return // blank lines before the output carry nothing
	}
	if b.cur.lines == 0 && !b.echoDenied {
		b.echoDenied = true
		if strings.TrimSpace(l.text) == b.cur.CommandLine() {
			return // the logger kept the terminal's echo of the command
		}
	}
	b.append(l)
	if !blank {
		b.keepLines = b.cur.lines
		if b.verbatim {
			b.keepEnd = b.vEnd
		} else {
			b.keepEnd = len(b.buf)
		}
	}
}

func (b *builder) append(l logical) {
	b.m.add(len(l.text))
	c := b.cur
	contiguous := l.off >= 0 && (c.lines == 0 || (l.off == b.vEnd+1 && b.src[b.vEnd] == '\n'))
	switch {
	case b.verbatim && contiguous:
		if c.lines == 0 {
			b.vStart = l.off
		}
		b.vEnd = l.off + len(l.text)
	case b.verbatim:
		b.m.add(b.vEnd - b.vStart)
		b.buf = append(b.buf[:0], b.src[b.vStart:b.vEnd]...)
		b.keepEnd -= b.vStart
		b.verbatim = false
		fallthrough
	default:
		if c.lines > 0 {
			b.buf = append(b.buf, '\n')
		}
		b.buf = append(b.buf, l.text...)
	}
	if len(c.spans) == 0 || l.num != b.prevNum+1 {
		c.spans = append(c.spans, span{text: c.lines + 1, input: l.num})
	}
	b.prevNum = l.num
	c.lines++
}

func (b *builder) prompt(p prompt, l logical) {
	if b.cur != nil && b.cur.lines == 0 && p.command != "" && b.cur.Prompt == p.prompt && p.command == b.cmdText {
		// The same command line twice with nothing between: a logger that
		// records both the local and the remote echo.
		b.cur.Line = l.num
		return
	}
	b.m.add(4 * len(p.command)) // words, twice for the echo check
	b.finish("")
	if p.command == "" {
		return // a bare prompt ends the previous output
	}
	words := splitWords(p.command)
	b.cmdText = p.command
	b.begin(Command{
		Prompt: p.prompt,
		Mode:   p.mode,
		Host:   p.host,
		Line:   l.num,
		Name:   strings.ToLower(words[0]),
		Args:   words[1:],
		Time:   l.time,
	})
}

// begin opens a new command, which takes the login banner seen before it.
func (b *builder) begin(c Command) {
	if len(b.cmds) >= MaxCommands {
		b.err = fmt.Errorf("%w: more than %d commands in one file", ErrTooLarge, MaxCommands)
		return
	}
	c.Login = b.login
	b.cmds = append(b.cmds, c)
	b.login = ""
	b.cur = &b.cmds[len(b.cmds)-1]
	b.verbatim, b.vStart, b.vEnd, b.keepEnd, b.keepLines = true, 0, 0, 0, 0
	b.buf = b.buf[:0]
	b.echoDenied = false
}

// finish closes the current command; incomplete says why it may be cut.
func (b *builder) finish(incomplete string) {
	c := b.cur
	if c == nil {
		return
	}
	if b.verbatim {
		c.Text = b.src[b.vStart:b.keepEnd]
	} else {
		b.m.add(b.keepEnd)
		c.Text = string(b.buf[:b.keepEnd])
	}
	c.lines = b.keepLines
	for len(c.spans) > 0 && c.spans[len(c.spans)-1].text > c.lines {
		c.spans = c.spans[:len(c.spans)-1]
	}
	if len(c.spans) == 0 {
		c.spans = nil
	}
	c.Incomplete = incomplete
	b.cur = nil
}

// isLoginBanner recognises the lines AsyncOS prints at login, which mark a
// new session in a file that holds several.
func isLoginBanner(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "Welcome to the Cisco ") || strings.HasPrefix(t, "Last login: ") ||
		(strings.HasPrefix(t, "AsyncOS ") && strings.Contains(t, " for Cisco "))
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
	i := 0
	for i < len(l) && (l[i] == ' ' || l[i] == '\t' || l[i] == '-' || l[i] == '*') {
		i++
	}
	return strings.HasPrefix(l[i:], "```")
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
)

// ModePrompt reads line as a cluster-mode prompt alone — `(Cluster c)> `,
// `(Group g)> `, `(Machine m)> `, with or without the hostname before it —
// and says which mode it shows. It is the one cluster-prompt matcher: a
// live channel, a saved session and a fix all read modes through it.
func ModePrompt(line string) (Mode, bool) {
	if len(line) > maxPromptScan+2 {
		return Mode{}, false
	}
	m := clusterPromptRE.FindStringSubmatch(line)
	if m == nil || strings.TrimSpace(m[4]) != "" {
		return Mode{}, false
	}
	return Mode{Level: strings.ToLower(m[2]), Name: m[3]}, true
}

// maxPromptScan bounds where a main prompt's ">" may be: prompts are short,
// and a regular expression over a megabyte of output per line is waste.
const maxPromptScan = 512

// parsePrompt recognises a main-prompt line and the command typed after it.
// A prompt followed by something that is not a command word is output.
func parsePrompt(l string) (prompt, bool) {
	var p prompt
	gt := strings.IndexByte(l, '>')
	if gt < 0 || gt > maxPromptScan || len(l) > MaxLineBytes {
		return p, false
	}
	if strings.IndexByte(l[:gt], '(') < 0 {
		host, cmd, ok := plainPrompt(l, gt)
		if !ok {
			return p, false
		}
		p.host, p.command, p.prompt = host, strings.TrimSpace(cmd), strings.TrimLeft(l[:gt+1], " \t\r\f\v")
	} else if m := clusterPromptRE.FindStringSubmatch(l); m != nil {
		level := strings.ToLower(m[2])
		p.mode = Mode{Level: level, Name: m[3]}
		p.host = m[1]
		if level == "machine" {
			p.host = m[3]
		}
		p.command = strings.TrimSpace(m[4])
		end := strings.Index(l, ">")
		p.prompt = strings.TrimSpace(l[:end+1])
	} else {
		return p, false
	}
	// A prompt printed twice ("mx> mx> status") is one prompt.
	for strings.HasPrefix(p.command, p.prompt) {
		p.command = strings.TrimSpace(p.command[len(p.prompt):])
	}
	if p.command != "" {
		first := p.command
		if i := strings.IndexAny(first, " \t"); i >= 0 {
			first = first[:i]
		}
		if !isCommandWord(first) {
			return p, false
		}
	}
	return p, true
}

// plainPrompt matches `^\s*HOST>(\s(.*))?$` by hand (HOST as in hostRE):
// it runs on every line of a file, where a regular expression costs more
// than the rest of the splitter. gt is the index of the first '>'.
func plainPrompt(l string, gt int) (host, command string, ok bool) {
	i := 0
	for i < gt && isSpace(l[i]) {
		i++
	}
	host = l[i:gt]
	if host == "" || !isAlnum(host[0]) || !isAlnum(host[len(host)-1]) {
		return "", "", false
	}
	for j := 0; j < len(host); j++ {
		if c := host[j]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return "", "", false
		}
	}
	rest := l[gt+1:]
	if rest == "" {
		return host, "", true
	}
	if !isSpace(rest[0]) {
		return "", "", false
	}
	return host, rest[1:], true
}

// isCommandWord matches `^[A-Za-z][A-Za-z0-9_-]*$`.
func isCommandWord(w string) bool {
	if w == "" || !isAlnum(w[0]) || w[0] <= '9' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if c := w[i]; !isAlnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// splitWords splits a command line at blanks, keeping quoted strings
// (single or double quotes) together without their quotes. Without quotes
// the words are slices of s.
func splitWords(s string) []string {
	if !strings.ContainsAny(s, `"'`) {
		words := strings.Fields(s)
		if len(words) == 0 {
			return []string{""}
		}
		return words
	}
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

// Lines splits decoded text into its lines as the splitter numbers them
// (a lone carriage return that starts a new line counts), each with its
// line end, so that Lines(s)[n-1] is input line n and joining them gives s.
func Lines(s string) []string {
	var offs []int
	forEachRawLine(s, nil, func(_ string, off int) bool {
		offs = append(offs, off)
		return true
	})
	out := make([]string, 0, len(offs))
	for i, off := range offs {
		end := len(s)
		if i+1 < len(offs) {
			end = offs[i+1]
		}
		out = append(out, s[off:end])
	}
	return out
}
