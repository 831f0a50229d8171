package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

var (
	errInterrupt = errors.New("interrupted")
	errExit      = errors.New("exit")
	errDropped   = errors.New("connection dropped by fault injection")
	errCancelled = errors.New("command cancelled")
)

// simDate is the one date the simulator ever prints, so transcripts are
// reproducible.
const (
	simDate   = "Thu Nov 26 18:00:00 2026"
	loginTime = "06:02PM"
	pagerText = "-Press Any Key For More-"
)

// mode is the cluster mode of a session: kind "" on a standalone appliance,
// else cluster, group or machine with the group or machine name.
type mode struct{ kind, name string }

// session is one SSH session channel running the AsyncOS CLI (or the shell
// stand-in). All its fields are owned by the goroutine running the CLI,
// except height, which window-change requests update.
type session struct {
	a      *appliance
	id     int
	user   *UserSpec
	remote string
	conn   *ssh.ServerConn
	ch     ssh.Channel
	ctx    context.Context
	in     chan byte
	pty    bool
	exec   bool
	height atomic.Int32

	lines       int  // lines written since the last input, for the pager
	midLine     bool // the last write did not end a line
	discard     bool // Ctrl-C at the pager: drop output until the next read
	interrupted bool
	skipLF      bool // a CR was just read; swallow a following LF
	noPager     bool // setttymode 0 1 turned the pager off
	noEcho      bool // a password is being typed
	err         error
	mode        mode
	// outBuf holds output until the session would block for input, so that
	// echoes and a command's lines go out as one SSH packet, not one each.
	outBuf []byte
}

func (a *appliance) handleChannel(conn *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	site := a.site
	s := &session{a: a, id: site.newSID(), conn: conn, ch: ch, ctx: site.ctx, in: make(chan byte, 4096)}
	s.height.Store(24)
	s.user = a.user(conn.User())
	if host, _, err := net.SplitHostPort(conn.RemoteAddr().String()); err == nil {
		s.remote = host
	}
	done := make(chan struct{})
	started := false
	for req := range reqs {
		switch req.Type {
		case "pty-req":
			if !started {
				s.pty = true
				if rows, ok := ptyRows(req.Payload); ok && rows > 0 {
					s.height.Store(int32(rows))
				}
			}
			_ = req.Reply(!started, nil)
		case "window-change":
			if len(req.Payload) >= 8 {
				if rows := binary.BigEndian.Uint32(req.Payload[4:8]); rows > 0 {
					s.height.Store(int32(rows))
				}
			}
			_ = req.Reply(true, nil)
		case "env":
			_ = req.Reply(true, nil)
		case "shell", "exec":
			if started {
				_ = req.Reply(false, nil)
				continue
			}
			var cmdline string
			if req.Type == "exec" {
				if len(req.Payload) < 4 {
					_ = req.Reply(false, nil)
					continue
				}
				n := binary.BigEndian.Uint32(req.Payload)
				if int(n) > len(req.Payload)-4 {
					_ = req.Reply(false, nil)
					continue
				}
				cmdline = string(req.Payload[4 : 4+n])
			}
			started = true
			_ = req.Reply(true, nil)
			exec := req.Type == "exec"
			site.wg.Add(2)
			go func() {
				defer site.wg.Done()
				s.readInput()
			}()
			go func() {
				defer site.wg.Done()
				defer close(done)
				code := s.serve(exec, cmdline)
				s.flush()
				status := make([]byte, 4)
				binary.BigEndian.PutUint32(status, uint32(code))
				_, _ = ch.SendRequest("exit-status", false, status)
				ch.Close()
			}()
		default:
			_ = req.Reply(false, nil)
		}
	}
	if started {
		<-done
	}
}

// ptyRows reads the terminal height from a pty-req payload: string TERM,
// uint32 columns, uint32 rows, ...
func ptyRows(p []byte) (int, bool) {
	if len(p) < 4 {
		return 0, false
	}
	n := int(binary.BigEndian.Uint32(p))
	if len(p) < 4+n+8 {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(p[4+n+4:])), true
}

// readInput feeds the channel's bytes to the CLI goroutine; it ends when
// the channel or connection closes.
func (s *session) readInput() {
	defer close(s.in)
	buf := make([]byte, 1024)
	for {
		n, err := s.ch.Read(buf)
		for _, b := range buf[:n] {
			select {
			case s.in <- b:
			case <-s.ctx.Done():
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// serve runs the CLI for a shell or an exec request and returns the exit
// status.
func (s *session) serve(exec bool, cmdline string) int {
	a := s.a
	a.mu.Lock()
	a.sessions[s.id] = s
	a.mu.Unlock()
	defer func() {
		// A session's uncommitted changes die with it, as on AsyncOS.
		a.store.discard(s.id)
		a.mu.Lock()
		delete(a.sessions, s.id)
		a.mu.Unlock()
	}()
	if a.cluster != nil {
		s.mode = mode{"cluster", a.cluster.spec.Name}
	}
	switch a.site.opts.Mode {
	case "shell":
		return s.plainShell(exec, cmdline)
	}
	if exec {
		s.exec = true
		return s.batch(cmdline)
	}
	s.waitLatency()
	if !s.passwordExpiry() {
		return 0
	}
	s.banner()
	for s.err == nil {
		s.discard, s.interrupted = false, false
		s.prompt(s.promptText())
		line, err := s.readLine()
		if errors.Is(err, errInterrupt) {
			continue
		}
		if err != nil {
			return 0
		}
		if err := s.execLine(line); err != nil {
			return 0
		}
	}
	return 0
}

// batch runs `cmd1 ; cmd2` with no echo, no pager and no prompts.
func (s *session) batch(cmdline string) int {
	for _, c := range splitCommands(cmdline) {
		s.waitLatency()
		if err := s.execLine(c); err != nil {
			if errors.Is(err, errExit) {
				return 0
			}
			return 1
		}
		if s.err != nil {
			return 1
		}
	}
	return 0
}

// splitCommands splits at semicolons outside double quotes.
func splitCommands(line string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ';' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	out = append(out, strings.TrimSpace(cur.String()))
	var cmds []string
	for _, c := range out {
		if c != "" {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// plainShell plays a non-AsyncOS server: a bash-like `$ ` prompt.
func (s *session) plainShell(exec bool, cmdline string) int {
	run := func(line string) (int, bool) {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			return 0, false
		case f[0] == "exit" || f[0] == "logout":
			return 0, true
		case f[0] == "echo":
			s.out(strings.Join(f[1:], " ") + "\n")
			return 0, false
		case f[0] == "uname":
			s.out("Linux\n")
			return 0, false
		}
		s.out("bash: " + f[0] + ": command not found\n")
		return 127, false
	}
	if exec {
		code := 0
		for _, c := range splitCommands(cmdline) {
			var stop bool
			if code, stop = run(c); stop {
				break
			}
		}
		return code
	}
	for s.err == nil {
		s.prompt("$ ")
		line, err := s.readLine()
		if errors.Is(err, errInterrupt) {
			continue
		}
		if err != nil {
			return 0
		}
		if _, stop := run(line); stop {
			return 0
		}
	}
	return 0
}

// passwordExpiry plays the [C-IAF] login questions before the banner: the
// reminder (its [unknown] default is the dangerous Y) and the forced
// change. Changing the password is recorded for Snapshot, never applied,
// so a client that does it is caught. It reports whether to go on.
func (s *session) passwordExpiry() bool {
	if s.user == nil || s.user.PasswordExpiry == "" {
		return true
	}
	if strings.HasPrefix(s.user.PasswordExpiry, "reminder") {
		s.out("Your password will expire in 3 days.\n")
		change, err := s.askYN("login.reminder", "Do you want to change your password now?", true)
		if err != nil {
			return false
		}
		if !change && s.user.PasswordExpiry == "reminder-password" {
			s.noEcho = true
			s.prompt("Password: ")
			line, err := s.readLine()
			s.noEcho = false
			if err != nil || line != s.user.Password {
				s.out("\nLogin incorrect.\n")
				return false
			}
		}
		if !change {
			s.out("\n")
			return true
		}
	} else {
		s.out("Your password has expired.  You must change your password now.\n")
	}
	s.noEcho = true
	defer func() { s.noEcho = false }()
	var typed [3]string
	for i, p := range []string{"Old Password: ", "New Password: ", "Retype New Password: "} {
		if err := s.fault("login.password"); err != nil {
			return false
		}
		s.prompt(p)
		line, err := s.readLine()
		if err != nil {
			return false
		}
		typed[i] = line
	}
	if typed[0] != s.user.Password || typed[1] == "" || typed[1] != typed[2] {
		s.out("Password change failed.\n")
		return false
	}
	s.a.mu.Lock()
	s.a.passwordChanged = append(s.a.passwordChanged, s.user.Name)
	s.a.mu.Unlock()
	s.out("Password changed.\n")
	return true
}

func (s *session) banner() {
	sp := s.a.spec
	if sp.Banner != "" {
		s.out(strings.TrimRight(sp.Banner, "\n") + "\n")
	}
	kind := "Email Security"
	if s.a.isSMA() {
		kind = "Security Management"
	}
	virtual := ""
	if strings.HasSuffix(sp.Model, "V") {
		virtual = " Virtual"
	}
	v := sp.ver
	fmt.Fprintf(s, "Last login: %s from %s\n", simDate, s.remote)
	s.out("Copyright (c) 2001-2024, Cisco Systems, Inc. and/or its affiliates. All rights reserved.\n")
	fmt.Fprintf(s, "AsyncOS %d.%d.%d for Cisco %s build %d\n\n", v.major, v.minor, v.patch, sp.Model, v.build)
	fmt.Fprintf(s, "Welcome to the Cisco %s %s%s Appliance\n", sp.Model, kind, virtual)
	s.out("NOTE: This session will expire if left idle for 30 minutes. Any uncommitted configuration changes will be lost. Commit the configuration changes as soon as they are made.\n")
}

func (s *session) promptText() string {
	switch s.mode.kind {
	case "cluster":
		return "(Cluster " + s.mode.name + ")> "
	case "group":
		return "(Group " + s.mode.name + ")> "
	case "machine":
		return "(Machine " + s.mode.name + ")> "
	}
	return s.a.spec.Hostname + "> "
}

func (s *session) waitLatency() {
	d := s.a.site.opts.Latency
	if d <= 0 {
		return
	}
	s.flush()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.ctx.Done():
	}
}

// Write lets fmt.Fprintf print through the pager.
func (s *session) Write(p []byte) (int, error) {
	s.out(string(p))
	return len(p), nil
}

// out prints command output: LF becomes CRLF on a PTY, and once a screenful
// has been printed since the last input the pager stops for a key.
func (s *session) out(text string) {
	if s.discard || s.err != nil || text == "" {
		return
	}
	nl := "\n"
	if s.pty {
		nl = "\r\n"
	}
	var b strings.Builder
	for text != "" {
		if s.pty && !s.noPager && !s.midLine && s.lines >= int(s.height.Load())-1 {
			s.raw(b.String())
			b.Reset()
			if !s.pagerWait() {
				return
			}
		}
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			b.WriteString(text)
			s.midLine = true
			break
		}
		b.WriteString(text[:i])
		b.WriteString(nl)
		s.lines++
		s.midLine = false
		text = text[i+1:]
	}
	s.raw(b.String())
}

func (s *session) printf(format string, args ...any) { s.out(fmt.Sprintf(format, args...)) }

// prompt prints a prompt, which never triggers the pager.
func (s *session) prompt(p string) {
	if s.discard {
		return
	}
	s.raw(p)
	s.midLine = true
}

func (s *session) raw(text string) {
	if s.err != nil || text == "" {
		return
	}
	s.outBuf = append(s.outBuf, text...)
}

// flush sends the buffered output; called before every wait for input.
func (s *session) flush() {
	if s.err != nil || len(s.outBuf) == 0 {
		return
	}
	if _, err := s.ch.Write(s.outBuf); err != nil {
		s.err = err
	}
	s.outBuf = s.outBuf[:0]
}

// pagerWait shows the pager prompt and waits for one key. Ctrl-C drops the
// rest of the output and interrupts the command at its next read.
func (s *session) pagerWait() bool {
	s.raw(pagerText)
	b, err := s.readByte()
	if b == '\n' && s.skipLF && err == nil {
		b, err = s.readByte()
	}
	if err != nil {
		s.err = err
		return false
	}
	s.skipLF = b == '\r'
	s.raw("\r" + strings.Repeat(" ", len(pagerText)) + "\r")
	s.lines = 0
	if b == 0x03 {
		s.raw("^C\r\n")
		s.discard, s.interrupted = true, true
		return false
	}
	return true
}

func (s *session) readByte() (byte, error) {
	select {
	case b, ok := <-s.in:
		if !ok {
			s.flush()
			return 0, io.EOF
		}
		return b, nil
	default:
	}
	// Nothing typed yet: what was printed must reach the client first.
	s.flush()
	select {
	case b, ok := <-s.in:
		if !ok {
			return 0, io.EOF
		}
		return b, nil
	case <-s.ctx.Done():
		return 0, s.ctx.Err()
	}
}

// readLine reads one line like a terminal line discipline: echo on a PTY,
// CR or LF ends the line, backspace erases, Ctrl-C interrupts. The reply to
// the line is held back by the configured latency.
func (s *session) readLine() (string, error) {
	if s.interrupted {
		s.interrupted, s.discard = false, false
		return "", errInterrupt
	}
	if s.err != nil {
		return "", s.err
	}
	s.lines, s.midLine = 0, false
	var buf []byte
	for {
		b, err := s.readByte()
		if err != nil {
			return "", err
		}
		if b == '\n' && s.skipLF {
			s.skipLF = false
			continue
		}
		s.skipLF = false
		switch {
		case b == '\r' || b == '\n':
			s.skipLF = b == '\r'
			if s.pty {
				s.raw("\r\n")
			}
			s.waitLatency()
			return string(buf), nil
		case b == 0x03:
			if s.pty {
				s.raw("^C\r\n")
			}
			return "", errInterrupt
		case b == 0x7f || b == 0x08:
			if len(buf) > 0 {
				_, size := utf8.DecodeLastRune(buf)
				buf = buf[:len(buf)-size]
				if s.pty {
					s.raw("\b \b")
				}
			}
		case b >= 0x20 || b == '\t':
			buf = append(buf, b)
			if s.pty && !s.noEcho {
				s.raw(string([]byte{b}))
			}
		}
	}
}

// waitInterrupt blocks until Ctrl-C (errInterrupt) or the end of the input
// (nil): a hanging telnet or a running tail.
func (s *session) waitInterrupt() error {
	for {
		b, err := s.readByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if b == 0x03 {
			if s.pty {
				s.raw("^C\r\n")
			}
			return errInterrupt
		}
	}
}

// fault applies fault injection before the named prompt is shown.
func (s *session) fault(name string) error {
	f := s.a.site.opts.Fault
	if f.DropAt == name {
		s.flush() // what came before the drop was sent, as on a real link
		s.conn.Close()
		s.err = errDropped
		return errDropped
	}
	if f.StallAt == name {
		if err := s.stallHere(); err != nil {
			return err
		}
	}
	if f.ExtraPrompt == name {
		s.out("\nWARNING: The configuration was changed by another session.\n")
		s.prompt("Do you want to continue anyway? [Y]> ")
		ans, err := s.readLine()
		if err != nil {
			return err
		}
		if a := strings.ToLower(strings.TrimSpace(ans)); a != "" && a != "y" && a != "yes" {
			s.out("Command cancelled.\n")
			return errCancelled
		}
	}
	return nil
}

// ask prints a question and a `[def]> ` prompt and returns the trimmed
// answer, the default when it is blank.
func (s *session) ask(name, question, def string) (string, error) {
	if err := s.fault(name); err != nil {
		return "", err
	}
	s.out(question)
	s.prompt("[" + def + "]> ")
	ans, err := s.readLine()
	if err != nil {
		return "", err
	}
	if ans = strings.TrimSpace(ans); ans == "" {
		return def, nil
	}
	return ans, nil
}

// askYN asks `question [Y]> ` until it gets yes or no.
func (s *session) askYN(name, question string, def bool) (bool, error) {
	d := map[bool]string{true: "Y", false: "N"}[def]
	if err := s.fault(name); err != nil {
		return false, err
	}
	for {
		s.prompt(question + " [" + d + "]> ")
		ans, err := s.readLine()
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		s.out("Please answer Y or N.\n")
	}
}

// choose shows a numbered list and returns the 0-based choice; def is
// 1-based, 0 for no default (then a blank answer returns -1).
func (s *session) choose(name, header string, items []string, def int) (int, error) {
	if err := s.fault(name); err != nil {
		return 0, err
	}
	for {
		s.out(header + "\n")
		for i, it := range items {
			s.printf("%d. %s\n", i+1, it)
		}
		d := ""
		if def > 0 {
			d = fmt.Sprint(def)
		}
		s.prompt("[" + d + "]> ")
		ans, err := s.readLine()
		if err != nil {
			return 0, err
		}
		ans = strings.TrimSpace(ans)
		if ans == "" {
			return def - 1, nil
		}
		var n int
		if _, err := fmt.Sscanf(ans, "%d", &n); err == nil && fmt.Sprint(n) == ans && n >= 1 && n <= len(items) {
			return n - 1, nil
		}
		s.printf("\nPlease enter a number from 1 to %d.\n\n", len(items))
	}
}

// menu shows `Choose the operation…` with the operations and returns the
// upper-cased answer; "" means go back up.
func (s *session) menu(name string, ops [][2]string) (string, error) {
	if err := s.fault(name); err != nil {
		return "", err
	}
	s.out("Choose the operation you want to perform:\n")
	for _, op := range ops {
		s.printf("- %s - %s\n", op[0], op[1])
	}
	s.prompt("[]> ")
	ans, err := s.readLine()
	if err != nil {
		return "", err
	}
	return strings.ToUpper(strings.TrimSpace(ans)), nil
}
