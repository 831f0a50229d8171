package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/inventory"
	"github.com/pvo-doctor/pvo-doctor/internal/outfile"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// CheckOptions are the flags of `check` (and what `demo` fills in for it).
type CheckOptions struct {
	IO *IOStreams

	ESAs []string
	SMAs []string // --sma: one; two are a usage error
	User string

	Inventory string
	Site      string
	// SSHConfig is -F; NoSSHConfig --no-ssh-config; Jump -J/--jump.
	SSHConfig   string
	NoSSHConfig bool
	Jump        string

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
	// secrets is the run's one source of secrets, so that fix sessions
	// and re-checks never ask for a password again.
	secrets *session.Secrets
	// answers reads the confirmation from stdin, kept across fix rounds.
	answers *bufio.Reader
	// changed reports whether a flag was set on the command line (ssh_config
	// and an inventory fill only what was not); nil = none was.
	changed func(name string) bool
}

func NewCmdCheck(ios *IOStreams, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "check (--esa HOST[:PORT]... --sma HOST[:PORT] | --inventory FILE [--site NAME]) [--fix [--dry-run] [--yes]] [flags]",
		Short: "Diagnose live appliances over SSH (read-only unless --fix)",
		Long: `check logs into every ESA and the SMA at once over SSH, collects read-only
evidence from their AsyncOS CLI, runs every rule and reports. It never leaves a
pending change: it backs out of every menu and commits nothing.

An appliance is [USER@]HOST[:PORT]; USER overrides --user for that appliance.
HOST may be a Host alias of ~/.ssh/config (or -F FILE): its HostName, Port,
User, IdentityFile, IdentitiesOnly, UserKnownHostsFile, StrictHostKeyChecking,
ConnectTimeout and ProxyJump apply; flags given on the command line win.
--inventory reads the appliances of a site from a YAML file (see
'pvo-doctor inventory init'); --esa and --sma add to it.
Authentication: ssh-agent, then identity files, then the password in the
environment variable named by --password-env (or asked on the terminal).
Jump hosts (-J, ProxyJump) are offered keys only, never that password.

The ESAs probe the SMA's PVO listener where the SMA's tcpservices shows its
cpq_listener; without one, the SMA's SSH address and port 7025;
--sma-pvo-host names another.

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
error, 3 nothing failed but something could not be decided, 4 a --report
file could not be written (the report went to stdout; after --fix the fixes
were applied), 130 interrupted (Ctrl-C; the partial report was written).
After --fix they describe the site as re-checked.`,
		Example: `  pvo-doctor check --esa mx1.example.com --sma sma.example.com
  PVO_DOCTOR_PASSWORD=... pvo-doctor check --esa admin@mx1:22 --esa mx2 --sma sma --report ticket.md --report ticket.json
  pvo-doctor check -J ops@bastion.example.com --esa mx1 --sma sma      # mx1, sma: ~/.ssh/config aliases
  pvo-doctor check --inventory site.yaml --site east`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.NoColorEnv = os.Getenv("NO_COLOR") != ""
			opts.changed = func(name string) bool { return cmd.Flags().Changed(name) }
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
	f.StringArrayVar(&opts.ESAs, "esa", nil, "ESA to check, `[USER@]HOST[:PORT]` or an ssh_config alias (repeat for several)")
	f.StringArrayVar(&opts.SMAs, "sma", nil, "the SMA, `[USER@]HOST[:PORT]` or an ssh_config alias")
	f.StringVar(&opts.Inventory, "inventory", "", "read the site's appliances from this YAML `FILE` (see 'pvo-doctor inventory init')")
	f.StringVar(&opts.Site, "site", "", "the site `NAME` in --inventory (needed when it holds several)")
	f.StringVarP(&opts.SSHConfig, "ssh-config", "F", "", "read this ssh_config `FILE` instead of ~/.ssh/config and /etc/ssh/ssh_config")
	f.BoolVar(&opts.NoSSHConfig, "no-ssh-config", false, "read no ssh_config file")
	f.StringVarP(&opts.Jump, "jump", "J", "", "reach every appliance through these jump hosts, `[USER@]HOST[:PORT][,...]` as ssh -J (\"none\": directly)")
	f.StringVar(&opts.User, "user", "admin", "account to log in as (an Administrator)")
	f.StringArrayVar(&opts.Identities, "identity", nil, "private key `FILE` (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
	f.StringVar(&opts.PasswordEnv, "password-env", "PVO_DOCTOR_PASSWORD", "environment `VARIABLE` holding the password")
	f.StringVar(&opts.KnownHosts, "known-hosts", "", "known_hosts `FILE` (default ~/.ssh/known_hosts)")
	f.BoolVar(&opts.AcceptNewHostKeys, "accept-new-host-keys", false, "add unknown hosts to known_hosts (a changed key is still rejected)")
	f.BoolVar(&opts.InsecureIgnoreHostKey, "insecure-ignore-host-key", false, "do not verify host keys (prints a warning every time)")
	addLegacySSHFlag(cmd, &opts.LegacySSH, "also offer ssh-rsa host keys, SHA-1 key exchange and CBC ciphers (old AsyncOS)")
	addPVOHostFlag(cmd, &opts.SMAPVOHost, "default where the SMA's tcpservices shows its cpq_listener, else the --sma host")
	f.DurationVar(&opts.ConnectTimeout, "connect-timeout", 10*time.Second, "deadline for the TCP connect and for the SSH handshake and login")
	f.DurationVar(&opts.ProbeTimeout, "probe-timeout", 10*time.Second, "give up on a telnet or tlsverify probe after this long (Ctrl-C)")
	f.DurationVar(&opts.StepTimeout, "step-timeout", 30*time.Second, "deadline for each other CLI command")
	f.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "deadline for the whole run")
	f.IntVar(&opts.Concurrency, "concurrency", 8, "appliances checked at the same time")
	f.StringVar(&opts.TranscriptDir, "transcript-dir", "", "write one redacted transcript per appliance into `DIR` (mode 0600)")
	addReportFlags(cmd, &opts.reportFlags)
	addFailOnFlag(cmd, &opts.FailOn)
	addFixFlags(cmd, &opts.fixFlags)
	_ = cmd.RegisterFlagCompletionFunc("site", func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		inv, err := inventory.Load(opts.Inventory)
		if opts.Inventory == "" || err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return inv.SiteNames(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("inventory", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// addLegacySSHFlag is --legacy-ssh-algorithms, one spelling in every
// command; --legacy-ssh stays as a hidden, deprecated alias.
func addLegacySSHFlag(cmd *cobra.Command, v *bool, usage string) {
	f := cmd.Flags()
	f.BoolVar(v, "legacy-ssh-algorithms", false, usage)
	f.BoolVar(v, "legacy-ssh", false, usage)
	markDeprecated(cmd, "legacy-ssh", "use --legacy-ssh-algorithms")
}

// addPVOHostFlag is --sma-pvo-host, read alike by check and analyze.
func addPVOHostFlag(cmd *cobra.Command, v *string, def string) {
	cmd.Flags().StringVar(v, "sma-pvo-host", "", "where the ESAs reach the SMA's PVO listener, `HOST[:PORT]` ("+def+", port 7025; IPv6 in brackets)")
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

// config turns the flags into the driver's configuration. Everything the
// run will need is checked here, before any appliance is dialled: the
// appliances, the inventory, ssh_config, and every file to be written.
func (opts *CheckOptions) config() (diagnose.Config, error) {
	if err := opts.validate(); err != nil {
		return diagnose.Config{}, err
	}
	ids, err := opts.targets()
	if err != nil {
		return diagnose.Config{}, err
	}
	if err := opts.reportFlags.checkPaths(); err != nil {
		return diagnose.Config{}, err
	}
	if opts.TranscriptDir != "" {
		if err := os.MkdirAll(opts.TranscriptDir, 0o700); err != nil {
			return diagnose.Config{}, usageError("--transcript-dir: %w", err)
		}
		if err := outfile.CheckDir(opts.TranscriptDir); err != nil {
			return diagnose.Config{}, usageError("--transcript-dir: %w", err)
		}
	}
	var pvo session.Address
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
			Explicit: session.Explicit{
				Identities:     opts.isSet("identity"),
				KnownHosts:     opts.isSet("known-hosts"),
				HostKeyPolicy:  opts.isSet("accept-new-host-keys") || opts.isSet("insecure-ignore-host-key"),
				ConnectTimeout: opts.isSet("connect-timeout"),
			},
		},
		ProbeTimeout: opts.ProbeTimeout,
		StepTimeout:  opts.StepTimeout,
		Timeout:      opts.Timeout,
		Concurrency:  opts.Concurrency,
		Progress:     newProgress(opts),
	}, nil
}

func (opts *CheckOptions) isSet(flag string) bool { return opts.changed != nil && opts.changed(flag) }

// targets resolves the appliances once: the inventory's site and the
// flags merged (the same appliance twice is checked once), then each
// through ssh_config.
func (opts *CheckOptions) targets() ([]diagnose.Identity, error) {
	if len(opts.SMAs) > 1 {
		return nil, usageError("--sma is given %d times (%s); a site has one SMA", len(opts.SMAs), strings.Join(opts.SMAs, ", "))
	}
	var site *inventory.Site
	if opts.Inventory != "" {
		inv, err := inventory.Load(opts.Inventory)
		if err != nil {
			return nil, usageError("--inventory: %w", err)
		}
		if site, err = inv.Site(opts.Site); err != nil {
			return nil, usageError("--site: %w", err)
		}
	} else if opts.Site != "" {
		return nil, usageError("--site needs --inventory")
	}
	flags := inventory.Flags{ESAs: opts.ESAs, Jump: opts.Jump}
	if len(opts.SMAs) == 1 {
		flags.SMA = opts.SMAs[0]
	}
	if opts.isSet("user") {
		flags.User = opts.User
	}
	if opts.isSet("password-env") {
		flags.PasswordEnv = opts.PasswordEnv
	}
	apps, err := inventory.Merge(site, flags)
	if err != nil {
		return nil, usageError("%w", err)
	}
	if len(apps) == 0 {
		return nil, usageError("name the appliances with --esa and --sma, or --inventory")
	}
	cfg, err := sshconfig.Load(sshconfig.Options{File: opts.SSHConfig, Disabled: opts.NoSSHConfig})
	if err != nil {
		return nil, usageError("%w%s", err, sshConfigHint(opts))
	}
	user := opts.User
	if user == "" {
		user = "admin"
	}
	var ids []diagnose.Identity
	for _, a := range apps {
		h, err := cfg.Resolve(sshconfig.Query{Host: a.Host, User: a.User, Port: a.Port, Jump: a.Jump, DefaultUser: user})
		if err != nil {
			return nil, usageError("%s: %w%s", a.At, err, sshConfigHint(opts))
		}
		role := facts.RoleESA
		if a.Role == "sma" {
			role = facts.RoleSMA
		}
		ids = append(ids, diagnose.ResolvedTarget(role, a.Spec(), h, a.PasswordEnv))
	}
	return ids, nil
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	start := time.Now()
	out := diagnose.Check(ctx, cfg)
	printSessionErrors(opts.IO, out.Site)
	if diagnose.TimedOut(out.Site) {
		fmt.Fprintf(opts.IO.ErrOut, "pvo-doctor: the run took longer than --timeout %s: the report is partial; raise --timeout\n", opts.Timeout)
	}
	if opts.Fix && ctx.Err() == nil {
		if out, err = diagnose.Fix(ctx, cfg, out, opts.fixOptions(ctx, opts.IO, &opts.answers)); err != nil && ctx.Err() == nil {
			return err
		}
	}
	diagnose.ExplainPVO(out.Site, &out.Result)
	rep := report.New(out.Site, out.Result, report.Meta{
		ToolVersion: BuildVersion(),
		Mode:        report.ModeCheck,
		StartedAt:   start,
		Duration:    time.Since(start),
	})
	if opts.Fix {
		addFixes(rep, out)
	}
	committed := out.Committed()
	failOn, _ := parseFailOn(opts.FailOn) // checked by validate
	code := verdictExitCode(out.Result, out.Site, failOn)
	if ctx.Err() != nil {
		// Ctrl-C: what was collected is reported, then the run says so.
		err := deliver(opts.IO, opts.reportFlags, rep, ExitOK, committed)
		msg := "interrupted: the report is partial"
		if err != nil {
			msg += "; " + err.Error()
		}
		return &ExitError{Code: ExitInterrupted, Err: errors.New(msg)}
	}
	return deliver(opts.IO, opts.reportFlags, rep, code, committed)
}

// sshConfigHint is the way around an ssh_config file pvo-doctor cannot use.
func sshConfigHint(opts *CheckOptions) string {
	if opts.SSHConfig != "" {
		return ""
	}
	return " (read no ssh_config with --no-ssh-config, or another with -F FILE)"
}
