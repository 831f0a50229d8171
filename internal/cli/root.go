package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=...".
var Version = "dev"

// Main runs pvo-doctor with the process's arguments and streams and returns
// the exit code. Errors are printed here, once.
func Main() int {
	ios := System()
	return Run(ios, osArgs())
}

// Run executes the command line args against ios and returns the exit code.
// Ctrl-C (SIGINT) or SIGTERM cancels the run's context: check then leaves
// each dialog at its prompt, writes the partial report and exits 130. A
// second Ctrl-C kills at once.
func Run(ios *IOStreams, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return RunContext(ctx, ios, args)
}

// RunContext is Run under ctx, without signal handling (tests cancel ctx).
func RunContext(ctx context.Context, ios *IOStreams, args []string) int {
	ios.interrupted = ctx.Done()
	root := NewRootCmd(ios)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(ios.ErrOut, "pvo-doctor: %v\n", ee.Err)
		}
		return ee.Code
	}
	// cobra's own errors (unknown flag, bad args) are usage errors.
	fmt.Fprintf(ios.ErrOut, "pvo-doctor: %v\n", err)
	return ExitUsage
}

// NewRootCmd builds the command tree. Commands are listed here explicitly.
func NewRootCmd(ios *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "pvo-doctor",
		Short: "Find out why centralized PVO quarantines cannot be enabled on a Cisco ESA, and fix it",
		Long: `pvo-doctor logs into Cisco Email Security Appliances (ESA) and the Security
Management Appliance (SMA) over SSH, reads their AsyncOS CLI, and tells why the
centralized Policy, Virus and Outbreak (PVO) quarantines cannot be enabled.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       BuildVersion(),
	}
	root.SetVersionTemplate(versionLine())
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	for _, c := range commands(ios) {
		root.AddCommand(c)
	}
	return root
}
