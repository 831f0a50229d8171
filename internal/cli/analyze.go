package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/diagnose"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// AnalyzeOptions is everything `pvo-doctor analyze` was asked to do.
type AnalyzeOptions struct {
	IO *IOStreams

	// Files are the positional FILE, DIR or "-": each session's own output
	// says which appliance it is.
	Files      []string
	ESAFiles   []string
	SMAFile    string
	MailLogs   []string // FILE or ESA=FILE
	SMAPVOHost string
	// PVOPort is the deprecated --pvo-port: the port when --sma-pvo-host
	// names none.
	PVOPort int
	// FailOn is --fail-on: the least severity whose failure exits 1.
	FailOn string
	reportFlags
	fixFlags

	// The pipeline's stages; nil means the real parsers and rules. Tests
	// swap them to exercise the command without depending on them.
	fromSession func(name string, r io.Reader, role facts.Role) (*facts.Appliance, error)
	scanMailLog func(r io.Reader, port int) (*facts.MailLog, error)
	runRules    func(site *facts.Site) rules.Result
	now         func() time.Time
}

func NewCmdAnalyze(ios *IOStreams, runF func(*AnalyzeOptions) error) *cobra.Command {
	opts := &AnalyzeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "analyze FILE|DIR|-... [--esa FILE...] [--sma FILE] [--mail-log [ESA=]FILE...] [--fix --dry-run]",
		Short: "Diagnose from saved AsyncOS CLI sessions and mail logs, offline",
		Long: `analyze reads CLI sessions saved from the ESAs and the SMA (a terminal log or a
copy-paste of the commands and their output), and optionally the ESAs' mail_logs,
and reports why centralized PVO quarantines cannot be enabled, as check would.

Give the files as they came (FILE, a directory of them, or - for standard
input): each file is split into per-appliance sessions by its prompts, and
each session's role comes from what it shows (version's product line, the
login banner, the commands it answers). --esa FILE and --sma FILE say the
role where the session does not show it. A file with no prompt at all is
read as command outputs pasted without their prompts: one appliance, each
block recognised by its output, and whole only where the command's own end
(its menu, its closing line) shows. Sessions of one appliance from
several files (by hostname, cluster machine prompt or serial number) are
merged in time order, the later output standing. The ESAs' probes of the
SMA's PVO port count under any name the SMA's own output shows (hostname,
interface addresses, listener addresses), or the name in the 220 banner a
telnet reached, or the tlsverify domain; --sma-pvo-host overrides.

The report lists, per appliance, the commands a full diagnosis still needs;
pvo-doctor collect prints them, ready to paste into the appliance's CLI.

With --fix --dry-run it prints, on stderr, the exact fix plan check --fix
would show for the same site (every command, question, answer, cluster level
and commit comment), to paste into the ticket; it never connects anywhere.

Exit codes: 0 every rule passed or does not apply, 1 a rule failed (with
--fail-on, one of that severity or worse), 2 usage error or unreadable file,
3 nothing failed but something could not be decided.`,
		Example: `  pvo-doctor analyze ticket-1234/
  pvo-doctor analyze mx1.log mx2.log sma.log --report ticket.md
  pvo-doctor analyze putty.log --sma sma-paste.txt
  pvo-doctor analyze --esa mx1.log --esa mx2.log --mail-log mx1.example.com=mail_logs.current
  pvo-doctor analyze --esa mx1.log --sma sma.log --report ticket.md --fix --dry-run`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.NoColorEnv = os.Getenv("NO_COLOR") != ""
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return analyzeRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.ESAFiles, "esa", nil, "saved CLI session of an ESA (repeat for each ESA)")
	stringOnceVar(f, &opts.SMAFile, "sma", "saved CLI session of the SMA (once)")
	f.StringArrayVar(&opts.MailLogs, "mail-log", nil, "an ESA's mail_logs, as FILE or ESA=FILE (ESA: hostname or session file)")
	addPVOHostFlag(cmd, &opts.SMAPVOHost, "default the SMA's hostname")
	f.IntVar(&opts.PVOPort, "pvo-port", facts.DefaultPVOPort, "deprecated: give the port in --sma-pvo-host HOST:PORT")
	markDeprecated(cmd, "pvo-port", "give the port in --sma-pvo-host HOST:PORT")
	f.BoolVar(&opts.Fix, "fix", false, "with --dry-run: print the fix plan check --fix would apply to this site")
	f.BoolVar(&opts.DryRun, "dry-run", false, "with --fix: show the plan (analyze never changes anything)")
	f.StringArrayVar(&opts.Rules, "fix-rule", nil, "plan only this rule `ID`'s fix (repeatable; implies --fix)")
	_ = cmd.RegisterFlagCompletionFunc("fix-rule", ruleIDs)
	addReportFlags(cmd, &opts.reportFlags)
	addFailOnFlag(cmd, &opts.FailOn)
	return cmd
}

func analyzeRun(opts *AnalyzeOptions) error {
	start := opts.clock()
	pvo, err := opts.validate()
	if err != nil {
		return err
	}
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return err
	}
	out, err := diagnose.Analyze(diagnose.Saved{
		Files: opts.Files, ESAFiles: opts.ESAFiles, SMAFile: opts.SMAFile, MailLogs: opts.MailLogs, PVO: pvo,
		FromSession: opts.fromSession, ScanMailLog: opts.scanMailLog, RunRules: opts.runRules,
	})
	if err != nil {
		return usage(err)
	}
	notePasted(opts.IO, out.Site)
	if opts.Fix {
		if out, err = diagnose.Fix(context.Background(), diagnose.Config{}, out, opts.fixOptions(context.Background(), opts.IO, nil)); err != nil {
			return err
		}
	}
	rep := report.New(out.Site, out.Result, report.Meta{
		ToolVersion: BuildVersion(),
		Mode:        report.ModeAnalyze,
		StartedAt:   start,
		Duration:    opts.clock().Sub(start),
	})
	if opts.Fix {
		addFixes(rep, out)
	}
	return deliver(opts.IO, opts.reportFlags, rep, verdictExitCode(out.Result, out.Site, failOn), false)
}

// validate checks the flags that need no file and returns the PVO
// endpoint: --sma-pvo-host HOST[:PORT] as check reads it; the deprecated
// --pvo-port gives the port when the host names none.
func (opts *AnalyzeOptions) validate() (session.Address, error) {
	var pvo session.Address
	if len(opts.Files) == 0 && len(opts.ESAFiles) == 0 && opts.SMAFile == "" {
		return pvo, usageError("give at least one session file (FILE, DIR or -; --esa or --sma to say its role)")
	}
	if err := opts.checkPaths(); err != nil {
		return pvo, err
	}
	if _, _, err := opts.formats(); err != nil {
		return pvo, err
	}
	if err := opts.fixFlags.validate(); err != nil {
		return pvo, err
	}
	if opts.Fix && !opts.DryRun {
		return pvo, usageError("analyze changes nothing: use --fix --dry-run to print the plan check --fix would apply")
	}
	if opts.PVOPort < 1 || opts.PVOPort > 65535 {
		return pvo, usageError("--pvo-port: %d is not a TCP port", opts.PVOPort)
	}
	pvo.Port = opts.PVOPort
	if opts.SMAPVOHost != "" {
		var err error
		if pvo, err = diagnose.ParsePVOEndpoint(opts.SMAPVOHost, opts.PVOPort); err != nil {
			return pvo, usage(err)
		}
		if session.PortGiven(opts.SMAPVOHost) && opts.PVOPort != facts.DefaultPVOPort && opts.PVOPort != pvo.Port {
			return pvo, usageError("--sma-pvo-host %s and --pvo-port %d name different ports", opts.SMAPVOHost, opts.PVOPort)
		}
	}
	return pvo, nil
}

func (opts *AnalyzeOptions) clock() time.Time {
	if opts.now != nil {
		return opts.now()
	}
	return time.Now()
}

// notePasted says on stderr, once per appliance, that its file had no
// prompts: the report's verdicts then rest on blocks recognised by their
// output, and the engineer should know before trusting them.
func notePasted(ios *IOStreams, site *facts.Site) {
	for _, a := range append(append([]*facts.Appliance{}, site.ESAs...), site.SMA) {
		if a != nil && slices.ContainsFunc(a.Warnings, func(w facts.Warning) bool { return w.Text == asyncos.PastedWarning }) {
			fmt.Fprintf(ios.ErrOut, "pvo-doctor: %s %s: %s\n", a.Role, a.Address, asyncos.PastedWarning)
		}
	}
}
