package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// TEMPORARY placeholder: replaced by the real command.
func NewCmdSim(ios *IOStreams, runF func() error) *cobra.Command {
	return &cobra.Command{
		Use:    "sim",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("sim: not implemented yet")
		},
	}
}
