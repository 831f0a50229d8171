package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/channel"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/transport"
)

// CheckOptions are the flags of `check` (and what `demo` fills in for it).
type CheckOptions struct {
	IO *IOStreams

	ESAs []string
	SMA  string
	User string

	Identities            []string
	PasswordEnv           string
	KnownHosts            string
	AcceptNewHostKeys     bool
	InsecureIgnoreHostKey bool
	LegacySSH             bool

	SMAPVOHost     string
	ConnectTimeout time.Duration
	ProbeTimeout   time.Duration
	StepTimeout    time.Duration
	Timeout        time.Duration
	Concurrency    int
	TranscriptDir  string

	reportFlags
	// FailOn is --fail-on: the least severity whose failure exits 1.
	FailOn string

	// password, when set, replaces the environment/terminal lookup (demo).
	password func() (string, error)
	// noAgent keeps ssh-agent out of the way (demo logs in with its own key).
	noAgent bool
	// progressTo overrides where progress goes (tests); nil = stderr on a TTY.
	progressTo func(string)

	fixFlags
	secrets *secretSource
	// answers reads the confirmation from stdin, kept across fix rounds.
	answers *bufio.Reader
}

func NewCmdCheck(ios *IOStreams, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "check --esa HOST[:PORT]... --sma HOST[:PORT] [--fix [--dry-run] [--yes]] [flags]",
		Short: "Diagnose live appliances over SSH (read-only unless --fix)",
		Long: `check logs into every ESA and the SMA at once over SSH, collects read-only
evidence from their AsyncOS CLI, runs every rule and reports. It never leaves a
pending change: it backs out of every menu and commits nothing.

An appliance is [USER@]HOST[:PORT]; USER overrides --user for that appliance.
Authentication: ssh-agent, then identity files, then the password in the
environment variable named by --password-env (or asked on the terminal).

With --fix it then applies the fixes it knows (PVO-001 resume on the SMA,
PVO-003 deliveryconfig Auto, PVO-004 sslconfig outbound ciphers): it prints
the plan to stderr (every command, question, answer, cluster level and commit
comment), asks "Apply these changes? [y/N]" on a terminal (--yes skips the
question; without a terminal --yes is required), applies each appliance's
fixes over one session with one commit (clearchanges on any surprise), checks
again, and repeats while the re-check offers new fixes (3 rounds at most).
--dry-run shows the plan and changes nothing.

Exit codes: 0 every rule passed or does not apply, 1 a rule failed, 2 usage
error, 3 nothing failed but something could not be decided. After --fix they
describe the site as re-checked.`,
		Example: `  pvo-doctor check --esa mx1.example.com --sma sma.example.com
  PVO_DOCTOR_PASSWORD=... pvo-doctor check --esa admin@mx1:22 --esa mx2 --sma sma --report ticket.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.NoColorEnv = os.Getenv("NO_COLOR") != ""
			if runF != nil {
				return runF(opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	addCheckFlags(cmd, opts)
	return cmd
}

func addCheckFlags(cmd *cobra.Command, opts *CheckOptions) {
	f := cmd.Flags()
	f.StringArrayVar(&opts.ESAs, "esa", nil, "ESA to check, `[USER@]HOST[:PORT]` (repeat for several)")
	f.StringVar(&opts.SMA, "sma", "", "the SMA, `[USER@]HOST[:PORT]`")
	f.StringVar(&opts.User, "user", "admin", "account to log in as (an Administrator)")
	f.StringArrayVar(&opts.Identities, "identity", nil, "private key `FILE` (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
	f.StringVar(&opts.PasswordEnv, "password-env", "PVO_DOCTOR_PASSWORD", "environment `VARIABLE` holding the password")
	f.StringVar(&opts.KnownHosts, "known-hosts", "", "known_hosts `FILE` (default ~/.ssh/known_hosts)")
	f.BoolVar(&opts.AcceptNewHostKeys, "accept-new-host-keys", false, "add unknown hosts to known_hosts (a changed key is still rejected)")
	f.BoolVar(&opts.InsecureIgnoreHostKey, "insecure-ignore-host-key", false, "do not verify host keys (prints a warning every time)")
	f.BoolVar(&opts.LegacySSH, "legacy-ssh-algorithms", false, "also offer ssh-rsa host keys, SHA-1 key exchange and CBC ciphers (old AsyncOS)")
	f.StringVar(&opts.SMAPVOHost, "sma-pvo-host", "", "where the ESAs reach the SMA's PVO listener, `HOST[:PORT]` (default the --sma host, port 7025)")
	f.DurationVar(&opts.ConnectTimeout, "connect-timeout", 10*time.Second, "deadline for the TCP connect and for the SSH handshake and login")
	f.DurationVar(&opts.ProbeTimeout, "probe-timeout", 10*time.Second, "give up on a telnet or tlsverify probe after this long (Ctrl-C)")
	f.DurationVar(&opts.StepTimeout, "step-timeout", 30*time.Second, "deadline for each other CLI command")
	f.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "deadline for the whole run")
	f.IntVar(&opts.Concurrency, "concurrency", 8, "appliances checked at the same time")
	f.StringVar(&opts.TranscriptDir, "transcript-dir", "", "write one redacted transcript per appliance into `DIR` (mode 0600)")
	addReportFlags(cmd, &opts.reportFlags)
	addFailOnFlag(cmd, &opts.FailOn)
	addFixFlags(cmd, &opts.fixFlags)
}

func addReportFlags(cmd *cobra.Command, rf *reportFlags) {
	f := cmd.Flags()
	f.StringVar(&rf.Format, "format", "", "output format: text, json, markdown or html (default text)")
	f.StringVar(&rf.ReportFile, "report", "", "also write the report to `FILE`, in the format of its extension (.json, .md, .html, .txt)")
	f.StringVar(&rf.Color, "color", "auto", "colour the text output: auto, always or never")
}

// target is one appliance named on the command line.
type target struct {
	role facts.Role
	spec string // as given
	user string
	addr string // host:port
	host string
}

func parseTarget(role facts.Role, spec, defaultUser string) (target, error) {
	t := target{role: role, spec: spec, user: defaultUser}
	rest := spec
	if u, h, ok := strings.Cut(spec, "@"); ok {
		if u == "" {
			return t, usageError("--%s %q: empty user before @", role, spec)
		}
		t.user, rest = u, h
	}
	host, port, err := transport.SplitHostPort(rest)
	if err != nil {
		return t, usageError("--%s %q: %w", role, spec, err)
	}
	t.host = host
	t.addr = netJoin(host, port)
	return t, nil
}

func netJoin(host string, port int) string {
	if strings.Contains(host, ":") {
		return fmt.Sprintf("[%s]:%d", host, port)
	}
	return fmt.Sprintf("%s:%d", host, port)
}

func (opts *CheckOptions) targets() ([]target, error) {
	if len(opts.ESAs) == 0 && opts.SMA == "" {
		return nil, usageError("name the appliances with --esa and --sma")
	}
	var ts []target
	for _, e := range opts.ESAs {
		t, err := parseTarget(facts.RoleESA, e, opts.User)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	if opts.SMA != "" {
		t, err := parseTarget(facts.RoleSMA, opts.SMA, opts.User)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// pvoTarget is where the ESAs should find the SMA's PVO listener.
func (opts *CheckOptions) pvoTarget(ts []target) (string, int, error) {
	if opts.SMAPVOHost != "" {
		host, port, err := transport.SplitHostPort(opts.SMAPVOHost)
		if err != nil {
			return "", 0, usageError("--sma-pvo-host: %w", err)
		}
		if !strings.Contains(opts.SMAPVOHost, ":") || strings.HasSuffix(opts.SMAPVOHost, "]") {
			port = facts.DefaultPVOPort
		}
		return host, port, nil
	}
	for _, t := range ts {
		if t.role == facts.RoleSMA {
			return t.host, facts.DefaultPVOPort, nil
		}
	}
	return "", facts.DefaultPVOPort, nil
}

func (opts *CheckOptions) validate() error {
	if _, _, err := opts.reportFlags.formats(); err != nil {
		return err
	}
	if opts.Concurrency < 1 {
		return usageError("--concurrency must be at least 1")
	}
	for name, d := range map[string]time.Duration{"--connect-timeout": opts.ConnectTimeout,
		"--probe-timeout": opts.ProbeTimeout, "--step-timeout": opts.StepTimeout, "--timeout": opts.Timeout} {
		if d <= 0 {
			return usageError("%s must be positive", name)
		}
	}
	if opts.AcceptNewHostKeys && opts.InsecureIgnoreHostKey {
		return usageError("--accept-new-host-keys and --insecure-ignore-host-key exclude each other")
	}
	if _, err := parseFailOn(opts.FailOn); err != nil {
		return err
	}
	return opts.fixFlags.validate()
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ts, err := opts.targets()
	if err != nil {
		return err
	}
	if err := opts.validate(); err != nil {
		return err
	}
	pvoHost, pvoPort, err := opts.pvoTarget(ts)
	if err != nil {
		return err
	}
	if opts.TranscriptDir != "" {
		if err := os.MkdirAll(opts.TranscriptDir, 0o700); err != nil {
			return fmt.Errorf("transcript dir: %w", err)
		}
	}
	start := time.Now()
	col := collectSite(ctx, opts, ts, pvoHost, pvoPort, "")
	printSessionErrors(opts.IO, col.site)
	res := rules.Run(col.site)
	before := res
	var fixes []report.FixRecord
	if opts.Fix {
		if col, res, fixes, err = fixRounds(ctx, opts, ts, pvoHost, pvoPort, col, res); err != nil {
			return err
		}
	}
	site := col.site
	rep := report.New(site, res, report.Meta{
		ToolVersion: Version,
		Mode:        report.ModeCheck,
		StartedAt:   start,
		Duration:    time.Since(start),
	})
	if opts.Fix {
		rep.SetStatusBefore(before)
		for _, fr := range fixes {
			rep.AddFix(fr)
		}
	}
	if err := opts.reportFlags.emit(opts.IO, rep, 0o600); err != nil {
		return err
	}
	failOn, _ := parseFailOn(opts.FailOn) // checked by validate
	if code := verdictExitCode(res, site, failOn); code != ExitOK {
		return &ExitError{Code: code}
	}
	return nil
}

// ptyRows is the terminal height pvo-doctor asks for. AsyncOS pages long
// output at the terminal's height, and every "-Press Any Key For More-" is
// one more round trip; the channel still answers the pager if it comes.
const ptyRows = 1000

// sessionSteps are the steps whose failure loses a whole appliance; they
// are also printed on stderr, one line each, since every rule of that
// appliance turns unknown because of them.
var sessionSteps = map[string]bool{"queue": true, "connect": true, "open shell": true, "transcript": true, "login": true}

func printSessionErrors(ios *IOStreams, site *facts.Site) {
	apps := append([]*facts.Appliance{}, site.ESAs...)
	if site.SMA != nil {
		apps = append(apps, site.SMA)
	}
	for _, a := range apps {
		for _, e := range a.Errors {
			if sessionSteps[e.Step] {
				fmt.Fprintf(ios.ErrOut, "pvo-doctor: %s %s: %s: %s\n", a.Role, a.Address, e.Step, e.Message)
			}
		}
	}
}

// collected is one collection of the whole site, plus the raw output of the
// commands whose cluster level --fix needs (the "Settings defined at:" line).
type collected struct {
	site    *facts.Site
	mu      sync.Mutex
	outputs map[string]map[string]string // by target spec, then command
}

// output is what command printed on the appliance named address; "" if none.
func (c *collected) output(address, command string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.outputs[address][command]
}

func (c *collected) record(address, command, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.outputs[address] == nil {
		c.outputs[address] = map[string]string{}
	}
	c.outputs[address][command] = text
}

// collectSite logs into every appliance at once (bounded by --concurrency)
// and collects each one's facts. A failing appliance never stops the others.
// tag names this collection's transcripts ("" for the first check).
func collectSite(ctx context.Context, opts *CheckOptions, ts []target, pvoHost string, pvoPort int, tag string) *collected {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	col := &collected{site: &facts.Site{PVOHost: pvoHost, PVOPort: pvoPort}, outputs: map[string]map[string]string{}}
	apps := make([]*facts.Appliance, len(ts))
	prog := newProgress(opts)
	secrets := opts.secretSource()
	sem := make(chan struct{}, opts.Concurrency)
	acquire := func(ctx context.Context) bool {
		select {
		case sem <- struct{}{}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// The SMA's session waits, through checked, until every ESA has said
	// which names and addresses it goes by (or has ended), and then reads
	// only those appliances' SERVICES and TEST. It gives its concurrency
	// slot back while it waits, so the ESAs can always run.
	var wg, esasKnown sync.WaitGroup
	var idMu sync.Mutex
	ids := []string{}
	for _, t := range ts {
		if t.role == facts.RoleESA {
			ids = append(ids, t.host)
		}
	}
	for i, t := range ts {
		wg.Add(1)
		var once sync.Once
		identified := func(keys []string) {
			once.Do(func() {
				idMu.Lock()
				ids = append(ids, keys...)
				idMu.Unlock()
				esasKnown.Done()
			})
		}
		if t.role == facts.RoleESA {
			esasKnown.Add(1)
		}
		go func() {
			defer wg.Done()
			if t.role == facts.RoleESA {
				defer func() { identified(asyncos.IdentityKeys(apps[i])) }()
			}
			held := acquire(ctx)
			defer func() {
				if held {
					<-sem
				}
			}()
			if !held {
				apps[i] = failed(t, "queue", fmt.Errorf("run timed out (--timeout %s) before this appliance's turn", opts.Timeout))
				return
			}
			checked := func(ctx context.Context) []string {
				<-sem
				held = false
				waitGroup(ctx, &esasKnown)
				held = acquire(ctx)
				idMu.Lock()
				defer idMu.Unlock()
				return append([]string(nil), ids...)
			}
			apps[i] = collectOne(ctx, opts, t, pvoHost, pvoPort, secrets, prog, tag, col, checked, identified)
		}()
	}
	wg.Wait()
	prog.done()
	for _, a := range apps {
		if a.Role == facts.RoleSMA {
			col.site.SMA = a
		} else {
			col.site.ESAs = append(col.site.ESAs, a)
		}
	}
	return col
}

// waitGroup waits for wg or the end of ctx, whichever comes first.
func waitGroup(ctx context.Context, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func failed(t target, step string, err error) *facts.Appliance {
	return &facts.Appliance{Role: t.role, Address: t.spec,
		Errors: []facts.CollectError{{Step: step, Message: err.Error()}}}
}

// collectOne runs one appliance's whole session: dial, log in, collect,
// leave. Errors become the appliance's Errors, each naming the step and
// with a hint at the flag or file to look at.
func collectOne(ctx context.Context, opts *CheckOptions, t target, pvoHost string, pvoPort int,
	secrets *secretSource, prog *progress, tag string, col *collected,
	checked func(context.Context) []string, identified func([]string)) *facts.Appliance {
	label := string(t.role) + " " + t.spec
	ch, done, step, err := openSession(ctx, opts, t, secrets, tag, func(s string) { prog.step(label, s) })
	if err != nil {
		return failed(t, step, err)
	}
	defer done()
	app := asyncos.Collect(ctx, &recordingSession{Channel: ch, record: func(cmd, text string) { col.record(t.spec, cmd, text) }}, asyncos.Plan{
		Role:         t.role,
		Address:      t.spec,
		PVOHost:      pvoHost,
		PVOPort:      pvoPort,
		StepTimeout:  opts.StepTimeout,
		ProbeTimeout: opts.ProbeTimeout,
		Progress:     func(step string) { prog.step(label, step) },
		Checked:      checked,
		Identified:   identified,
	})
	// Leave the CLI as an administrator would; check left nothing pending
	// for exit to warn about, and closing the session needs no answer.
	_ = ch.Send("exit", false)
	return app
}

// recordingSession keeps, as the collection runs them, the output --fix
// reads: the level lines of deliveryconfig and sslconfig, and the serial
// number in version that names a cluster member.
type recordingSession struct {
	*channel.Channel
	record func(command, text string)
}

func (r *recordingSession) Run(ctx context.Context, command string) (string, error) {
	out, err := r.Channel.Run(ctx, command)
	switch command {
	case "version", "deliveryconfig", "sslconfig":
		r.record(command, out)
	}
	return out, err
}

// openSession dials, opens the shell and logs in, with a transcript when
// --transcript-dir asks for one. On failure it says which step failed; on
// success the caller calls done to close the channel and all behind it.
func openSession(ctx context.Context, opts *CheckOptions, t target, secrets *secretSource, tag string,
	progress func(string)) (ch *channel.Channel, done func(), step string, err error) {
	progress("connect")
	cfg := transport.Config{
		User:                  t.user,
		Identities:            opts.Identities,
		Password:              secrets.password,
		Passphrase:            secrets.passphrase,
		UseAgent:              !opts.noAgent && os.Getenv("SSH_AUTH_SOCK") != "",
		KnownHostsFile:        opts.KnownHosts,
		AcceptNewHostKeys:     opts.AcceptNewHostKeys,
		InsecureIgnoreHostKey: opts.InsecureIgnoreHostKey,
		LegacyAlgorithms:      opts.LegacySSH,
		Warn:                  opts.IO.ErrOut,
		ConnectTimeout:        opts.ConnectTimeout,
	}
	// The transport bounds the TCP connect and the wait for the SSH banner
	// by ConnectTimeout itself; this deadline covers the login too, unless
	// a person may be typing a password, who gets the whole run's time.
	loginTimeout := opts.ConnectTimeout
	if secrets.mayPrompt() {
		loginTimeout = opts.Timeout
	}
	lctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	client, err := transport.Dial(lctx, t.addr, cfg)
	if err != nil {
		return nil, nil, "connect", withHint(err)
	}
	shell, err := client.Shell(lctx, transport.PTY{Rows: ptyRows})
	if err != nil {
		client.Close()
		return nil, nil, "open shell", withHint(err)
	}
	var tr *channel.Transcript
	var trFile *os.File
	if opts.TranscriptDir != "" {
		trFile, err = os.OpenFile(filepath.Join(opts.TranscriptDir, transcriptName(t, tag)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			shell.Close()
			client.Close()
			return nil, nil, "transcript", err
		}
		tr = channel.NewTranscript(trFile)
		secrets.redactInto(tr)
	}
	progress("login")
	ch, err = channel.Open(lctx, shell, shell, channel.Options{
		Transcript:  tr,
		StepTimeout: opts.StepTimeout,
		Host:        t.spec,
		Secrets:     secrets.known(),
	})
	if err != nil {
		shell.Close()
		if trFile != nil {
			trFile.Close()
		}
		client.Close()
		return nil, nil, "login", fmt.Errorf("%w (is this an AsyncOS CLI? check the address and --user)", err)
	}
	done = func() {
		ch.Close()
		if trFile != nil {
			trFile.Close()
		}
		client.Close()
	}
	return ch, done, "", nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// transcriptName is one file per appliance and session: the check's has no
// tag, a fix session's is e.g. "fix1" and a re-check's "recheck1".
func transcriptName(t target, tag string) string {
	name := string(t.role) + "-" + unsafeName.ReplaceAllString(t.addr, "_")
	if tag != "" {
		name += "." + tag
	}
	return name + ".transcript"
}

// withHint adds, for errors a flag can cure, which flag to look at.
func withHint(err error) error {
	var auth *transport.AuthError
	var dial *transport.DialError
	var notSSH *transport.NotSSHError
	switch {
	case errors.As(err, &auth):
		return fmt.Errorf("%w; check --user and --identity, or set the password variable (--password-env)", err)
	case errors.As(err, &dial):
		return fmt.Errorf("%w; check the address and port, or --connect-timeout", err)
	case errors.As(err, &notSSH):
		return fmt.Errorf("%w; is that the appliance's SSH port?", err)
	}
	return err
}

// secretSource asks for the password and key passphrases at most once per
// run, whichever appliance needs them first, and remembers them so that
// transcripts can redact them.
type secretSource struct {
	opts  *CheckOptions
	mu    sync.Mutex
	pw    *string
	pwErr error
	pass  map[string]string
	trs   []*channel.Transcript
}

// secretSource is the run's one source of secrets, so that the fix
// sessions and re-checks never ask for a password again. Only the run's
// own goroutine calls it, before it starts any other.
func (opts *CheckOptions) secretSource() *secretSource {
	if opts.secrets == nil {
		opts.secrets = &secretSource{opts: opts, pass: map[string]string{}}
	}
	return opts.secrets
}

func (s *secretSource) password() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pw != nil || s.pwErr != nil {
		return deref(s.pw), s.pwErr
	}
	var pw string
	var err error
	switch {
	case s.opts.password != nil:
		pw, err = s.opts.password()
	case s.opts.PasswordEnv != "" && os.Getenv(s.opts.PasswordEnv) != "":
		pw = os.Getenv(s.opts.PasswordEnv)
	default:
		pw, err = s.opts.IO.ReadSecret("Password: ")
		if errors.Is(err, errNoTerminal) {
			err = fmt.Errorf("no password: set $%s or use an SSH key (--identity, ssh-agent)", s.opts.PasswordEnv)
		}
	}
	if err != nil {
		s.pwErr = err
		return "", err
	}
	s.pw = &pw
	for _, tr := range s.trs {
		tr.Redact(pw)
	}
	return pw, nil
}

// mayPrompt reports whether a secret may be asked on the terminal.
func (s *secretSource) mayPrompt() bool {
	if !s.opts.IO.IsStdinTTY() {
		return false
	}
	if s.opts.password == nil && os.Getenv(s.opts.PasswordEnv) == "" {
		return true
	}
	for _, id := range s.opts.Identities {
		if id != "" {
			return true // an encrypted key may ask for its passphrase
		}
	}
	return false
}

func (s *secretSource) passphrase(file string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pass[file]; ok {
		return p, nil
	}
	p, err := s.opts.IO.ReadSecret(fmt.Sprintf("Passphrase for %s: ", file))
	if errors.Is(err, errNoTerminal) {
		return "", fmt.Errorf("%s is encrypted and there is no terminal to ask for its passphrase", file)
	}
	if err != nil {
		return "", err
	}
	s.pass[file] = p
	return p, nil
}

// known lists the secrets read so far, for a channel's redaction list.
func (s *secretSource) known() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if s.pw != nil && *s.pw != "" {
		out = append(out, *s.pw)
	}
	for _, p := range s.pass {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// redactInto registers every secret, now and later, with tr.
func (s *secretSource) redactInto(tr *channel.Transcript) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trs = append(s.trs, tr)
	if s.pw != nil && *s.pw != "" {
		tr.Redact(*s.pw)
	}
	for _, p := range s.pass {
		if p != "" {
			tr.Redact(p)
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// progress shows each appliance's current step on stderr, only on a terminal.
type progress struct {
	mu    sync.Mutex
	out   func(string)
	start time.Time
}

func newProgress(opts *CheckOptions) *progress {
	p := &progress{start: time.Now(), out: opts.progressTo}
	if p.out == nil && opts.IO.IsStderrTTY() {
		w := opts.IO.ErrOut
		p.out = func(s string) { fmt.Fprint(w, s) }
	}
	return p
}

func (p *progress) step(label, step string) {
	if p == nil || p.out == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out(fmt.Sprintf("\r\033[K%6.1fs  %s: %s", time.Since(p.start).Seconds(), label, step))
}

func (p *progress) done() {
	if p == nil || p.out == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out("\r\033[K")
}
