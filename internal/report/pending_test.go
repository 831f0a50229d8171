package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// What showchanges proved, in words: nothing, someone's work before the
// run (shown, never cleared), or what the run left.
func TestPendingWords(t *testing.T) {
	none := facts.PendingChanges{}
	some := facts.PendingChanges{Pending: true, Keys: []facts.PendingKey{{Mode: "standalone", Key: "system.alert.mailto_addrs"}}}
	for _, tc := range []struct {
		reads []facts.PendingChanges
		want  string
	}{
		{nil, ""},
		{[]facts.PendingChanges{none, none}, "nothing pending (showchanges)"},
		{[]facts.PendingChanges{none, some, none}, "nothing pending (showchanges)"}, // the SERVICES walk, cleared
		{[]facts.PendingChanges{some, some}, "pending before the run, someone's uncommitted work, left as it was (showchanges): system.alert.mailto_addrs"},
		{[]facts.PendingChanges{none, some}, "pending after the run (showchanges): system.alert.mailto_addrs"},
	} {
		if got := pendingWords(tc.reads); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.reads, got, tc.want)
		}
	}
	a := applianceOf(&facts.Appliance{Role: facts.RoleESA, Pending: []facts.PendingChanges{some}})
	if !strings.HasPrefix(a.Pending, "pending before the run") {
		t.Errorf("report appliance: %+v", a)
	}
}

// renderPending writes a one-ESA report whose showchanges reads are reads,
// with one finding about it unless bare.
func renderPending(t *testing.T, w Writer, reads []facts.PendingChanges, bare bool) string {
	t.Helper()
	esa := &facts.Appliance{Role: facts.RoleESA, Address: "esa.log", Hostname: "mx.example.com",
		Version: &facts.Version{Raw: "15.0.0-104"}, Pending: reads}
	var res rules.Result
	if !bare {
		res.Findings = []rules.Finding{{ID: "PVO-003", Title: "t", Status: rules.StatusPass, Appliance: "mx.example.com"}}
	}
	var b bytes.Buffer
	if err := w.Write(&b, New(&facts.Site{ESAs: []*facts.Appliance{esa}}, res, Meta{Mode: ModeCheck})); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The Markdown and HTML reports, attached to tickets, carry the same
// showchanges words as the text report, once, under the appliance's
// heading; nothing when showchanges was not read.
func TestPendingInMarkdownAndHTML(t *testing.T) {
	none := facts.PendingChanges{}
	some := facts.PendingChanges{Pending: true, Keys: []facts.PendingKey{
		{Mode: "standalone", Key: "system.alert.mailto_addrs"}, {Mode: "standalone", Key: "smtp.hat"}}}
	const (
		mdHead   = "### mx.example.com\n\n"
		htmlHead = "<h3>mx.example.com <span class=\"meta\">(esa, AsyncOS 15.0.0-104, esa.log)</span></h3>\n"
	)
	for _, tc := range []struct {
		name     string
		reads    []facts.PendingChanges
		md, html string // the line under the heading; "" for none
	}{
		{"nothing", []facts.PendingChanges{none, none}, "nothing pending (showchanges)",
			"nothing pending (showchanges)"},
		{"before", []facts.PendingChanges{some, some},
			`pending before the run, someone's uncommitted work, left as it was (showchanges): system.alert.mailto\_addrs, smtp.hat`,
			"pending before the run, someone&#39;s uncommitted work, left as it was (showchanges): system.alert.mailto_addrs, smtp.hat"},
		{"after", []facts.PendingChanges{none, some},
			`pending after the run (showchanges): system.alert.mailto\_addrs, smtp.hat`,
			"pending after the run (showchanges): system.alert.mailto_addrs, smtp.hat"},
		{"unread", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, bare := range []bool{false, true} {
				md := renderPending(t, MarkdownWriter{}, tc.reads, bare)
				html := renderPending(t, HTMLWriter{}, tc.reads, bare)
				if tc.md == "" {
					if strings.Contains(md, "showchanges") || strings.Contains(html, "showchanges") {
						t.Errorf("bare=%v: unread showchanges shown:\n%s\n%s", bare, md, html)
					}
					if !bare && (!strings.Contains(md, mdHead+"#### PASS PVO-003") || !strings.Contains(html, htmlHead+`<div class="finding pass">`)) {
						t.Errorf("the heading is no longer followed by the finding:\n%s\n%s", md, html)
					}
					if bare && (strings.Contains(md, mdHead) || strings.Contains(html, htmlHead)) {
						t.Errorf("an appliance with no findings and nothing read got a heading:\n%s\n%s", md, html)
					}
					continue
				}
				if want := mdHead + tc.md + "\n\n"; !strings.Contains(md, want) || strings.Count(md, "showchanges") != 1 {
					t.Errorf("bare=%v: markdown lacks %q once:\n%s", bare, want, md)
				}
				if want := htmlHead + `<p class="meta pending">` + tc.html + "</p>\n"; !strings.Contains(html, want) || strings.Count(html, "showchanges") != 1 {
					t.Errorf("bare=%v: html lacks %q once:\n%s", bare, want, html)
				}
			}
		})
	}
}
