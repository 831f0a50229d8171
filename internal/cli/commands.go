package cli

import (
	"os"

	"github.com/spf13/cobra"
)

func osArgs() []string { return os.Args[1:] }

// commands lists every subcommand, in help order. Each NewCmdX takes the IO
// streams and an optional runF that tests use to capture the parsed options.
func commands(ios *IOStreams) []*cobra.Command {
	return []*cobra.Command{
		NewCmdCheck(ios, nil),
		NewCmdAnalyze(ios, nil),
		NewCmdCollect(ios, nil),
		NewCmdInventory(ios, nil),
		NewCmdDemo(ios, nil),
		NewCmdRules(ios, nil),
		NewCmdSim(ios, nil),
		NewCmdVersion(ios, nil),
	}
}
