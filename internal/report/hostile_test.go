package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

const (
	script   = "<script>alert(1)</script>"
	backtick = "```\n# pwned"
	pipes    = "a | b || c"
	escape   = "\x1b]0;owned\x07\x1b[2J"
)

// hostile puts attacker-controlled strings everywhere an appliance can
// reach: hostname, evidence lines, summaries, fix steps, errors, the
// pending keys of showchanges.
func hostile() *Report {
	host := "mx" + script + "|" + "`x`"
	esa := &facts.Appliance{
		Role: facts.RoleESA, Address: "f|" + script, Hostname: host,
		Version: &facts.Version{Raw: "14|2" + escape},
		Errors:  []facts.CollectError{{Step: "status", Message: pipes + script}},
		// showchanges' key names come from the appliance too.
		Pending: []facts.PendingChanges{{Pending: true, Keys: []facts.PendingKey{
			{Key: script}, {Key: "k\n# pwned\n| x | y |"}, {Key: "`a`*b*_c_[d](e)"}, {Key: escape},
		}}},
	}
	res := rules.Result{
		Findings: []rules.Finding{{
			ID: "PVO-003", Title: "T " + pipes, Status: rules.StatusFail, Appliance: host,
			Summary: "# heading\n" + script + escape, Expected: pipes, Actual: backtick,
			Evidence: []rules.Evidence{{Appliance: host, Command: "tel`net" + pipes, Lines: []string{
				script, "````", backtick, pipes, escape,
			}}},
			Fix: &rules.Fix{Summary: script, Steps: []string{"`rm`", pipes, script}},
		}},
		ManualChecks: []rules.ManualCheck{{ID: "PVO-002", Appliance: host, Summary: script + pipes, Steps: []string{backtick}}},
	}
	return New(&facts.Site{ESAs: []*facts.Appliance{esa}}, res, Meta{Mode: ModeAnalyze, ToolVersion: script})
}

func render(t *testing.T, w Writer) string {
	t.Helper()
	var b bytes.Buffer
	if err := w.Write(&b, hostile()); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHostileHTML(t *testing.T) {
	t.Parallel()
	out := render(t, HTMLWriter{})
	if strings.Contains(out, "<script") {
		t.Errorf("HTML report contains a raw <script>:\n%s", out)
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("HTML report lost the escaped hostile text instead of showing it")
	}
	if strings.Contains(out, "\x1b") {
		t.Error("HTML report passes a raw ESC")
	}
	const open = `<p class="meta pending">pending before the run`
	at := strings.Index(out, open)
	end := strings.Index(out[max(at, 0):], "</p>")
	if at < 0 || end < 0 {
		t.Fatalf("HTML report lacks the pending line:\n%s", out)
	}
	if p := out[at+len(open) : at+end]; strings.ContainsAny(p, "<>") ||
		!strings.Contains(p, "&lt;script&gt;alert(1)&lt;/script&gt;, k\n# pwned\n| x | y |, `a`*b*_c_[d](e), \\x1b]0;owned\\x07\\x1b[2J") {
		t.Errorf("pending keys not shown escaped: %q", p)
	}
}

func TestHostileMarkdown(t *testing.T) {
	t.Parallel()
	out := render(t, MarkdownWriter{})
	lines := strings.Split(out, "\n")
	inFence := ""
	for i, l := range lines {
		if inFence != "" {
			if strings.HasPrefix(l, "`") && strings.Trim(l, "`") == "" && len(l) >= len(inFence) {
				inFence = ""
				continue
			}
			if strings.HasPrefix(l, "```") && len(l) >= len(inFence) {
				t.Errorf("line %d %q would close the %d-backtick fence early", i+1, l, len(inFence))
			}
			continue
		}
		if strings.HasPrefix(l, "```") {
			inFence = strings.TrimRight(l, "text")
			continue
		}
		if strings.Contains(withoutCodeSpans(l), "<") {
			t.Errorf("line %d has raw HTML outside code: %q", i+1, l)
		}
		if strings.Contains(l, "\x1b") {
			t.Errorf("line %d has a raw ESC: %q", i+1, l)
		}
		if strings.HasPrefix(l, "# ") && i > 0 {
			t.Errorf("line %d became a top-level heading: %q", i+1, l)
		}
		if strings.HasPrefix(l, "|") {
			if got := unescapedPipes(l); got != strings.Count(lines[tableHeader(lines, i)], "|") {
				t.Errorf("table row %d has %d cell separators, header has %d: %q", i+1, got, strings.Count(lines[tableHeader(lines, i)], "|"), l)
			}
		}
	}
	if inFence != "" {
		t.Error("a code fence was never closed")
	}
	// One paragraph line: a key's newline cannot start a heading or a row,
	// nor its backticks and brackets code, emphasis or a link.
	want := "pending before the run, someone's uncommitted work, left as it was (showchanges): " +
		"&lt;script&gt;alert(1)&lt;/script&gt;, k # pwned \\| x \\| y \\|, \\`a\\`\\*b\\*\\_c\\_\\[d\\](e), \\x1b\\]0;owned\\x07\\x1b\\[2J"
	if !strings.Contains(out, "\n\n"+want+"\n\n") {
		t.Errorf("markdown lacks the escaped pending paragraph %q:\n%s", want, out)
	}
}

// withoutCodeSpans drops `code` spans (delimited by equal backtick runs),
// where CommonMark shows "<" literally.
func withoutCodeSpans(l string) string {
	var b strings.Builder
	for i := 0; i < len(l); {
		if l[i] == '\\' && i+1 < len(l) {
			b.WriteString(l[i : i+2])
			i += 2
			continue
		}
		if l[i] != '`' {
			b.WriteByte(l[i])
			i++
			continue
		}
		n := i
		for n < len(l) && l[n] == '`' {
			n++
		}
		delim := l[i:n]
		end := strings.Index(l[n:], delim)
		if end < 0 {
			b.WriteString(delim)
			i = n
			continue
		}
		i = n + end + len(delim)
	}
	return b.String()
}

// unescapedPipes counts pipes not preceded by a backslash.
func unescapedPipes(l string) int {
	n := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

func tableHeader(lines []string, i int) int {
	for i > 0 && strings.HasPrefix(lines[i-1], "|") {
		i--
	}
	return i
}

func TestHostileText(t *testing.T) {
	t.Parallel()
	for _, color := range []bool{false, true} {
		out := render(t, TextWriter{Color: color})
		if strings.Contains(out, "\x1b]") || strings.Contains(out, "\x07") || strings.Contains(out, "\x1b[2J") {
			t.Errorf("color=%v: text report passes hostile control sequences:\n%q", color, out)
		}
		if !color && strings.Contains(out, "\x1b") {
			t.Errorf("text report without colour contains ESC")
		}
		if !strings.Contains(out, `\x1b]0;owned`) {
			t.Errorf("color=%v: hostile ESC is not shown escaped", color)
		}
	}
}

func TestHostileJSONRoundTrips(t *testing.T) {
	t.Parallel()
	out := render(t, JSONWriter{})
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if got := r.Findings[0].Evidence[0].Lines; len(got) != 5 || got[0] != script || got[2] != backtick || got[4] != escape {
		t.Errorf("evidence lines did not survive JSON: %q", got)
	}
	if strings.Contains(out, "<script") {
		t.Error("JSON carries a raw <script> (the encoder should escape <)")
	}
}
