package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

type VersionOptions struct {
	IO *IOStreams
}

func NewCmdVersion(ios *IOStreams, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: ios}
	return &cobra.Command{
		Use:   "version",
		Short: "Print pvo-doctor's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

func versionRun(opts *VersionOptions) error {
	_, err := fmt.Fprint(opts.IO.Out, versionLine())
	return err
}

// versionLine is what `version` and `--version` print.
func versionLine() string {
	return fmt.Sprintf("pvo-doctor %s (%s, %s/%s)\n", BuildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// BuildVersion is Version as make stamps it, or else the version the go
// command recorded: the module version for `go install …@v1.2.3`, or a
// pseudo-version from the checkout for a plain `go build`.
func BuildVersion() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
