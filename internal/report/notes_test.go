package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

// How the facts were read (a paste without prompts, merged sessions) is
// shown under the appliance in every format, also when it has no
// finding, escaped like any text from a customer's file; JSON always
// carries the list.
func TestNotesInEveryFormat(t *testing.T) {
	const note = "read without prompts: commands recognised by their output"
	hostile := "merged 2 sessions: a<script>.log,\n# pwned | `x`"
	esa := &facts.Appliance{Role: facts.RoleESA, Address: "paste.txt", Notes: []string{note, note, hostile}}
	rep := New(&facts.Site{ESAs: []*facts.Appliance{esa}}, rules.Result{}, Meta{Mode: ModeAnalyze})
	render := func(w Writer) string {
		var b bytes.Buffer
		if err := w.Write(&b, rep); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	md := render(MarkdownWriter{})
	if !strings.Contains(md, "### paste.txt\n\nNote: "+note+"\n\n") || strings.Count(md, note) != 1 {
		t.Errorf("markdown:\n%s", md)
	}
	if strings.Contains(md, "\n# pwned") || strings.Contains(md, "<script>") {
		t.Errorf("markdown lets the note's text out:\n%s", md)
	}
	html := render(HTMLWriter{})
	if !strings.Contains(html, `<p class="meta note">Note: `+note+`</p>`) || strings.Contains(html, "<script>") {
		t.Errorf("html:\n%s", html)
	}
	text := render(TextWriter{})
	if !strings.Contains(text, "note: "+note) || strings.Contains(text, "\n# pwned") {
		t.Errorf("text:\n%s", text)
	}
	var got struct {
		Appliances []struct {
			Notes []string `json:"notes"`
		} `json:"appliances"`
	}
	if err := json.Unmarshal([]byte(render(JSONWriter{})), &got); err != nil || len(got.Appliances) != 1 || len(got.Appliances[0].Notes) != 2 {
		t.Errorf("json notes %+v %v", got, err)
	}
	bare := New(&facts.Site{ESAs: []*facts.Appliance{{Role: facts.RoleESA, Address: "a.log"}}}, rules.Result{}, Meta{})
	var b bytes.Buffer
	if err := (JSONWriter{}).Write(&b, bare); err != nil || !strings.Contains(b.String(), `"notes": []`) {
		t.Errorf("json without notes: %s %v", b.String(), err)
	}
}
