package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// AnalyzeOptions is everything `pvo-doctor analyze` was asked to do.
type AnalyzeOptions struct {
	IO *IOStreams

	ESAFiles   []string
	SMAFile    string
	MailLogs   []string // FILE or ESA=FILE
	SMAPVOHost string
	PVOPort    int
	// FailOn is --fail-on: the least severity whose failure exits 1.
	FailOn string
	reportFlags

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
		Use:   "analyze --esa FILE... [--sma FILE] [--mail-log [ESA=]FILE...]",
		Short: "Diagnose from saved AsyncOS CLI sessions and mail logs, offline",
		Long: `analyze reads CLI sessions saved from the ESAs and the SMA (a terminal log or a
copy-paste of the commands and their output), and optionally the ESAs' mail_logs,
and reports why centralized PVO quarantines cannot be enabled, as check would.

Rules it cannot decide from the files say what to run on which appliance
(e.g. applianceconfig on the SMA, quarantineconfig on an ESA); save that output
too and analyze again.

Exit codes: 0 every rule passed or does not apply, 1 a rule failed (with
--fail-on, one of that severity or worse), 2 usage error or unreadable file,
3 nothing failed but something could not be decided.`,
		Example: `  pvo-doctor analyze --esa mx1.log --sma sma.log
  pvo-doctor analyze --esa mx1.log --esa mx2.log --mail-log mx1.example.com=mail_logs.current
  pvo-doctor analyze --esa mx1.log --sma sma.log --report ticket.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.NoColorEnv = os.Getenv("NO_COLOR") != ""
			if runF != nil {
				return runF(opts)
			}
			return analyzeRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.ESAFiles, "esa", nil, "saved CLI session of an ESA (repeat for each ESA)")
	f.StringVar(&opts.SMAFile, "sma", "", "saved CLI session of the SMA")
	f.StringArrayVar(&opts.MailLogs, "mail-log", nil, "an ESA's mail_logs, as FILE or ESA=FILE (ESA: hostname or session file)")
	f.StringVar(&opts.SMAPVOHost, "sma-pvo-host", "", "address the ESAs use for the SMA's PVO service (default: the SMA's hostname)")
	f.IntVar(&opts.PVOPort, "pvo-port", facts.DefaultPVOPort, "the SMA's PVO quarantine port")
	addReportFlags(cmd, &opts.reportFlags)
	addFailOnFlag(cmd, &opts.FailOn)
	return cmd
}

func analyzeRun(opts *AnalyzeOptions) error {
	start := opts.clock()
	if err := opts.validate(); err != nil {
		return err
	}
	failOn, err := parseFailOn(opts.FailOn)
	if err != nil {
		return err
	}

	site := &facts.Site{PVOPort: opts.PVOPort}
	for _, path := range opts.ESAFiles {
		a, err := opts.loadSession(path, facts.RoleESA)
		if err != nil {
			return err
		}
		site.ESAs = append(site.ESAs, a)
	}
	if opts.SMAFile != "" {
		sma, err := opts.loadSession(opts.SMAFile, facts.RoleSMA)
		if err != nil {
			return err
		}
		site.SMA = sma
	}
	for _, spec := range opts.MailLogs {
		if err := opts.attachMailLog(site, spec); err != nil {
			return err
		}
	}
	site.PVOHost = opts.SMAPVOHost
	if site.PVOHost == "" && site.SMA != nil {
		site.PVOHost = site.SMA.Hostname
	}

	run := opts.runRules
	if run == nil {
		run = rules.Run
	}
	res := run(site)
	rep := report.New(site, res, report.Meta{
		ToolVersion: Version,
		Mode:        report.ModeAnalyze,
		StartedAt:   start,
		Duration:    opts.clock().Sub(start),
	})

	if err := opts.emit(opts.IO, rep, 0o644); err != nil {
		return err
	}
	if code := verdictExitCode(res, site, failOn); code != ExitOK {
		return &ExitError{Code: code}
	}
	return nil
}

// validate checks the flags that need no file.
func (opts *AnalyzeOptions) validate() error {
	if len(opts.ESAFiles) == 0 && opts.SMAFile == "" {
		return usageError("give at least one session file with --esa or --sma")
	}
	if _, _, err := opts.formats(); err != nil {
		return err
	}
	if opts.PVOPort < 1 || opts.PVOPort > 65535 {
		return usageError("--pvo-port: %d is not a TCP port", opts.PVOPort)
	}
	if len(opts.MailLogs) > 0 && len(opts.ESAFiles) == 0 {
		return usageError("--mail-log needs the ESA's session (--esa)")
	}
	return nil
}

func (opts *AnalyzeOptions) clock() time.Time {
	if opts.now != nil {
		return opts.now()
	}
	return time.Now()
}

// loadSession parses one saved session. A file that cannot be read or is
// not an AsyncOS session is the user's mistake: exit 2, naming the file.
func (opts *AnalyzeOptions) loadSession(path string, role facts.Role) (*facts.Appliance, error) {
	parse := opts.fromSession
	if parse == nil {
		parse = asyncos.FromSession
	}
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := parse(path, f, role)
	if err != nil {
		err = oneLine(err)
		// The parsers name the file themselves; say it once.
		if strings.HasPrefix(err.Error(), path+":") {
			return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s session %w", role, err)}
		}
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s session %s: %w", role, path, err)}
	}
	if a == nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s session %s: nothing parsed", role, path)}
	}
	if a.Address == "" {
		a.Address = path
	}
	if a.Role == "" {
		a.Role = role
	}
	return a, nil
}

// attachMailLog scans one --mail-log FILE or ESA=FILE and adds its PVO
// connections to the named ESA (or the only one). The file is streamed.
func (opts *AnalyzeOptions) attachMailLog(site *facts.Site, spec string) error {
	esa, path, err := mailLogTarget(site.ESAs, spec)
	if err != nil {
		return err
	}
	scan := opts.scanMailLog
	if scan == nil {
		scan = asyncos.ScanMailLog
	}
	f, err := openInput(path)
	if err != nil {
		return err
	}
	defer f.Close()
	ml, err := scan(f, site.PVOPort)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("mail log %s: %w", path, oneLine(err))}
	}
	if ml == nil {
		return nil
	}
	if esa.MailLog == nil {
		esa.MailLog = ml
		return nil
	}
	esa.MailLog.Connections = append(esa.MailLog.Connections, ml.Connections...)
	esa.MailLog.Lines = append(esa.MailLog.Lines, ml.Lines...)
	return nil
}

// mailLogTarget splits ESA=FILE and finds the ESA by hostname, session
// file or its base name. Without a usable "ESA=" prefix the whole spec is
// the file, which needs exactly one ESA.
func mailLogTarget(esas []*facts.Appliance, spec string) (*facts.Appliance, string, error) {
	if name, path, ok := strings.Cut(spec, "="); ok && name != "" && path != "" {
		for _, a := range esas {
			if strings.EqualFold(name, a.Hostname) || name == a.Address || name == filepath.Base(a.Address) {
				return a, path, nil
			}
		}
		if _, err := os.Stat(spec); err != nil {
			return nil, "", usageError("--mail-log %s: no ESA named %q (give its hostname or session file)", spec, name)
		}
	}
	switch len(esas) {
	case 1:
		return esas[0], spec, nil
	case 0:
		return nil, "", usageError("--mail-log needs the ESA's session (--esa)")
	}
	return nil, "", usageError("--mail-log %s: several ESAs; say which with ESA=FILE", spec)
}

// openInput opens a file the user named, with an error that names it once.
func openInput(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err == nil {
		var st fs.FileInfo
		if st, err = f.Stat(); err == nil && st.IsDir() {
			err = errors.New("is a directory")
		}
		if err == nil {
			return f, nil
		}
		f.Close()
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("cannot read %s: %w", path, err)}
}

// oneLine keeps a parser's message to the one line an error may take.
func oneLine(err error) error {
	msg := err.Error()
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		return fmt.Errorf("%s", strings.TrimSpace(msg[:i]))
	}
	return err
}
