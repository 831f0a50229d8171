package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
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

func (opts *CheckOptions) isSet(flag string) bool { return opts.changed != nil && opts.changed(flag) }

// targets resolves the appliances once, in the driver: the inventory's
// site and the flags merged, then each through ssh_config.
func (opts *CheckOptions) targets() ([]diagnose.Identity, error) {
	ids, err := diagnose.ResolveTargets(diagnose.Named{
		ESAs: opts.ESAs, SMAs: opts.SMAs, Jump: opts.Jump,
		User: opts.User, UserSet: opts.isSet("user"),
		PasswordEnv: opts.PasswordEnv, PasswordEnvSet: opts.isSet("password-env"),
		Inventory: opts.Inventory, Site: opts.Site,
		SSHConfig: opts.SSHConfig, NoSSHConfig: opts.NoSSHConfig,
	})
	return ids, usage(err)
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
