package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
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
	// TestTimeout and SessionsPerAppliance: see diagnose.Config.
	TestTimeout          time.Duration
	SessionsPerAppliance int

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
	// secrets is the run's one source of secrets, so that fix sessions
	// and re-checks never ask for a password again.
	secrets *session.Secrets
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

With --fix it then applies the fixes it knows:
  ` + fixHelp(",\n  ") + `.
It prints the plan to stderr (every command, question, answer, cluster level
and commit comment), asks "Apply these changes? [y/N]" on a terminal (--yes
skips the question; without a terminal --yes is required), applies each
appliance's fixes over one session with one commit (clearchanges on any
surprise), checks again, and repeats while the re-check offers new fixes
(3 rounds at most).
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
	addPVOHostFlag(cmd, &opts.SMAPVOHost, "default the --sma host")
	f.DurationVar(&opts.ConnectTimeout, "connect-timeout", 10*time.Second, "deadline for the TCP connect and for the SSH handshake and login")
	f.DurationVar(&opts.ProbeTimeout, "probe-timeout", 10*time.Second, "give up on a telnet or tlsverify probe after this long (Ctrl-C)")
	f.DurationVar(&opts.StepTimeout, "step-timeout", 30*time.Second, "deadline for each other CLI command")
	f.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "deadline for the whole run")
	f.IntVar(&opts.Concurrency, "concurrency", 8, "appliances checked at the same time")
	f.DurationVar(&opts.TestTimeout, "test-timeout", diagnose.DefaultTestTimeout, "deadline for the SMA's applianceconfig TEST of one ESA (AsyncOS may take 2 minutes; --timeout still bounds the run)")
	f.IntVar(&opts.SessionsPerAppliance, "sessions-per-appliance", diagnose.DefaultSessions, "most CLI sessions (logins) on one appliance at a time; the SMA uses them to read its ESAs in parallel (1 to 16)")
	f.StringVar(&opts.TranscriptDir, "transcript-dir", "", "write one redacted transcript per appliance into `DIR` (mode 0600)")
	addReportFlags(cmd, &opts.reportFlags)
	addFailOnFlag(cmd, &opts.FailOn)
	addFixFlags(cmd, &opts.fixFlags)
}

// addPVOHostFlag is --sma-pvo-host, read alike by check and analyze.
func addPVOHostFlag(cmd *cobra.Command, v *string, def string) {
	cmd.Flags().StringVar(v, "sma-pvo-host", "", "where the ESAs reach the SMA's PVO listener, `HOST[:PORT]` ("+def+", port 7025; IPv6 in brackets)")
}

// maxSessionsPerAppliance keeps --sessions-per-appliance to a handful
// more than its default: AsyncOS limits concurrent CLI sessions, and sites
// alert on logins.
const maxSessionsPerAppliance = 16

func (opts *CheckOptions) validate() error {
	if _, _, err := opts.reportFlags.formats(); err != nil {
		return err
	}
	if opts.Concurrency < 1 {
		return usageError("--concurrency must be at least 1")
	}
	// 0 (a caller that sets neither, like demo) means the default.
	if opts.SessionsPerAppliance < 0 || opts.SessionsPerAppliance > maxSessionsPerAppliance {
		return usageError("--sessions-per-appliance must be from 1 to %d", maxSessionsPerAppliance)
	}
	if opts.TestTimeout < 0 {
		return usageError("--test-timeout must be positive")
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

// config turns the flags into the driver's configuration.
func (opts *CheckOptions) config() (diagnose.Config, error) {
	ids, err := diagnose.Targets(opts.ESAs, opts.SMA, opts.User)
	if err != nil {
		return diagnose.Config{}, usage(err)
	}
	if err := opts.validate(); err != nil {
		return diagnose.Config{}, err
	}
	pvo := diagnose.DefaultPVO(ids)
	if opts.SMAPVOHost != "" {
		if pvo, err = diagnose.ParsePVOEndpoint(opts.SMAPVOHost, facts.DefaultPVOPort); err != nil {
			return diagnose.Config{}, usage(err)
		}
	}
	if opts.secrets == nil {
		opts.secrets = &session.Secrets{Password: opts.password, PasswordEnv: opts.PasswordEnv,
			Ask: opts.IO.ReadSecret, Interactive: opts.IO.IsStdinTTY(), Identities: opts.Identities}
	}
	return diagnose.Config{
		Targets: ids,
		PVO:     pvo,
		Dial: session.Options{
			Identities:            opts.Identities,
			UseAgent:              !opts.noAgent && os.Getenv("SSH_AUTH_SOCK") != "",
			KnownHosts:            opts.KnownHosts,
			AcceptNewHostKeys:     opts.AcceptNewHostKeys,
			InsecureIgnoreHostKey: opts.InsecureIgnoreHostKey,
			LegacyAlgorithms:      opts.LegacySSH,
			ConnectTimeout:        opts.ConnectTimeout,
			LoginTimeout:          opts.Timeout,
			StepTimeout:           opts.StepTimeout,
			TranscriptDir:         opts.TranscriptDir,
			Warn:                  opts.IO.ErrOut,
			Secrets:               opts.secrets,
		},
		ProbeTimeout:         opts.ProbeTimeout,
		StepTimeout:          opts.StepTimeout,
		Timeout:              opts.Timeout,
		Concurrency:          opts.Concurrency,
		TestTimeout:          opts.TestTimeout,
		SessionsPerAppliance: opts.SessionsPerAppliance,
		Progress:             newProgress(opts),
	}, nil
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	if opts.TranscriptDir != "" {
		if err := os.MkdirAll(opts.TranscriptDir, 0o700); err != nil {
			return fmt.Errorf("transcript dir: %w", err)
		}
	}
	start := time.Now()
	out := diagnose.Check(ctx, cfg)
	printSessionErrors(opts.IO, out.Site)
	if opts.Fix {
		if out, err = diagnose.Fix(ctx, cfg, out, opts.fixOptions(opts.IO, &opts.answers)); err != nil {
			return err
		}
	}
	rep := report.New(out.Site, out.Result, report.Meta{
		ToolVersion: Version,
		Mode:        report.ModeCheck,
		StartedAt:   start,
		Duration:    time.Since(start),
	})
	if opts.Fix {
		addFixes(rep, out)
	}
	if err := opts.reportFlags.emit(opts.IO, rep, 0o600); err != nil {
		return err
	}
	failOn, _ := parseFailOn(opts.FailOn) // checked by validate
	if code := verdictExitCode(out.Result, out.Site, failOn); code != ExitOK {
		return &ExitError{Code: code}
	}
	return nil
}
