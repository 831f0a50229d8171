package channel

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	const p = "mx.example.com> "
	for _, tc := range []struct {
		text string
		kind promptKind
		line string
	}{
		{"output\nmx.example.com> ", mainPrompt, p},
		{"mx.example.com> ", mainPrompt, p},
		{"^Cmx.example.com> ", mainPrompt, p},
		{"x mx.example.com> ", noPrompt, ""},
		{"mx.example.com> \nmore", noPrompt, ""},
		{"out\n(Machine esa2.example.com)> ", mainPrompt, "(Machine esa2.example.com)> "},
		{"out\n(Cluster PVOCluster)> ", mainPrompt, "(Cluster PVOCluster)> "},
		{"Enter the remote port.\n[25]> ", subPrompt, "[25]> "},
		{"Choose:\n[]> ", subPrompt, "[]> "},
		{"Enter the remote hostname.\n[> ", subPrompt, "[> "},
		{"Enable? [Y]> ", subPrompt, "Enable? [Y]> "},
		{"[MEDIUM:HIGH:-aNULL]> ", subPrompt, "[MEDIUM:HIGH:-aNULL]> "},
		{"[2]> 1", noPrompt, ""},
		{"", noPrompt, ""},
		{"line\n", noPrompt, ""},
	} {
		kind, line := classify(tc.text, p)
		if kind != tc.kind || line != tc.line {
			t.Errorf("classify(%q) = %v %q, want %v %q", tc.text, kind, line, tc.kind, tc.line)
		}
	}
}

func TestLearnPrompt(t *testing.T) {
	for text, want := range map[string]string{
		"Welcome\nNOTE: idle\nmx.example.com> ":       "mx.example.com> ",
		"(Group Main_Group)> ":                        "(Group Main_Group)> ",
		"banner\nexample.com (SERVICE)> ":             "example.com (SERVICE)> ",
		"Choose:\n[1]> ":                              "",
		"Enable? [Y]> ":                               "",
		"Last login: x\n":                             "",
		"mx.example.com> \n":                          "",
		strings.Repeat("a", 121) + "> ":               "",
		"x\n" + strings.Repeat("a", 120) + "> ":       strings.Repeat("a", 120) + "> ",
		"Authorized use only. Type> carefully> now\n": "",
	} {
		got, ok := learnPrompt(text)
		if got != want || ok != (want != "") {
			t.Errorf("learnPrompt(%q) = %q %v, want %q", text, got, ok, want)
		}
	}
}

func TestDefaultOf(t *testing.T) {
	for line, want := range map[string]string{
		"[10000]> ":                           "10000",
		"[]> ":                                "",
		"[> ":                                 "",
		"Enable \"Possible Delivery\"? [Y]> ": "Y",
		"[MEDIUM:HIGH:-SSLv2]> ":              "MEDIUM:HIGH:-SSLv2",
		"[the.cpq.host]> ":                    "the.cpq.host",
		"[a] then [b]> ":                      "b",
		"[1]> 2":                              "",
		"no prompt":                           "",
	} {
		if got := DefaultOf(line); got != want {
			t.Errorf("DefaultOf(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestChooseByLabel(t *testing.T) {
	const ifaces = "Choose the default interface to deliver mail.\n" + fakeIfaces + "[2]> "
	const seed = "- 1. Auto**\n  2. In (192.168.1.1/24: mx.example.com)\n  3. Management (10.172.12.18/24: mgmt.example.com)\n"
	const methods = "1. SSL v2.\n2. SSL v3\n3. TLS v1/TLS v1.2\n4. SSL v2 and v3\n"
	const similar = "1. Data 1 (10.0.0.1/24: a)\n2. Data 10 (10.0.1.1/24: b)\n3. Data (10.0.2.1/24: c)\n"
	for _, tc := range []struct {
		menu, label, want, err string
	}{
		{ifaces, "Auto", "1", ""},
		{ifaces, "auto", "1", ""},
		{ifaces, "IN", "2", ""},
		{ifaces, "Management", "3", ""},
		{ifaces, "manage", "3", ""},
		{ifaces, "In (192.168.1.1/24: mx.example.com)", "2", ""},
		{seed, "Auto", "1", ""},
		{seed, "In", "2", ""},
		{methods, "SSL v2", "1", ""},
		{methods, "TLS v1/TLS v1.2", "3", ""},
		{methods, "SSL v", "", "ambiguous"},
		{similar, "Data 1", "1", ""},
		{similar, "Data", "3", ""},
		{ifaces, "Data 2", "", `no item "Data 2" in list (auto, in, management)`},
		{"no list here\n[]> ", "Auto", "", "no numbered list"},
		{ifaces, " ", "", "empty label"},
	} {
		got, err := ChooseByLabel(tc.menu, tc.label)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ChooseByLabel(%q) err = %v, want %q", tc.label, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ChooseByLabel(%q) = %q, %v, want %q", tc.label, got, err, tc.want)
		}
	}
}

func TestStripEcho(t *testing.T) {
	for _, tc := range []struct {
		text, sent string
		secret     bool
		rest       string
		st         echoState
	}{
		{"status\nout", "status", false, "out", echoStripped},
		{"stat", "status", false, "stat", echoNeedMore},
		{"status", "status", false, "status", echoNeedMore},
		{"status  \nout", "status", false, "out", echoStripped},
		{"Enter\n", "status", false, "Enter\n", echoAbsent},
		{"statusX\n", "status", false, "statusX\n", echoAbsent},
		{"\nmx> ", "", false, "mx> ", echoStripped},
		{"mx> ", "", false, "mx> ", echoAbsent},
		// A long command wraps at the terminal width.
		{"clusterconfig join host ad\nmin Main_Group\nout", "clusterconfig join host admin Main_Group", false, "out", echoStripped},
		{"\nnext", "pw", true, "next", echoStripped},
		{"****\nnext", "pw", true, "next", echoStripped},
		{"pw\nnext", "pw", true, "next", echoStripped},
		{"**", "pw", true, "**", echoNeedMore},
		{"Done.\n", "pw", true, "Done.\n", echoAbsent},
	} {
		rest, st := stripEcho(tc.text, tc.sent, tc.secret)
		if rest != tc.rest || st != tc.st {
			t.Errorf("stripEcho(%q, %q) = %q %v, want %q %v", tc.text, tc.sent, rest, st, tc.rest, tc.st)
		}
	}
}

func TestQuestion(t *testing.T) {
	seg := "Default interface to deliver mail: Auto\n\nChoose the operation you want to perform:\n- SETUP - Configure mail delivery.\n[]> "
	if q := question(seg); !strings.HasPrefix(q, "Choose the operation") {
		t.Fatalf("question = %q", q)
	}
	if q := question("\nEnable? [Y]> "); q != "Enable? [Y]> " {
		t.Fatalf("question = %q", q)
	}
}

func TestRestrictedLine(t *testing.T) {
	q := `This command is restricted to "machine" mode.  Would you like to switch to "machine" mode? [Y]> `
	if !isRestricted(q) {
		t.Fatal("not recognised")
	}
	if got := restrictedLine(q); got != `This command is restricted to "machine" mode.` {
		t.Fatalf("line %q", got)
	}
	if isRestricted("Would you like to continue? [Y]> ") {
		t.Fatal("plain yes/no taken for a restriction")
	}
}
