package sessionlog

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitPromptsAndCommands(t *testing.T) {
	in := strings.Join([]string{
		"Authorized use only.",                                // 1 banner
		"Last login: Thu Nov 26 18:00:00 2026 from 127.0.0.1", // 2
		"mx.example.com> status detail",                       // 3
		"System status:   Online",                             // 4
		"",                                                    // 5
		"mx.example.com> ",                                    // 6 bare prompt
		"(Cluster PVOCluster)> clusterconfig",                 // 7
		"Cluster PVOCluster",                                  // 8
		"[]> LIST",                                            // 9
		"(Machine esa1.example.com)> FeatureKey",              // 10
		"Module  Quantity",                                    // 11
		"(Group Main_Group)> grep \"port 7025\" mail_logs",                              // 12
		"Mon Apr 7 15:48:42 2014 Info: New SMTP DCID 1 interface a address b port 7025", // 13
		"esa1.example.com (Cluster PVOCluster)> who",                                    // 14
		"[1]> 2", // 15: a sub-prompt is output
		"2 > 1",  // 16: not a prompt
	}, "\n")
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	type brief struct {
		Prompt string
		Mode   Mode
		Host   string
		Line   int
		Name   string
		Args   []string
		Text   string
		Lines  []int
	}
	var got []brief
	for _, c := range cmds {
		got = append(got, brief{c.Prompt, c.Mode, c.Host, c.Line, c.Name, c.Args, c.Text, inputLines(c)})
	}
	want := []brief{
		{"mx.example.com>", Mode{}, "mx.example.com", 3, "status", []string{"detail"}, "System status:   Online", []int{4}},
		{"(Cluster PVOCluster)>", Mode{"cluster", "PVOCluster"}, "", 7, "clusterconfig", []string{}, "Cluster PVOCluster\n[]> LIST", []int{8, 9}},
		{"(Machine esa1.example.com)>", Mode{"machine", "esa1.example.com"}, "esa1.example.com", 10, "featurekey", []string{}, "Module  Quantity", []int{11}},
		{"(Group Main_Group)>", Mode{"group", "Main_Group"}, "", 12, "grep", []string{"port 7025", "mail_logs"},
			"Mon Apr 7 15:48:42 2014 Info: New SMTP DCID 1 interface a address b port 7025", []int{13}},
		{"esa1.example.com (Cluster PVOCluster)>", Mode{"cluster", "PVOCluster"}, "esa1.example.com", 14, "who", []string{}, "[1]> 2\n2 > 1", []int{15, 16}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if cmds[0].CommandLine() != "status detail" || cmds[0].InputLine(1) != 4 || cmds[0].InputLine(9) != 3 {
		t.Errorf("CommandLine/InputLine: %q %d %d", cmds[0].CommandLine(), cmds[0].InputLine(1), cmds[0].InputLine(9))
	}
}

func TestSplitRepeatedCommandsKeepOrder(t *testing.T) {
	cmds, err := SplitString("h> status\nSystem status: Offline\nh> resume\nok\nh> status\nSystem status: Online\nh> ")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name+"="+c.Text)
	}
	want := []string{"status=System status: Offline", "resume=ok", "status=System status: Online"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
}

func TestSplitTerminalLogger(t *testing.T) {
	in := "mx.example.com> vers\b\b\b\bversion\r\nVersion: 1\r\n-Press Any Key For More-\r\n\x1b[1mmx.example.com> \x1b[0mstatus\r\nSystem status: \x1b[32mOnline\x1b[0m\r\n"
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 2 || cmds[0].Name != "version" || cmds[0].Text != "Version: 1" ||
		cmds[1].Name != "status" || cmds[1].Text != "System status: Online" || cmds[1].Line != 4 {
		t.Errorf("got %+v", cmds)
	}
}

func TestSplitMarkdownPaste(t *testing.T) {
	in := "Some prose.\n\n```\nmx.example.com> tlsverify\n```\n\n```\nEnter the destination host. Append the port if you are not  \nconnecting on port 25:\n```\n\n```\n[> 10.1.1.1:7025\n```\n- 1. **Auto**\n- ```\nLast line  \nNew sentence\n```\n"
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "Enter the destination host. Append the port if you are not connecting on port 25:\n[> 10.1.1.1:7025\n- 1. Auto\nLast line\nNew sentence"
	if len(cmds) != 1 || cmds[0].Text != want {
		t.Fatalf("got %+v\nwant text %q", cmds, want)
	}
	if l := inputLines(cmds[0]); l[0] != 8 || l[1] != 13 {
		t.Errorf("text lines %v, want the wrapped line at 8 and the prompt at 13", l)
	}
}

func TestSplitNotASession(t *testing.T) {
	for _, in := range []string{"hello\nworld", "a > b\n[1]> 2\n2. In (x)", "mx.example.com> \nmx.example.com> "} {
		if _, err := SplitString(in); !errors.Is(err, ErrNoPrompt) {
			t.Errorf("SplitString(%q) error = %v, want ErrNoPrompt", in, err)
		}
	}
}

func TestSplitTooLarge(t *testing.T) {
	r := strings.NewReader(strings.Repeat("x", MaxSessionBytes+1))
	if _, err := Split(r); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "16 MB") {
		t.Errorf("error = %v, want a size error", err)
	}
}

// TestSplitSessionFiles checks every stored session splits into commands
// whose first word is a plain lower-case command name.
func TestSplitSessionFiles(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/sessions/*.log")
	if len(files) == 0 {
		t.Fatal("no session logs")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cmds, err := SplitString(string(b))
		if strings.Contains(f, "maillog") || strings.Contains(f, "headless-") {
			if !errors.Is(err, ErrNoPrompt) {
				t.Errorf("%s: a bare mail log or a paste of outputs has no prompt, got %v", f, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, c := range cmds {
			if c.Name != strings.ToLower(c.Name) || c.Line < 1 || c.TextLines() != strings.Count(c.Text, "\n")+1 && c.Text != "" {
				t.Errorf("%s: bad command %+v", f, c)
			}
		}
	}
}

// inputLines maps every line of c.Text to its input line.
func inputLines(c Command) []int {
	var l []int
	for i := 1; i <= c.TextLines(); i++ {
		l = append(l, c.InputLine(i))
	}
	return l
}

func TestLinesMatchTheSplittersNumbers(t *testing.T) {
	in := "a\r\nb\rc\n-Press Any Key For More-\r      \rd\nmx> status\nSystem status: Online"
	ls := Lines(in)
	if strings.Join(ls, "") != in {
		t.Fatalf("Lines does not rebuild its input: %q", ls)
	}
	cmds, err := SplitString(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := ls[cmds[0].Line-1]; got != "mx> status\n" {
		t.Errorf("line %d is %q, want the prompt", cmds[0].Line, got)
	}
	if got := ls[cmds[0].InputLine(1)-1]; got != "System status: Online" {
		t.Errorf("output line is %q", got)
	}
}
