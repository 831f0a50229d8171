package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// HTMLWriter writes one self-contained page: inline CSS, no scripts, no
// external assets. html/template escapes every value, so appliance output
// such as "<script>" is shown, never run.
type HTMLWriter struct{}

type htmlData struct {
	*Report
	Groups []group
	Matrix matrix
	Title  string
}

// BeforeAfter is the rule's status on the fixed appliance before the fix
// and as re-checked after it ("" where the report has no such finding).
func (d htmlData) BeforeAfter(fr FixRecord) (string, error) {
	for _, f := range d.Findings {
		if f.ID == fr.Rule && f.Appliance == fr.Appliance && f.StatusBefore != "" {
			return statusLabel(f.StatusBefore) + " → " + statusLabel(f.Status), nil
		}
	}
	return "", nil
}

func (HTMLWriter) Write(w io.Writer, r *Report) error {
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, htmlData{Report: r, Groups: r.groups(), Matrix: r.matrix(), Title: r.titleHead()}); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	if _, err := io.WriteString(w, cleanLines(b.String())); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"label": statusLabel,
	"cell": func(s rules.Status) string {
		if s == "" {
			return "–"
		}
		return statusLabel(s)
	},
	"inc":       func(i int) int { return i + 1 },
	"appliance": func(a *Appliance) string { return applianceLine(a) },
	"evhead":    evidenceHead,
	"dash":      orDash,
	"step":      stepText,
	"actionable": func(s rules.Status) bool {
		return s == rules.StatusFail || s == rules.StatusUnknown
	},
	"errors": func(a Appliance) string {
		var parts []string
		for _, e := range a.Errors {
			parts = append(parts, e.Step+": "+e.Message)
		}
		return strings.Join(parts, "; ")
	},
}).Parse(htmlSource))

const htmlSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}: {{.Summary.Fail}} fail, {{.Summary.Unknown}} unknown</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f7}
pre{background:#f5f5f7;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
code{background:#f5f5f7;padding:0 .2rem}
.finding{border-left:4px solid #ccc;padding:.2rem 1rem;margin:1rem 0}
.finding.fail{border-color:#c62828}.finding.unknown{border-color:#f9a825}.finding.pass{border-color:#2e7d32}
.status{font-weight:bold;padding:0 .4rem;border-radius:3px;color:#fff;background:#888}
.status.fail{background:#c62828}.status.unknown{background:#b28704}.status.pass{background:#2e7d32}
.meta{color:#555}
.matrix{font-size:.8rem}.matrix th,.matrix td{padding:.15rem .35rem;text-align:center}.matrix th.rule,.matrix td.rule{text-align:left}
.matrix th.app{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
.matrix td.fail{background:#fde0e0}.matrix td.unknown{background:#fff4cc}.matrix td.pass{background:#e3f4e4}
</style>
</head>
<body>
<h1>{{.Title}}: {{.Summary.Fail}} fail, {{.Summary.Unknown}} unknown, {{.Summary.Pass}} pass, {{.Summary.NotApplicable}} not applicable</h1>
{{- if and .Matrix.Rows .Matrix.Columns}}
<table class="matrix">
<tr><th class="rule">Rule</th>{{range .Matrix.Columns}}<th class="app">{{.}}</th>{{end}}</tr>
{{- range .Matrix.Rows}}
<tr><td class="rule" title="{{.Title}}">{{.ID}}</td>{{range .Cells}}<td{{with .}} class="{{.}}"{{end}}>{{cell .}}</td>{{end}}</tr>
{{- end}}
</table>
{{- end}}

<h2>Summary</h2>
<table>
<tr><th>Fail</th><th>Unknown</th><th>Pass</th><th>Not applicable</th></tr>
<tr><td>{{.Summary.Fail}}</td><td>{{.Summary.Unknown}}</td><td>{{.Summary.Pass}}</td><td>{{.Summary.NotApplicable}}</td></tr>
</table>
{{- if .Findings}}
<table>
<tr><th>Status</th><th>Rule</th><th>Appliance</th><th>Title</th></tr>
{{- range .Groups}}{{range .Findings}}
<tr><td><span class="status {{.Status}}">{{label .Status}}</span></td><td>{{.ID}}</td><td>{{dash .Appliance}}</td><td>{{.Title}}</td></tr>
{{- end}}{{end}}
</table>
{{- end}}

<h2>Findings</h2>
{{- if not .Findings}}
<p>No findings.</p>
{{- end}}
{{- range .Groups}}{{if .Headed}}
<h3>{{dash .Name}}{{with .Appliance}} <span class="meta">({{appliance .}})</span>{{end}}</h3>
{{- with .Pending}}
<p class="meta pending">{{.}}</p>
{{- end}}
{{- range .Notes}}
<p class="meta note">Note: {{.}}</p>
{{- end}}
{{- if .Unreached}}
<div class="finding unknown">
<h4><span class="status unknown">{{label "unknown"}}</span> Not reached: {{len .Findings}} rules unknown ({{range $i, $f := .Findings}}{{if $i}}, {{end}}{{$f.ID}}{{end}})</h4>
<ul>
{{- range .Appliance.Errors}}
<li>{{.Step}}: {{.Message}}</li>
{{- end}}
</ul>
</div>
{{- else}}
{{- range .Findings}}
<div class="finding {{.Status}}">
<h4><span class="status {{.Status}}">{{label .Status}}</span> {{.ID}}: {{.Title}}</h4>
{{- if .Summary}}
<p>{{.Summary}}</p>
{{- end}}
<ul>
<li>Status: {{.Status}}{{if .StatusBefore}} (before fixes: {{.StatusBefore}}){{end}}</li>
{{- if .Severity}}
<li>Severity: {{.Severity}}</li>
{{- end}}
{{- if .Case}}
<li>Case: {{.Case}} of Cisco's tech note</li>
{{- end}}
{{- if .Expected}}
<li>Expected: {{.Expected}}</li>
{{- end}}
{{- if .Actual}}
<li>Actual: {{.Actual}}</li>
{{- end}}
</ul>
{{- range .Evidence}}
<p>Evidence: <code>{{evhead .}}</code></p>
<pre>{{range .Lines}}{{.}}
{{end}}</pre>
{{- end}}
{{- if and .Fix (actionable .Status)}}
<p>Fix{{.FixHint}}: {{.Fix.Summary}}</p>
{{- if .Fix.Steps}}
<ol>
{{- range .Fix.Steps}}
<li><code>{{step .}}</code></li>
{{- end}}
</ol>
{{- end}}
{{- end}}
</div>
{{- end}}
{{- end}}
{{- end}}{{end}}
{{- if .Fixes}}

<h2>Fixes</h2>
{{- range .Fixes}}
<div class="finding">
<h4>{{.Rule}} on {{.Appliance}}: {{.Action}} ({{.Status}})</h4>
{{- with $.BeforeAfter .}}
<p class="before-after">{{.}}</p>
{{- end}}
{{- if .Steps}}
<ol>
{{- range .Steps}}
<li><code>{{step .}}</code></li>
{{- end}}
</ol>
{{- end}}
{{- if .CommitComment}}
<p>Commit comment: <code>{{.CommitComment}}</code></p>
{{- end}}
{{- range .Evidence}}
<p>Evidence: <code>{{evhead .}}</code></p>
<pre>{{range .Lines}}{{.}}
{{end}}</pre>
{{- end}}
{{- if .Error}}
<p>Error: {{.Error}}</p>
{{- end}}
</div>
{{- end}}
{{- end}}
{{- if .ManualChecks}}

<h2>Manual checks</h2>
<p>No CLI shows these; a person must confirm them.</p>
<ul>
{{- range .ManualChecks}}
<li><strong>{{.ID}}</strong> on {{dash .Appliance}}: {{.Summary}}
{{- if .Steps}}
<ol>
{{- range .Steps}}
<li>{{.}}</li>
{{- end}}
</ol>
{{- end}}
</li>
{{- end}}
</ul>
{{- end}}

<h2>Environment</h2>
{{- if .Appliances}}
<table>
<tr><th>Role</th><th>Hostname</th><th>Address</th><th>AsyncOS</th><th>Cluster</th><th>Errors</th></tr>
{{- range .Appliances}}
<tr><td>{{.Role}}</td><td>{{.Hostname}}</td><td>{{.Address}}</td><td>{{.Version}}</td><td>{{.Cluster}}</td><td>{{errors .}}</td></tr>
{{- end}}
</table>
{{- end}}
<p class="meta">{{.Tool.Name}} {{.Tool.Version}}, mode {{.Mode}}, started {{.StartedAt}}, {{.DurationMS}} ms</p>
</body>
</html>
`
