package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
	"github.com/spf13/cobra"
)

// SimOptions are the parsed flags of `pvo-doctor sim`.
type SimOptions struct {
	IO            *IOStreams
	Scenario      string
	Listen        string
	ReadyFile     string
	KnownHostsOut string
	Latency       time.Duration
	Legacy        bool
	List          bool

	// ready, when set, receives the site once it serves (tests).
	ready chan<- *sim.Site
}

// NewCmdSim builds `pvo-doctor sim`, which serves a simulated site until
// interrupted.
func NewCmdSim(ios *IOStreams, runF func(*SimOptions) error) *cobra.Command {
	opts := &SimOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "sim --scenario NAME|FILE",
		Short: "Serve a simulated ESA/SMA site over SSH on 127.0.0.1",
		Long: `sim serves every appliance of a scenario (a built-in name or a YAML file) as an
SSH server on 127.0.0.1 that plays the AsyncOS CLI, until SIGINT or SIGTERM.
The ready file (JSON) is written once every appliance listens.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return simRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Scenario, "scenario", "", "built-in scenario name or YAML file")
	_ = cmd.RegisterFlagCompletionFunc("scenario", scenarioNames)
	f.StringVar(&opts.Listen, "listen", "127.0.0.1:0", "address of the first appliance; with a fixed port the others take the next ports")
	f.StringVar(&opts.ReadyFile, "ready-file", "", "write the appliances' addresses and accounts here (JSON) once listening")
	f.StringVar(&opts.KnownHostsOut, "known-hosts-out", "", "write known_hosts lines for the appliances here")
	f.DurationVar(&opts.Latency, "latency", 0, "hold back each reply by this long")
	addLegacySSHFlag(cmd, &opts.Legacy, "offer only old SSH algorithms (ssh-rsa, SHA-1 kex, CBC ciphers)")
	f.BoolVar(&opts.List, "list", false, "list the built-in scenarios and exit")
	return cmd
}

// simReady is the ready file's JSON.
type simReady struct {
	Scenario   string              `json:"scenario"`
	Appliances []simReadyAppliance `json:"appliances"`
	SMAPVOHost string              `json:"sma_pvo_host"`
	SMAPVOPort int                 `json:"sma_pvo_port"`
}

type simReadyAppliance struct {
	Role     string `json:"role"`
	Hostname string `json:"hostname"`
	Address  string `json:"address"`
	User     string `json:"user"`
	Password string `json:"password"`
}

func simRun(ctx context.Context, opts *SimOptions) error {
	out, errOut := opts.IO.Out, opts.IO.ErrOut
	if opts.List {
		for _, name := range sim.Scenarios() {
			sc, err := sim.LoadScenario(name)
			if err != nil {
				return fmt.Errorf("scenario %s: %w", name, err)
			}
			fmt.Fprintf(out, "%-28s %s\n", name, sc.Description)
		}
		return nil
	}
	if opts.Scenario == "" {
		return usageError("--scenario is required (see 'pvo-doctor sim --list')")
	}
	if opts.Latency < 0 {
		return usageError("--latency must not be negative")
	}
	sc, err := sim.LoadScenario(opts.Scenario)
	if err != nil {
		return usageError("%w", err)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	site, err := sim.Start(ctx, sc, sim.Options{Latency: opts.Latency, Legacy: opts.Legacy, Listen: opts.Listen})
	if err != nil {
		return &ExitError{Code: ExitIncomplete, Err: err}
	}
	defer site.Close()
	if opts.KnownHostsOut != "" {
		if err := writeFileAtomic(opts.KnownHostsOut, site.KnownHosts()); err != nil {
			return fmt.Errorf("write known hosts: %w", err)
		}
	}
	ready := simReady{Scenario: sc.Name, SMAPVOHost: site.SMAPVOHost(), SMAPVOPort: site.PVOPort(), Appliances: []simReadyAppliance{}}
	for _, a := range site.Appliances() {
		ready.Appliances = append(ready.Appliances, simReadyAppliance{a.Role, a.Hostname, a.Addr, a.User, a.Password})
	}
	if opts.ReadyFile != "" {
		data, err := json.MarshalIndent(ready, "", "  ")
		if err != nil {
			return fmt.Errorf("ready file: %w", err)
		}
		if err := writeFileAtomic(opts.ReadyFile, append(data, '\n')); err != nil {
			return fmt.Errorf("write ready file: %w", err)
		}
	}
	fmt.Fprintf(errOut, "pvo-doctor sim: scenario %s: %s\n", sc.Name, sc.Description)
	for _, a := range ready.Appliances {
		fmt.Fprintf(errOut, "  %s  %-22s %-21s user %s\n", a.Role, a.Hostname, a.Address, a.User)
	}
	fmt.Fprintf(errOut, "  ESAs reach the SMA's PVO listener at %s:%d\n", ready.SMAPVOHost, ready.SMAPVOPort)
	fmt.Fprintln(errOut, "Serving until interrupted (Ctrl-C).")
	if opts.ready != nil {
		opts.ready <- site
	}
	<-ctx.Done()
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so a reader
// waiting for the file never sees half of it.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
