package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/outfile"
	"github.com/pvo-doctor/pvo-doctor/internal/report"
)

// reportFlags are the output flags check, demo and analyze share.
type reportFlags struct {
	Format  string
	Reports []string
	Color   string
	// NoColorEnv is true when NO_COLOR is set (https://no-color.org).
	NoColorEnv bool
}

func addReportFlags(cmd *cobra.Command, rf *reportFlags) {
	f := cmd.Flags()
	f.StringVar(&rf.Format, "format", "", "output format: text, json, markdown or html (default text)")
	f.StringArrayVar(&rf.Reports, "report", nil, "also write the report to `FILE` (mode 0600), in the format of its extension (.json, .md, .html, .txt); repeatable")
	f.StringVar(&rf.Color, "color", "auto", "colour the text output: auto, always or never")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("text", "json", "markdown", "html"))
	_ = cmd.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	_ = cmd.RegisterFlagCompletionFunc("report", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"json", "md", "html", "txt"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// fixedCompletion offers a flag's fixed values.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// formats validates the flags and returns the format for stdout and, in
// order, each --report file's (its extension's, else stdout's).
func (f reportFlags) formats() (stdout report.Format, files []report.Format, err error) {
	stdout = report.FormatText
	if f.Format != "" {
		if stdout, err = report.ParseFormat(f.Format); err != nil {
			return "", nil, usageError("--format: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, name := range f.Reports {
		if seen[filepath.Clean(name)] {
			return "", nil, usageError("--report %s is named twice", name)
		}
		seen[filepath.Clean(name)] = true
		ff, ok := report.FormatFromPath(name)
		if !ok {
			ff = stdout
		}
		files = append(files, ff)
	}
	switch f.Color {
	case "auto", "always", "never", "":
	default:
		return "", nil, usageError("--color: want auto, always or never, not %q", f.Color)
	}
	return stdout, files, nil
}

// checkPaths says, before anything runs, whether every --report file can
// be written, so that a run (and a fix) never ends with its record lost.
func (f reportFlags) checkPaths() error {
	for _, name := range f.Reports {
		if err := outfile.CheckPath(name); err != nil {
			return usageError("--report: %w", err)
		}
	}
	return nil
}

// errReportLost is a --report file that could not be written at the end;
// the report still went to stdout.
type errReportLost struct{ errs []error }

func (e *errReportLost) Error() string { return errors.Join(e.errs...).Error() }

// emit writes rep to every --report file (mode 0600, each in its format)
// and to stdout, always to stdout even when a file fails: an *errReportLost
// then says which files are missing.
func (f reportFlags) emit(ios *IOStreams, rep *report.Report) error {
	stdout, files, err := f.formats()
	if err != nil {
		return err
	}
	var lost []error
	for i, name := range f.Reports {
		var b bytes.Buffer
		if err := writeReport(&b, rep, files[i], false); err != nil {
			return err
		}
		if err := outfile.WriteFile(name, b.Bytes()); err != nil {
			lost = append(lost, fmt.Errorf("report %s not written: %w", name, err))
		}
	}
	color := stdout == report.FormatText && colorEnabled(f.Color, f.NoColorEnv, ios.IsStdoutTTY())
	if err := writeReport(ios.Out, rep, stdout, color); err != nil {
		return err
	}
	if lost != nil {
		return &errReportLost{lost}
	}
	return nil
}

// writeReport renders rep in format f to w.
func writeReport(w io.Writer, rep *report.Report, f report.Format, color bool) error {
	wr, err := report.NewWriter(f, report.Options{Color: color})
	if err != nil {
		return usageError("%w", err)
	}
	if err := wr.Write(w, rep); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// colorEnabled decides --color: always and never win; auto colours only a
// terminal, and only when NO_COLOR is not set.
func colorEnabled(mode string, noColorEnv, isTTY bool) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return isTTY && !noColorEnv
}

// deliver writes rep to every --report file and stdout and returns the
// run's exit: code, unless a --report file could not be written (exit 4,
// the report being on stdout; after a committed fix that output is the
// only record of it, which the message says).
func deliver(ios *IOStreams, rf reportFlags, rep *report.Report, code int, committed bool) error {
	err := rf.emit(ios, rep)
	var lost *errReportLost
	if errors.As(err, &lost) {
		msg := lost.Error() + "; the report is on stdout"
		if committed {
			msg += ", and it is the only record of the fixes committed"
		}
		return &ExitError{Code: ExitReportLost, Err: errors.New(msg)}
	}
	if err != nil {
		return err
	}
	if code != ExitOK {
		return &ExitError{Code: code}
	}
	return nil
}
