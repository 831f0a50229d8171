package cli

import (
	"os"

	"github.com/spf13/cobra"
)

func osArgs() []string { return os.Args[1:] }

// commands lists every subcommand, in help order.
func commands(ios *IOStreams) []*cobra.Command {
	return []*cobra.Command{
		NewCmdVersion(ios, nil),
	}
}
