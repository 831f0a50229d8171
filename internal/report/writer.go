package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Writer renders a report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// Format names an output format as the --format flag spells it.
type Format string

const (
	FormatText     Format = "text"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
)

// Formats lists every format, in help order.
var Formats = []Format{FormatText, FormatJSON, FormatMarkdown, FormatHTML}

// ParseFormat accepts a format name (case-insensitive; "md" for markdown).
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "text", "txt":
		return FormatText, nil
	case "json":
		return FormatJSON, nil
	case "markdown", "md":
		return FormatMarkdown, nil
	case "html", "htm":
		return FormatHTML, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, json, markdown or html)", name)
}

// FormatFromPath picks the format from a file's extension; ok is false when
// the extension names none.
func FormatFromPath(path string) (f Format, ok bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return FormatJSON, true
	case ".md", ".markdown":
		return FormatMarkdown, true
	case ".html", ".htm":
		return FormatHTML, true
	case ".txt":
		return FormatText, true
	}
	return "", false
}

// Options tune the writers. Color matters only to text; the caller decides
// it from --color, NO_COLOR and whether the output is a terminal.
type Options struct {
	Color bool
}

// NewWriter returns the writer for f.
func NewWriter(f Format, opts Options) (Writer, error) {
	switch f {
	case FormatText:
		return TextWriter{Color: opts.Color}, nil
	case FormatJSON:
		return JSONWriter{}, nil
	case FormatMarkdown:
		return MarkdownWriter{}, nil
	case FormatHTML:
		return HTMLWriter{}, nil
	}
	return nil, fmt.Errorf("unknown format %q", string(f))
}
