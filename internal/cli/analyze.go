package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// TEMPORARY placeholder: replaced by the real command.
func NewCmdAnalyze(ios *IOStreams, runF func() error) *cobra.Command {
	return &cobra.Command{
		Use:    "analyze",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("analyze: not implemented yet")
		},
	}
}
