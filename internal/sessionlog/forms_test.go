package sessionlog

import (
	"reflect"
	"strings"
	"testing"
)

// cmdBrief is what the tests of the input forms compare: each command as
// typed, its output and the input lines of the command and of each output
// line.
type cmdBrief struct {
	Line       int
	Command    string
	Text       string
	Lines      []int
	Incomplete bool
}

func briefs(t *testing.T, in string) []cmdBrief {
	t.Helper()
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	var out []cmdBrief
	for _, c := range cmds {
		out = append(out, cmdBrief{c.Line, c.CommandLine(), c.Text, inputLines(c), c.Incomplete != ""})
	}
	return out
}

func checkBriefs(t *testing.T, in string, want []cmdBrief) {
	t.Helper()
	if got := briefs(t, in); !reflect.DeepEqual(got, want) {
		t.Errorf("%q:\ngot  %+v\nwant %+v", in, got, want)
	}
}

func TestSplitNormalLogIsReadAsItIs(t *testing.T) {
	// Output that starts with '>' or holds entities and tags is the
	// appliance's: a text resource in HTML, a quoted mail in a message.
	for _, tt := range []struct{ name, out string }{
		{"a line starting with '>'", "> not a quote\n>> nor this\n> mx.example.com> status"},
		{"entities", "Tom &amp; Jerry &gt; &lt;b&gt; &#39;x&#39; &nbsp;"},
		{"markup", "<html><body><p>Your message was quarantined.</p><br>\n<pre>x</pre></body></html>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := "mx.example.com> textconfig\n" + tt.out + "\nmx.example.com> status\nSystem status: Online\nmx.example.com> "
			n := strings.Count(tt.out, "\n") + 1
			lines := make([]int, n)
			for i := range lines {
				lines[i] = i + 2
			}
			checkBriefs(t, in, []cmdBrief{
				{1, "textconfig", tt.out, lines, false},
				{n + 2, "status", "System status: Online", []int{n + 3}, false},
			})
		})
	}
}

func TestSplitEmailQuoted(t *testing.T) {
	in := strings.Join([]string{
		"Hi team, the log is below.", // 1: the sender's own
		"",                           // 2
		"On Mon, Bob wrote:",         // 3
		"> mx.example.com> version",  // 4
		">> Version: 14.2.0-620",     // 5: a reply to a reply
		"> > Model: C100V",           // 6
		">",                          // 7: a blank line, quoted
		">   indented",               // 8
		"Bob's note, not quoted",     // 9: dropped
		">mx.example.com> status",    // 10: no blank after the marker
		"> System status: Online",    // 11
		"> mx.example.com> ",         // 12: the bare prompt ends it
		"> mx.example.com> who",      // 13
		"> admin",                    // 14
		"-- ",                        // 15: the signature, dropped
		"Alice",                      // 16
	}, "\n")
	checkBriefs(t, in, []cmdBrief{
		{4, "version", "Version: 14.2.0-620\nModel: C100V\n\n  indented", []int{5, 6, 7, 8}, false},
		{10, "status", "System status: Online", []int{11}, false},
		{13, "who", "admin", []int{14}, true},
	})
	// With CRLF line ends, time stamps inside the quotes and a quoted bare
	// prompt at the end.
	in = "> [2024-05-01 10:00:01] mx> status\r\n> [2024-05-01 10:00:01] System status: Online\r\n> [2024-05-01 10:00:02] mx> \r\n"
	cmds, err := SplitString(in)
	if err != nil || len(cmds) != 1 || cmds[0].Text != "System status: Online" || cmds[0].Incomplete != "" || cmds[0].Time.IsZero() {
		t.Errorf("stamped quote: %+v %v", cmds, err)
	}
}

func TestSplitMostlyPlainLogKeepsItsQuotedLines(t *testing.T) {
	// One quoted prompt among plain ones: a line of output.
	checkBriefs(t, "mx> status\n> mx> status\nmx> who\nadmin\nmx> ", []cmdBrief{
		{1, "status", "> mx> status", []int{2}, false},
		{3, "who", "admin", []int{4}, false},
	})
}

func TestSplitHTML(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []cmdBrief
	}{
		{"escaped text keeps its blank lines", "mx&gt; deliveryconfig\n&quot;Possible Delivery&quot;: Enabled\n\n[]&gt; \nmx&gt; ",
			[]cmdBrief{{1, "deliveryconfig", "\"Possible Delivery\": Enabled\n\n[]> ", []int{2, 3, 4}, false}}},
		{"pre", "<html><body><pre>\nmx&gt; telnet\nEscape character is &#39;^]&#39;.\n\n220 ok</pre></body></html>",
			[]cmdBrief{{2, "telnet", "Escape character is '^]'.\n\n220 ok", []int{3, 4, 5}, true}}},
		{"a br per line", "<div>mx&gt; who<br>\nadmin&nbsp;&nbsp; CLI<br>\n<br>\nmx&gt; <br>\n</div>",
			[]cmdBrief{{1, "who", "admin   CLI", []int{2}, false}}},
		{"all on one line", "<p>Hello</p><p>mx&gt; version<br>Version: 14.2<br>Model: C100V<br>mx&gt; status<br>Online</p>",
			[]cmdBrief{{1, "version", "Version: 14.2\nModel: C100V", []int{1, 1}, false}, {1, "status", "Online", []int{1}, true}}},
		{"a paragraph per line", "<p class=MsoNormal>mx&gt; who<o:p></o:p></p>\n<p class=MsoNormal>&nbsp;<o:p></o:p></p>\n" +
			"<p class=MsoNormal>admin<o:p></o:p></p>\n<p class=MsoNormal>mx&gt; <o:p></o:p></p>",
			[]cmdBrief{{1, "who", "admin", []int{3}, false}}},
		{"style, comments and a title are not text", "<!DOCTYPE html>\n<html><head><title>Case 1</title><style>\np > b { }\n</style>" +
			"<!-- mx&gt; fake\n --></head><body>\n<table><tr><td>mx&gt; status</td></tr>\n<tr><td>Online</td><td>1</td></tr></table>",
			[]cmdBrief{{6, "status", "Online  1", []int{7}, true}}},
		{"quoted in HTML", "<div>&gt; mx&gt; status<br>&gt; Online<br>&gt;<br>&gt; mx&gt; <br></div>",
			[]cmdBrief{{1, "status", "Online", []int{1}, false}}},
		{"a lone CR is a line as in a plain file", "<pre>mx&gt; status\r\nOn\rline\r\nmx&gt; </pre>",
			[]cmdBrief{{1, "status", "On\nline", []int{2, 3}, false}}},
		{"markup around raw prompts", "<div>mx> status<br>\nOnline<br>\nmx> <br>\n</div>",
			[]cmdBrief{{1, "status", "Online", []int{2}, false}}},
	} {
		t.Run(tt.name, func(t *testing.T) { checkBriefs(t, tt.in, tt.want) })
	}
}

func TestSplitCopiedUnicode(t *testing.T) {
	in := "mx.example.com>\u200b\u00a0deliveryconfig\n" +
		"\u201cPossible\u00a0Delivery\u201d:\u202fEnabled\n" +
		"Module\u00a0 \u00a0 Quantity\u3000Soft\u00adware\ufeff\n" +
		"mx.example.com\u2060> "
	checkBriefs(t, in, []cmdBrief{{1, "deliveryconfig", "\"Possible Delivery\": Enabled\nModule    Quantity Software", []int{2, 3}, false}})
}

func TestCutQuote(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		quoted   bool
	}{
		{"> a", "a", true},
		{">> a", "a", true},
		{"> > a", "a", true},
		{">>> > a", "a", true},
		{">", "", true},
		{"> ", "", true},
		{">  two blanks", " two blanks", true},
		{">\u00a0a", "a", true},
		{"a > b", "a > b", false},
		{" > a", " > a", false},
	} {
		got, q := cutQuote(tt.in)
		if got != tt.want || q != tt.quoted {
			t.Errorf("cutQuote(%q) = %q, %v; want %q, %v", tt.in, got, q, tt.want, tt.quoted)
		}
	}
}
