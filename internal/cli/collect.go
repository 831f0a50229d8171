package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// CollectOptions is what `pvo-doctor collect` was asked to print.
type CollectOptions struct {
	IO         *IOStreams
	Role       string
	Cluster    bool
	Members    []string
	SMAPVOHost string
	ESAs       []string
}

func NewCmdCollect(ios *IOStreams, runF func(*CollectOptions) error) *cobra.Command {
	opts := &CollectOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "collect [--role esa|sma] [--cluster --member NAME...] [--sma-pvo-host HOST[:PORT]] [--esa NAME...]",
		Short: "Print the commands to paste into an appliance's CLI for a full offline diagnosis",
		Long: `collect prints, on stdout, exactly what to paste into an ESA's or the SMA's
CLI (an SSH session with a terminal log on) so that analyze can decide every
rule from the saved log: each command the rules read, one a line, with the
answers to its questions (an empty line is an Enter, which also leaves a
command's menu). The list is the rules' own declared reads, the same that
check collects; nothing in it commits a change (applianceconfig's SERVICES
answers are each the current state; AsyncOS may still record them as a
pending change, so the SMA's list ends with showchanges, and stderr says
when to clear by hand: a paste never clears, since that would discard
whatever else is pending).

On stderr it says what the lines do, and lists, for a cluster member, the
commands to type by hand (their first question may offer to create
configuration, which no paste can answer safely).

  --role esa       the ESA's commands; --sma-pvo-host is where it reaches
                   the SMA's PVO listener (telnet, tlsverify)
  --role sma       the SMA's; --esa NAME for each ESA, in the order the SMA's
                   applianceconfig lists them (SERVICES, TEST, the telnet back)
  --cluster        a cluster member: every --member's keys and interfaces in
                   its machine mode, the levels in cluster mode`,
		Example: `  pvo-doctor collect --role esa --sma-pvo-host sma.example.com
  pvo-doctor collect --role esa --cluster --member esa1.example.com --member esa2.example.com --sma-pvo-host 10.0.0.5:7025
  pvo-doctor collect --role sma --esa mx1.example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return collectRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Role, "role", "esa", "the appliance the commands are for: esa or sma")
	f.BoolVar(&opts.Cluster, "cluster", false, "the ESA is a cluster member (give each --member)")
	f.StringArrayVar(&opts.Members, "member", nil, "a cluster member's name, as clusterconfig LIST shows it (repeat)")
	f.StringVar(&opts.SMAPVOHost, "sma-pvo-host", "", "where the ESA reaches the SMA's PVO listener, `HOST[:PORT]` (port 7025 unless given)")
	f.StringArrayVar(&opts.ESAs, "esa", nil, "on the SMA: an ESA's address, in applianceconfig's order (repeat)")
	_ = cmd.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"esa", "sma"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func collectRun(opts *CollectOptions) error {
	o := diagnose.CollectOptions{Role: facts.Role(strings.ToLower(opts.Role)), Cluster: opts.Cluster, Members: opts.Members, ESAs: opts.ESAs}
	switch o.Role {
	case facts.RoleESA:
		if len(opts.ESAs) > 0 {
			return usageError("--esa names the ESAs an SMA is asked about: use it with --role sma")
		}
	case facts.RoleSMA:
		if opts.Cluster || len(opts.Members) > 0 {
			return usageError("--cluster and --member are for an ESA cluster member (--role esa)")
		}
		if opts.SMAPVOHost != "" {
			return usageError("--sma-pvo-host is where an ESA reaches the SMA: use it with --role esa")
		}
	default:
		return usageError("--role: want esa or sma, not %q", opts.Role)
	}
	if len(opts.Members) > 0 && !opts.Cluster {
		return usageError("--member needs --cluster")
	}
	if opts.SMAPVOHost != "" {
		a, err := diagnose.ParsePVOEndpoint(opts.SMAPVOHost, facts.DefaultPVOPort)
		if err != nil {
			return usage(err)
		}
		o.PVO = a
	}
	s, err := diagnose.CollectScript(o)
	if err != nil {
		return usage(err)
	}
	out, errOut := opts.IO.Out, opts.IO.ErrOut
	for _, l := range s.Lines {
		fmt.Fprintln(out, l)
	}
	fmt.Fprintf(errOut, "Paste the %d lines above into the %s's CLI with a terminal log on (an empty line is an Enter), then save the log for pvo-doctor analyze.\n",
		len(s.Lines), strings.ToUpper(string(o.Role)))
	if o.Role == facts.RoleESA && o.PVO.Host == "" {
		fmt.Fprintln(errOut, "Without --sma-pvo-host the list has no telnet or tlsverify to the SMA's PVO listener: cases 3 and 4 stay undecided.")
	}
	if o.Role == facts.RoleESA {
		fmt.Fprintf(errOut, "The telnet goes from Auto (the first interface, an Enter); if deliveryconfig shows another default interface, telnet from it to %s too.\n",
			session.Address{Host: orSMA(o.PVO.Host), Port: portOr(o.PVO.Port)})
	}
	if len(s.ByHand) > 0 {
		fmt.Fprintln(errOut, "Then type these by hand:")
		for _, l := range s.ByHand {
			fmt.Fprintln(errOut, "  "+l)
		}
	}
	return nil
}

func orSMA(h string) string {
	if h == "" {
		return "the SMA"
	}
	return h
}

func portOr(p int) int {
	if p == 0 {
		return facts.DefaultPVOPort
	}
	return p
}
