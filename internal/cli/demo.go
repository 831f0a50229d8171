package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// DefaultDemoScenario is a site where several documented causes fail at once.
const DefaultDemoScenario = "multi-cause"

// DemoOptions are the flags of `demo`.
type DemoOptions struct {
	IO       *IOStreams
	Scenario string
	List     bool
	Latency  time.Duration
	reportFlags
	fixFlags
	TranscriptDir string
}

func NewCmdDemo(ios *IOStreams, runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "demo [--scenario NAME] [--list] [--fix [--dry-run] [--yes]]",
		Short: "Run check against the built-in ESA/SMA simulator on 127.0.0.1",
		Long: `demo starts the built-in AsyncOS simulator in this process with a scenario,
writes a temporary known_hosts and key, and runs the real check against it over
SSH on loopback. Nothing leaves 127.0.0.1.

demo exits 0 when the diagnosis ran, whatever it found (the last line says what
check's exit code would be); it exits non-zero only when the demo itself fails.
With --fix it repairs the simulated site as check --fix would, and checks again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.NoColorEnv = os.Getenv("NO_COLOR") != ""
			if runF != nil {
				return runF(opts)
			}
			return demoRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Scenario, "scenario", DefaultDemoScenario, "built-in scenario `NAME` or a scenario YAML file")
	_ = cmd.RegisterFlagCompletionFunc("scenario", scenarioNames)
	f.BoolVar(&opts.List, "list", false, "list the built-in scenarios and exit")
	f.DurationVar(&opts.Latency, "latency", 0, "hold back each simulated reply by this long, like a WAN link")
	f.StringVar(&opts.TranscriptDir, "transcript-dir", "", "write one redacted transcript per appliance into `DIR`")
	addReportFlags(cmd, &opts.reportFlags)
	addFixFlags(cmd, &opts.fixFlags)
	return cmd
}

func demoRun(ctx context.Context, opts *DemoOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.List {
		return listScenarios(opts.IO)
	}
	if _, _, err := opts.reportFlags.formats(); err != nil {
		return err
	}
	if err := opts.fixFlags.validate(); err != nil {
		return err
	}
	sc, err := sim.LoadScenario(opts.Scenario)
	if err != nil {
		return usageError("--scenario: %w", err)
	}
	dir, err := os.MkdirTemp("", "pvo-doctor-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	keyFile, pub, err := sim.WriteLoginKey(dir, "pvo-doctor demo")
	if err != nil {
		return fmt.Errorf("demo key: %w", err)
	}
	site, err := sim.Start(ctx, sc, sim.Options{Latency: opts.Latency, AuthorizedKeys: []ssh.PublicKey{pub}})
	if err != nil {
		return fmt.Errorf("start simulator: %w", err)
	}
	defer site.Close()
	knownHosts := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(knownHosts, site.KnownHosts(), 0o600); err != nil {
		return fmt.Errorf("demo known_hosts: %w", err)
	}

	check := &CheckOptions{
		IO:             opts.IO,
		Identities:     []string{keyFile},
		KnownHosts:     knownHosts,
		User:           "admin",
		SMAPVOHost:     site.SMAPVOHost(),
		ConnectTimeout: 10 * time.Second,
		ProbeTimeout:   3 * time.Second,
		StepTimeout:    30 * time.Second,
		Timeout:        60 * time.Second,
		Concurrency:    8,
		TranscriptDir:  opts.TranscriptDir,
		reportFlags:    opts.reportFlags,
		fixFlags:       opts.fixFlags,
		noAgent:        true,
		// The simulated site is on loopback: the user's ssh_config (a
		// Host * ProxyJump, say) must not steer the demo elsewhere.
		NoSSHConfig: true,
	}
	for _, a := range site.Appliances() {
		spec := a.User + "@" + a.Addr
		if a.Role == "sma" {
			check.SMAs = []string{spec}
		} else {
			check.ESAs = append(check.ESAs, spec)
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "Simulated site %q: %s\n", sc.Name, oneLineText(sc.Description))
	for _, a := range site.Appliances() {
		fmt.Fprintf(opts.IO.ErrOut, "  %s %-22s on %s\n", strings.ToUpper(a.Role), a.Hostname, a.Addr)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Running: pvo-doctor check%s --sma-pvo-host %s --identity %s --known-hosts %s\n\n",
		demoTargets(check), check.SMAPVOHost, keyFile, knownHosts)

	err = checkRun(ctx, check)
	code := ExitOK
	if ee, ok := err.(*ExitError); ok && ee.Err == nil {
		code, err = ee.Code, nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "\ncheck's exit code would be %d (%s).\n", code, exitMeaning(code))
	return nil
}

func demoTargets(c *CheckOptions) string {
	var b strings.Builder
	for _, e := range c.ESAs {
		b.WriteString(" --esa " + e)
	}
	for _, s := range c.SMAs {
		b.WriteString(" --sma " + s)
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{c.Fix, "--fix"}, {c.DryRun, "--dry-run"}, {c.Yes, "--yes"}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	return b.String()
}

func exitMeaning(code int) string {
	switch code {
	case ExitOK:
		return "every rule passed or does not apply"
	case ExitFailed:
		return "at least one rule failed"
	case ExitIncomplete:
		return "nothing failed, but something could not be decided"
	}
	return "usage error"
}

func oneLineText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func listScenarios(ios *IOStreams) error {
	tw := tabwriter.NewWriter(ios.Out, 0, 4, 2, ' ', 0)
	for _, name := range sim.Scenarios() {
		desc := ""
		if sc, err := sim.LoadScenario(name); err == nil {
			desc = oneLineText(sc.Description)
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, desc)
	}
	return tw.Flush()
}
