package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/pvo-doctor/pvo-doctor/internal/report"
)

// reportFlags are the output flags check, demo and analyze share.
type reportFlags struct {
	Format     string
	ReportFile string
	Color      string
	// NoColorEnv is true when NO_COLOR is set (https://no-color.org).
	NoColorEnv bool
}

func addReportFlags(cmd *cobra.Command, rf *reportFlags) {
	f := cmd.Flags()
	f.StringVar(&rf.Format, "format", "", "output format: text, json, markdown or html (default text)")
	f.StringVar(&rf.ReportFile, "report", "", "also write the report to `FILE`, in the format of its extension (.json, .md, .html, .txt)")
	f.StringVar(&rf.Color, "color", "auto", "colour the text output: auto, always or never")
}

// formats validates the flags and returns the format for stdout and the
// one for --report (its extension's, else stdout's).
func (f reportFlags) formats() (stdout, file report.Format, err error) {
	stdout = report.FormatText
	if f.Format != "" {
		if stdout, err = report.ParseFormat(f.Format); err != nil {
			return "", "", usageError("--format: %w", err)
		}
	}
	file = stdout
	if ff, ok := report.FormatFromPath(f.ReportFile); ok {
		file = ff
	}
	switch f.Color {
	case "auto", "always", "never", "":
	default:
		return "", "", usageError("--color: want auto, always or never, not %q", f.Color)
	}
	return stdout, file, nil
}

// emit writes rep to --report (if given) and to stdout, each in its format.
func (f reportFlags) emit(ios *IOStreams, rep *report.Report, perm os.FileMode) error {
	stdout, file, err := f.formats()
	if err != nil {
		return err
	}
	if f.ReportFile != "" {
		var b bytes.Buffer
		if err := writeReport(&b, rep, file, false); err != nil {
			return err
		}
		if err := os.WriteFile(f.ReportFile, b.Bytes(), perm); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	color := stdout == report.FormatText && colorEnabled(f.Color, f.NoColorEnv, ios.IsStdoutTTY())
	return writeReport(ios.Out, rep, stdout, color)
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
