package cli

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/inventory"
	"github.com/pvo-doctor/pvo-doctor/internal/outfile"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// check's flags: their declaration and completion, their validation, and
// the driver configuration they make; check.go is the command itself.

// addCheckFlags declares check's flags and their completions. The
// connection and report flags shared with other commands come from their
// own helpers, so each is spelled one way everywhere.
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
	f.DurationVar(&opts.TestTimeout, "test-timeout", diagnose.DefaultTestTimeout, "deadline for the SMA's applianceconfig TEST of one ESA (AsyncOS may take 2 minutes; --timeout still bounds the run)")
	f.IntVar(&opts.SessionsPerAppliance, "sessions-per-appliance", diagnose.DefaultSessions, "most CLI sessions on one appliance at a time, over its one login where the SSH server allows; the SMA shares its reads of the ESAs (about 12 round trips each) among them (1 to 16)")
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
			HideEnv:               diagnose.PasswordEnvs(opts.PasswordEnv, ids),
			Identities:            opts.Identities,
			UseAgent:              !opts.noAgent, // an IdentityAgent may name one without SSH_AUTH_SOCK
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
		ProbeTimeout:         opts.ProbeTimeout,
		StepTimeout:          opts.StepTimeout,
		Timeout:              opts.Timeout,
		Concurrency:          opts.Concurrency,
		TestTimeout:          opts.TestTimeout,
		SessionsPerAppliance: opts.SessionsPerAppliance,
		Progress:             newProgress(opts),
	}, nil
}
