package channel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Options configure a Channel. The zero value works.
type Options struct {
	Transcript  *Transcript   // nil: no transcript
	StepTimeout time.Duration // longest wait for one prompt; default 30s
	Host        string        // names the appliance in error messages
	// Newline is what Enter sends; default "\n", which a PTY and AsyncOS
	// accept like "\r".
	Newline string
	// Secrets are redacted from the transcript and from error messages,
	// like every answer marked Secret.
	Secrets []string
}

// DefaultStepTimeout bounds each wait when Options.StepTimeout is zero.
const DefaultStepTimeout = 30 * time.Second

// maxBackOut bounds the blank lines BackOut sends; AsyncOS menus nest a
// few levels at most.
const maxBackOut = 10

var errClosed = errors.New("channel closed")

// Channel talks to one AsyncOS CLI session. Its methods are meant for one
// goroutine: a session is one conversation. To abort a wait from elsewhere,
// cancel its context.
type Channel struct {
	r    io.Reader
	w    io.Writer
	opts Options
	tr   *Transcript

	// Filled by the read loop.
	mu     sync.Mutex
	raw    []byte
	rerr   error
	notify chan struct{}

	// Owned by the caller's goroutine.
	cl      cleaner
	pending []byte // cleaned text not yet consumed
	seen    []byte // the end of consumed text, quoted by errors
	prompt  string
	atMain  bool
	atQ     string // the question the channel sits at, when not at main
	echo    *sentLine
	secrets []string
	closed  bool
}

type sentLine struct {
	text   string
	secret bool
}

// Step is one question of a dialog and how to answer it. A step names
// the question it answers, by Expect or Fragment (one of them, never
// neither): an answer is sent only to a question recognised by its text.
type Step struct {
	// Expect is a regexp matched against the question: the paragraph
	// (text after the last blank line) that ends in the sub-prompt, e.g.
	// "Enter the remote port.\n[25]> ".
	Expect string
	// Fragment is a literal piece of the question, matched without regard
	// to case, the way Cisco's own CLI tests match ("outbound SMTP ssl
	// cipher").
	Fragment string
	Answer   string
	Choose   string // pick the numbered item with this label; its number is typed
	Default  bool   // send an empty line: accept the default in [brackets]
	Secret   bool   // never shown: *** in the transcript, nothing in the text
	// Optional steps are skipped when a later step's question, or the main
	// prompt, comes first: one dialog then serves several releases.
	Optional bool
	// Anywhere matches Expect against all output since the last answer as
	// soon as it appears, with no prompt, e.g. telnet's "220 " banner.
	Anywhere bool
}

// Open starts reading r and waits for the first main prompt, skipping the
// login banner. Close closes r and w if they are io.Closers; if Open fails,
// the caller closes them.
func Open(ctx context.Context, r io.Reader, w io.Writer, opts Options) (*Channel, error) {
	if opts.StepTimeout <= 0 {
		opts.StepTimeout = DefaultStepTimeout
	}
	if opts.Newline == "" {
		opts.Newline = "\n"
	}
	c := &Channel{r: r, w: w, opts: opts, tr: opts.Transcript, notify: make(chan struct{})}
	for _, s := range opts.Secrets {
		c.addSecret(s)
	}
	go c.readLoop()
	if err := c.login(ctx); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

// login waits for the first main prompt. On the way it answers N to a
// password-expiry reminder (once) and refuses a forced password change:
// a read-only tool never changes a password.
func (c *Channel) login(ctx context.Context) error {
	reminded := false
	for {
		const (
			atPrompt = iota
			atReminder
			atForced
			atPassword
		)
		var p string
		at := atPrompt
		err := c.wait(ctx, "a main prompt", func(text string) bool {
			if forcedRE.MatchString(lastLine(text)) {
				at = atForced
				return true
			}
			if reminded && passwordRE.MatchString(lastLine(text)) {
				at = atPassword
				return true
			}
			if k, _ := classify(text, ""); k == subPrompt && reminderRE.MatchString(question(text)) {
				at = atReminder
				return true
			}
			var ok bool
			p, ok = learnPrompt(text)
			at = atPrompt
			return ok
		})
		if err != nil {
			return err
		}
		seg := c.take()
		switch at {
		case atForced:
			return &PasswordChangeError{Host: c.opts.Host, Prompt: strings.TrimSpace(lastLine(seg))}
		case atPassword:
			// IAF types the password again here, for reasons it does not
			// say; a secret is never sent to a prompt nobody understands.
			return &UnexpectedPromptError{Command: "login", Prompt: c.redact(strings.TrimSpace(lastLine(seg)))}
		case atReminder:
			if reminded {
				return &UnexpectedPromptError{Command: "login", Prompt: c.redact(question(seg))}
			}
			reminded = true
			if err := c.send("N", false); err != nil {
				return err
			}
		default:
			c.prompt, c.atMain = p, true
			return nil
		}
	}
}

// DisablePaging sends `setttymode 0 1`, the hidden command Cisco's own CLI
// tests send first to turn the pager off. It reports whether the appliance
// took it; a reply starting "Unknown command" (any wording after it) or a
// usage line is no error: the pager stays on and is answered as before.
func (c *Channel) DisablePaging(ctx context.Context) (bool, error) {
	_, err := c.Run(ctx, "setttymode 0 1")
	var ce *CommandError
	if errors.As(err, &ce) && (ce.Kind == KindUnknown || ce.Kind == KindUsage) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("disable paging: %w", err)
	}
	return true, nil
}

// Prompt is the current main prompt, e.g. "mx.example.com> ".
func (c *Channel) Prompt() string { return c.prompt }

// Run sends a command and returns its output, without the echo and the
// final prompt. A command that stops in a menu (deliveryconfig shows its
// settings, then "[]> ") is backed out of with blank lines, and the text
// includes those lines, as a saved session log would. An AsyncOS refusal
// is a *CommandError, returned with the output.
func (c *Channel) Run(ctx context.Context, command string) (string, error) {
	out, err := c.Dialog(ctx, command)
	if err != nil || c.atMain {
		return out, err
	}
	more, err := c.backOut(ctx)
	var ue *UnexpectedPromptError
	if errors.As(err, &ue) && ue.Command == "" {
		ue.Command = quote(c.redact(command))
	}
	return out + more, err
}

// Dialog sends a command and answers its questions with steps, in order
// (optional steps may be skipped). It returns the cleaned text as a
// terminal shows it, each sub-prompt line followed by the typed answer
// ("[1]> 2"), without the command echo and the final main prompt.
//
// After the last step it waits for the main prompt. If instead another
// sub-prompt comes once every required step is answered, the dialog ends
// there with no error and the channel stays inside that menu: call BackOut
// (or continue with Send and Expect). A question no step expects before
// that is an *UnexpectedPromptError, and the channel stays at it too.
// AsyncOS's offer to switch cluster mode is answered N unless a step
// expects it, and the refusal is a *CommandError of kind "restricted".
func (c *Channel) Dialog(ctx context.Context, command string, steps ...Step) (string, error) {
	return c.converse(ctx, command, steps, false)
}

// SetMode runs "clustermode <mode>" (e.g. "machine esa1.example.com",
// "cluster") and learns the new main prompt.
func (c *Channel) SetMode(ctx context.Context, mode string) (string, error) {
	return c.converse(ctx, strings.TrimSpace("clustermode "+mode), nil, true)
}

// Relearn sends an empty line and learns the main prompt that comes back,
// for when the prompt changed by other means (e.g. leaving a cluster).
// It works from any state, e.g. after a read timed out on the old prompt.
func (c *Channel) Relearn(ctx context.Context) error {
	if c.closed {
		return &ClosedError{Host: c.opts.Host, Waiting: "nothing", Err: errClosed}
	}
	c.drain()
	c.take()
	if err := c.send("", false); err != nil {
		return fmt.Errorf("relearn: %w", err)
	}
	if err := c.learn(ctx); err != nil {
		return fmt.Errorf("relearn: %w", err)
	}
	return nil
}

// Send types line and Enter. A secret line is *** in the transcript.
func (c *Channel) Send(line string, secret bool) error {
	if c.closed {
		return &ClosedError{Host: c.opts.Host, Waiting: "nothing", Err: errClosed}
	}
	return c.send(line, secret)
}

// Expect waits until one of the regexps matches the output read since the
// last consumed text (echo and pager removed) and returns the index of the
// first pattern that matched and the text up to the end of the match; the
// rest stays for the next read. Output arrives in pieces and a pattern
// matches as soon as it can: end it with \n to wait for a whole line, or
// with $ to match a prompt at the tail.
func (c *Channel) Expect(ctx context.Context, patterns ...string) (int, string, error) {
	res, err := compileAll(patterns)
	if err != nil {
		return -1, "", err
	}
	if len(res) == 0 {
		return -1, "", errors.New("expect: no patterns")
	}
	idx, end := -1, 0
	err = c.wait(ctx, "one of "+strings.Join(patterns, ", "), func(text string) bool {
		for i, re := range res {
			if loc := re.FindStringIndex(text); loc != nil {
				idx, end = i, loc[1]
				return true
			}
		}
		return false
	})
	if err != nil {
		return -1, "", err
	}
	text := c.takeN(end)
	if kind, line := classify(text, c.prompt); kind == mainPrompt && len(c.pending) == 0 {
		c.prompt, c.atMain = line, true
	}
	return idx, c.redact(text), nil
}

// BackOut sends blank lines until the main prompt is back (at most ten),
// leaving any menu the channel is in. It answers N to an offer to switch
// cluster mode. At the main prompt already, it sends nothing.
func (c *Channel) BackOut(ctx context.Context) error {
	_, err := c.backOut(ctx)
	return err
}

// Interrupt sends Ctrl-C to abort a command that hangs (telnet to a port
// that drops packets) and waits for the main prompt, backing out of a menu
// if the interrupt leaves the channel in one.
func (c *Channel) Interrupt(ctx context.Context) error {
	if c.closed {
		return &ClosedError{Host: c.opts.Host, Waiting: "nothing", Err: errClosed}
	}
	c.echo = nil
	if err := c.write("\x03", "^C"); err != nil {
		return err
	}
	c.atMain = false
	var kind promptKind
	var line string
	err := c.wait(ctx, "main prompt after Ctrl-C", func(text string) bool {
		kind, line = classify(text, c.prompt)
		return kind != noPrompt
	})
	if err != nil {
		return fmt.Errorf("interrupt: %w", err)
	}
	seg := c.take()
	if kind == mainPrompt {
		c.prompt, c.atMain = line, true
		return nil
	}
	c.atQ = question(seg)
	// More Ctrl-C is what the caller asked for: not an error here.
	var left *UnexpectedPromptError
	if _, err := c.backOut(ctx); err != nil && !(errors.As(err, &left) && left.Abandoned) {
		return fmt.Errorf("interrupt: %w", err)
	}
	return nil
}

// Close closes w and r where they are io.Closers, which ends the read loop.
func (c *Channel) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.tr.flush()
	var errs []error
	if cl, ok := c.w.(io.Closer); ok {
		errs = append(errs, cl.Close())
	}
	if cl, ok := c.r.(io.Closer); ok && !sameObject(c.r, c.w) {
		errs = append(errs, cl.Close())
	}
	return errors.Join(errs...)
}

// sameObject is r == w without the panic that comparing two values of one
// uncomparable type would raise.
func sameObject(r io.Reader, w io.Writer) bool {
	t := reflect.TypeOf(r)
	return t == reflect.TypeOf(w) && t.Comparable() && any(r) == any(w)
}

func (c *Channel) readLoop() {
	buf := make([]byte, 32<<10)
	for {
		n, err := c.r.Read(buf)
		if n > 0 {
			c.tr.received(buf[:n])
			c.mu.Lock()
			c.raw = append(c.raw, buf[:n]...)
			c.signalLocked()
			c.mu.Unlock()
		}
		if err != nil {
			c.mu.Lock()
			c.rerr = err
			c.signalLocked()
			c.mu.Unlock()
			return
		}
	}
}

func (c *Channel) signalLocked() {
	close(c.notify)
	c.notify = make(chan struct{})
}

// learn waits for a main prompt shape at the tail and adopts it.
func (c *Channel) learn(ctx context.Context) error {
	var p string
	err := c.wait(ctx, "a main prompt", func(text string) bool {
		var ok bool
		p, ok = learnPrompt(text)
		return ok
	})
	if err != nil {
		return err
	}
	c.take()
	c.prompt, c.atMain = p, true
	return nil
}

// converse sends command and follows its dialog; see Dialog. In learn mode
// any main prompt shape ends it and becomes the prompt.
func (c *Channel) converse(ctx context.Context, command string, steps []Step, learn bool) (string, error) {
	shown := c.redact(command)
	if err := c.ready(); err != nil {
		return "", fmt.Errorf("%s: %w", quote(shown), err)
	}
	res, err := compileSteps(steps)
	if err != nil {
		return "", fmt.Errorf("%s: %w", quote(shown), err)
	}
	if err := c.send(command, false); err != nil {
		return "", fmt.Errorf("%s: %w", quote(shown), err)
	}
	var (
		out        strings.Builder
		next       int
		restricted string
	)
	for {
		var (
			kind     promptKind
			line     string
			anywhere = -1
		)
		err := c.wait(ctx, c.waitingFor(steps, next, learn), func(text string) bool {
			kind, line = classify(text, c.prompt)
			if kind == noPrompt && learn {
				if p, ok := learnPrompt(text); ok {
					kind, line = mainPrompt, p
				}
			}
			if kind != noPrompt {
				return true
			}
			anywhere = matchAnywhere(steps, res, next, text)
			return anywhere >= 0
		})
		if err != nil {
			out.WriteString(string(c.pending))
			return c.redact(out.String()), fmt.Errorf("%s: %w", quote(shown), err)
		}
		seg := c.take()
		if anywhere >= 0 {
			out.WriteString(seg)
			if err := c.answer(&out, steps[anywhere], seg); err != nil {
				return c.redact(out.String()), fmt.Errorf("%s: step %d: %w", quote(shown), anywhere+1, err)
			}
			next = anywhere + 1
			continue
		}
		if kind == mainPrompt {
			out.WriteString(strings.TrimSuffix(seg, line))
			c.prompt, c.atMain, c.atQ = line, true, ""
			text := c.redact(out.String())
			if restricted != "" {
				return text, &CommandError{Command: shown, Kind: KindRestricted, Line: c.redact(restricted)}
			}
			if ce := commandError(shown, text); ce != nil {
				return text, ce
			}
			if j := required(steps, next); j >= 0 {
				return text, &UnexpectedPromptError{Command: shown, Prompt: line, Expected: expected(steps, j)}
			}
			return text, nil
		}
		out.WriteString(seg)
		q := question(seg)
		c.atQ = q
		if j := matchStep(steps, res, next, q); j >= 0 {
			if err := c.answer(&out, steps[j], q); err != nil {
				return c.redact(out.String()), fmt.Errorf("%s: step %d: %w", quote(shown), j+1, err)
			}
			next = j + 1
			continue
		}
		if restricted == "" && isRestricted(q) {
			restricted = restrictedLine(q)
			out.WriteString("N\n")
			if err := c.send("N", false); err != nil {
				return c.redact(out.String()), fmt.Errorf("%s: %w", quote(shown), err)
			}
			continue
		}
		if required(steps, next) < 0 && !learn {
			return c.redact(out.String()), nil
		}
		ue := &UnexpectedPromptError{Command: shown, Prompt: c.redact(q), Expected: expected(steps, next)}
		more, err := c.leave(ctx, true)
		out.WriteString(more)
		var left *UnexpectedPromptError
		if errors.As(err, &left) && left.Abandoned {
			err = nil
		}
		ue.Abandoned = err == nil
		if err != nil {
			return c.redact(out.String()), errors.Join(ue, err)
		}
		return c.redact(out.String()), ue
	}
}

// ready checks that a command may be sent: open, and at the main prompt.
func (c *Channel) ready() error {
	if c.closed {
		return &ClosedError{Host: c.opts.Host, Waiting: "nothing", Err: errClosed}
	}
	if c.atMain {
		return nil
	}
	// Send and Expect may have brought the main prompt back by hand.
	c.drain()
	if kind, line := classify(string(c.pending), c.prompt); kind == mainPrompt && c.echo == nil {
		c.take()
		c.prompt, c.atMain = line, true
		return nil
	}
	return fmt.Errorf("not at the main prompt (at %s): call BackOut first", quote(lastLine(c.atQ)))
}

func (c *Channel) answer(out *strings.Builder, st Step, q string) error {
	ans := st.Answer
	switch {
	case st.Default:
		ans = ""
	case st.Choose != "":
		n, err := ChooseByLabel(q, st.Choose)
		if err != nil {
			return err
		}
		ans = n
	}
	if !st.Secret {
		out.WriteString(ans)
	}
	out.WriteString("\n")
	return c.send(ans, st.Secret)
}

func (c *Channel) backOut(ctx context.Context) (string, error) {
	if c.closed {
		return "", &ClosedError{Host: c.opts.Host, Waiting: "nothing", Err: errClosed}
	}
	if c.atMain {
		return "", nil
	}
	c.drain()
	if c.echo == nil {
		if kind, line := classify(string(c.pending), c.prompt); kind != noPrompt {
			seg := c.take()
			if kind == mainPrompt {
				c.prompt, c.atMain, c.atQ = line, true, ""
				return "", nil
			}
			c.atQ = question(seg)
		}
	}
	return c.leave(ctx, false)
}

// leave brings the channel from the question it sits at (c.atQ) back to
// the main prompt without ever agreeing to anything: N to an offer to
// switch cluster mode, a blank line at an operations menu (where blank
// goes up a level), Ctrl-C at every other question, since Enter there would
// take its default (a [Y]> yes, item 2 of a NOTICE, the next dialog
// step). abandon starts with Ctrl-C whatever the question. A question that
// needed Ctrl-C is an *UnexpectedPromptError once the prompt is back.
func (c *Channel) leave(ctx context.Context, abandon bool) (string, error) {
	var out strings.Builder
	var interrupted string
	for i := 0; i < maxBackOut; i++ {
		switch {
		case !abandon && isRestricted(c.atQ):
			out.WriteString("N\n")
			if err := c.send("N", false); err != nil {
				return out.String(), fmt.Errorf("back out: %w", err)
			}
		case !abandon && isMenu(c.atQ):
			out.WriteString("\n")
			if err := c.send("", false); err != nil {
				return out.String(), fmt.Errorf("back out: %w", err)
			}
		default:
			if interrupted == "" {
				interrupted = c.atQ
			}
			c.echo, c.atMain = nil, false
			if err := c.write("\x03", "^C"); err != nil {
				return out.String(), fmt.Errorf("back out: %w", err)
			}
		}
		abandon = false
		var kind promptKind
		var line string
		err := c.wait(ctx, fmt.Sprintf("main prompt %s or a menu while backing out", quote(c.prompt)), func(text string) bool {
			kind, line = classify(text, c.prompt)
			return kind != noPrompt
		})
		if err != nil {
			return c.redact(out.String()), fmt.Errorf("back out: %w", err)
		}
		seg := c.take()
		if kind == mainPrompt {
			out.WriteString(strings.TrimSuffix(seg, line))
			c.prompt, c.atMain, c.atQ = line, true, ""
			if interrupted != "" {
				return c.redact(out.String()), &UnexpectedPromptError{Prompt: c.redact(interrupted), Abandoned: true}
			}
			return c.redact(out.String()), nil
		}
		out.WriteString(seg)
		c.atQ = question(seg)
	}
	return c.redact(out.String()), fmt.Errorf("back out: still at %s after %d tries", quote(lastLine(c.atQ)), maxBackOut)
}

// wait reads until match accepts the pending text, under ctx and the step
// timeout. match runs only once the echo of the last line sent is settled.
func (c *Channel) wait(ctx context.Context, waiting string, match func(text string) bool) error {
	start := time.Now()
	timer := time.NewTimer(c.stepTimeout(ctx))
	defer timer.Stop()
	for {
		notify, rerr, werr := c.drain()
		if werr != nil {
			return werr
		}
		if c.echo == nil && match(string(c.pending)) {
			return nil
		}
		if rerr != nil {
			return &ClosedError{Host: c.opts.Host, Waiting: waiting, Err: rerr, Tail: c.tail()}
		}
		select {
		case <-notify:
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return &TimeoutError{Host: c.opts.Host, Waiting: waiting, After: time.Since(start), Tail: c.tail()}
			}
			return fmt.Errorf("waiting for %s: %w", waiting, ctx.Err())
		case <-timer.C:
			return &TimeoutError{Host: c.opts.Host, Waiting: waiting, After: time.Since(start), Tail: c.tail()}
		}
	}
}

// drain cleans what the read loop has received into pending, settles the
// echo and answers the pager.
func (c *Channel) drain() (notify <-chan struct{}, rerr, werr error) {
	c.mu.Lock()
	raw := c.raw
	c.raw = nil
	notify, rerr = c.notify, c.rerr
	c.mu.Unlock()
	if len(raw) > 0 {
		c.pending = c.cl.feed(c.pending, raw)
	}
	if c.echo != nil {
		rest, st := stripEcho(string(c.pending), c.echo.text, c.echo.secret)
		switch st {
		case echoStripped:
			c.remember(c.pending[:len(c.pending)-len(rest)])
			c.pending = append(c.pending[:0], rest...)
			c.echo = nil
		case echoAbsent:
			c.echo = nil
		}
	}
	if c.echo == nil {
		line := lastLine(string(c.pending))
		if loc := pagerRE.FindStringIndex(line); loc != nil {
			c.pending = c.pending[:len(c.pending)-len(line)+loc[0]]
			c.cl.afterPager = true
			werr = c.write(" ", "<space>")
		}
	}
	return notify, rerr, werr
}

// take consumes all pending text.
func (c *Channel) take() string {
	return c.takeN(len(c.pending))
}

func (c *Channel) takeN(n int) string {
	s := string(c.pending[:n])
	c.remember(c.pending[:n])
	c.pending = append(c.pending[:0], c.pending[n:]...)
	return s
}

// remember keeps the end of consumed text for error messages.
func (c *Channel) remember(p []byte) {
	c.seen = append(c.seen, p...)
	if len(c.seen) > 1024 {
		c.seen = append(c.seen[:0], c.seen[len(c.seen)-512:]...)
	}
}

func (c *Channel) tail() string {
	return c.redact(tail200(string(c.seen) + string(c.pending)))
}

func (c *Channel) send(line string, secret bool) error {
	if secret {
		c.addSecret(line)
	}
	c.tr.sent(line, secret)
	if _, err := io.WriteString(c.w, line+c.opts.Newline); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	c.echo = &sentLine{text: line, secret: secret}
	c.atMain = false
	return nil
}

// write types a key that is not a line (the pager's space, Ctrl-C).
func (c *Channel) write(key, shown string) error {
	c.tr.key(shown)
	if _, err := io.WriteString(c.w, key); err != nil {
		return fmt.Errorf("send %s: %w", shown, err)
	}
	return nil
}

func (c *Channel) addSecret(s string) {
	if s == "" {
		return
	}
	c.tr.Redact(s)
	for _, have := range c.secrets {
		if have == s {
			return
		}
	}
	c.secrets = append(c.secrets, s)
}

func (c *Channel) redact(s string) string {
	for _, sec := range c.secrets {
		s = strings.ReplaceAll(s, sec, redacted)
	}
	return s
}

func (c *Channel) waitingFor(steps []Step, next int, learn bool) string {
	p := "main prompt " + quote(c.prompt)
	if learn {
		p = "a main prompt"
	}
	if want := expected(steps, next); len(want) > 0 {
		return "question " + strings.Join(want, " or ") + " or " + p
	}
	return p
}

func compileAll(patterns []string) ([]*regexp.Regexp, error) {
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("pattern %d: %w", i+1, err)
		}
		res[i] = re
	}
	return res, nil
}

func compileSteps(steps []Step) ([]*regexp.Regexp, error) {
	res := make([]*regexp.Regexp, len(steps))
	for i, st := range steps {
		pattern := st.Expect
		switch {
		case st.Expect != "" && st.Fragment != "":
			return nil, fmt.Errorf("step %d: both a pattern and a fragment", i+1)
		case st.Fragment != "":
			pattern = "(?i)" + regexp.QuoteMeta(st.Fragment)
		case st.Expect == "" && st.Anywhere:
			return nil, fmt.Errorf("step %d: anywhere step needs a pattern", i+1)
		case st.Expect == "":
			return nil, fmt.Errorf("step %d: names no question (Expect or Fragment)", i+1)
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i+1, err)
		}
		res[i] = re
	}
	return res, nil
}

// matchStep finds the step answering question q: the next one, or a later
// one when every step before it is optional.
func matchStep(steps []Step, res []*regexp.Regexp, next int, q string) int {
	for j := next; j < len(steps); j++ {
		if !steps[j].Anywhere && res[j].MatchString(q) {
			return j
		}
		if !steps[j].Optional {
			break
		}
	}
	return -1
}

func matchAnywhere(steps []Step, res []*regexp.Regexp, next int, text string) int {
	for j := next; j < len(steps); j++ {
		if steps[j].Anywhere && res[j].MatchString(text) {
			return j
		}
		if !steps[j].Optional {
			break
		}
	}
	return -1
}

// required is the first step from next on that may not be skipped, or -1.
func required(steps []Step, next int) int {
	for j := next; j < len(steps); j++ {
		if !steps[j].Optional {
			return j
		}
	}
	return -1
}

func expected(steps []Step, next int) []string {
	var want []string
	for j := next; j < len(steps); j++ {
		want = append(want, quote(steps[j].Expect+steps[j].Fragment))
		if !steps[j].Optional {
			break
		}
	}
	return want
}

func isRestricted(q string) bool {
	return restrictedRE.MatchString(q) && yesNoRE.MatchString(q)
}

// restrictedLine is the refusal sentence, without the offer to switch.
func restrictedLine(q string) string {
	for _, line := range strings.Split(q, "\n") {
		if loc := restrictedRE.FindStringIndex(line); loc != nil {
			s := line
			if i := strings.Index(s[loc[1]:], "."); i >= 0 {
				s = s[:loc[1]+i+1]
			}
			return strings.TrimSpace(s)
		}
	}
	return strings.TrimSpace(lastLine(q))
}
