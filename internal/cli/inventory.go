package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/inventory"
	"github.com/pvo-doctor/pvo-doctor/internal/outfile"
)

// InventoryInitOptions are the flags of `inventory init`.
type InventoryInitOptions struct {
	IO *IOStreams
	inventory.GenerateOptions
	Output string
}

// NewCmdInventory is `inventory` and its one subcommand, `init`.
func NewCmdInventory(ios *IOStreams, runF func(*InventoryInitOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Write a site inventory for check --inventory",
		Args:  cobra.NoArgs,
	}
	opts := &InventoryInitOptions{IO: ios}
	initCmd := &cobra.Command{
		Use:   "init [--esa HOST]... [--sma HOST] [--site NAME] [-o FILE]",
		Short: "Write an inventory from --esa/--sma (or a commented example)",
		Long: `init writes a site inventory in YAML for 'check --inventory FILE': the
appliances given with --esa and --sma, or, without them, a commented example
of every key. It writes to stdout, or to -o FILE (mode 0600; an existing
file is left alone).`,
		Example: `  pvo-doctor inventory init --esa mx1.example.com --esa mx2.example.com --sma sma.example.com -o site.yaml
  pvo-doctor check --inventory site.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return inventoryInitRun(opts)
		},
	}
	f := initCmd.Flags()
	f.StringArrayVar(&opts.ESAs, "esa", nil, "an ESA, `[USER@]HOST[:PORT]` (repeat for several)")
	stringOnceVar(f, &opts.SMA, "sma", "the SMA, `[USER@]HOST[:PORT]` (once)")
	f.StringVar(&opts.Site, "site", "main", "the site's `NAME`")
	f.StringVar(&opts.User, "user", "", "the site's account (default admin)")
	f.StringVar(&opts.PasswordEnv, "password-env", "", "the site's password `VARIABLE`")
	f.StringVarP(&opts.Jump, "jump", "J", "", "the site's jump hosts, `[USER@]HOST[:PORT][,...]`")
	f.StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of stdout")
	cmd.AddCommand(initCmd)
	return cmd
}

func inventoryInitRun(opts *InventoryInitOptions) error {
	var b bytes.Buffer
	if err := inventory.Generate(&b, opts.GenerateOptions); err != nil {
		return usageError("%w", err)
	}
	if opts.Output == "" {
		_, err := opts.IO.Out.Write(b.Bytes())
		return err
	}
	if _, err := os.Lstat(opts.Output); !errors.Is(err, fs.ErrNotExist) {
		return usageError("-o %s: the file exists; remove it or name another", opts.Output)
	}
	if err := outfile.WriteFile(opts.Output, b.Bytes()); err != nil {
		return usageError("-o: %w", err)
	}
	return nil
}
