package cli

import (
	"strings"
	"testing"
)

func TestRulesList(t *testing.T) {
	ios, _, out, errOut := Test()
	if code := Run(ios, []string{"rules"}); code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "LOOKS AT") {
		t.Errorf("header %q", lines[0])
	}
	for i, want := range []string{"PVO-001  1     critical  auto", "PVO-002  2     high      manual", "PVO-003  3     high      auto",
		"PVO-004  4     high      auto", "PVO-005  5     medium    manual", "PVO-006  6     medium    manual",
		"PVO-101  -     high      manual", "PVO-102  -     high      manual", "PVO-103  -     medium    manual",
		"PVO-104  -     high      manual", "PVO-105  -     high      named", "PVO-106  -     high      manual",
		"PVO-107  -     medium    manual", "PVO-108  -     low       manual", "PVO-109  -     medium    manual"} {
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("row %d %q, want prefix %q", i+1, lines[i+1], want)
		}
	}
	for _, want := range []string{"SMA is online", "SMA: status", "ESA: sslconfig (Outbound SMTP ciphers)", "featurekey"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q", want)
		}
	}
}

func TestRulesExplain(t *testing.T) {
	ios, _, out, errOut := Test()
	if code := Run(ios, []string{"rules", "pvo-004"}); code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	got := out.String()
	for _, want := range []string{
		"PVO-004  Outbound TLS to the SMA uses no anonymous cipher\n",
		"case 4, severity high, fix automatic with --fix",
		"Looks at:\n  - ESA: sslconfig (Outbound SMTP ciphers)\n  - ESA: tlsverify to SMA:7025\n",
		"Passes when:", "Fails when:", "Unknown when:",
		"  1. sslconfig\n  2. OUTBOUND\n",
		"HIGH:MEDIUM:ALL:-aNULL:-SSLv2",
		"commit\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("explanation lacks %q:\n%s", want, got)
		}
	}
	for i, l := range strings.Split(got, "\n") {
		if len(l) > 78 && strings.Contains(strings.TrimSpace(l), " ") {
			t.Errorf("line %d is %d wide: %q", i+1, len(l), l)
		}
	}
}

func TestRulesExplainNamedFix(t *testing.T) {
	ios, _, out, errOut := Test()
	if code := Run(ios, []string{"rules", "PVO-105"}); code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out.String(), "fix automatic only when named: --fix-rule PVO-105") || !strings.Contains(out.String(), "resumetransfers") {
		t.Errorf("PVO-105 explanation:\n%s", out)
	}
}

func TestRulesUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"rules", "PVO-999"}, {"rules", "PVO-001", "PVO-002"}} {
		ios, _, out, errOut := Test()
		if code := Run(ios, args); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, ExitUsage)
		}
		if out.Len() != 0 {
			t.Errorf("%q: stdout %q, want nothing", args, out)
		}
		if args[1] == "PVO-999" && !strings.Contains(errOut.String(), `unknown rule "PVO-999" (valid: PVO-001, PVO-002, PVO-003, PVO-004, PVO-005, PVO-006, PVO-101, `) {
			t.Errorf("stderr %q does not name the valid IDs", errOut)
		}
	}
}

func TestRulesOptions(t *testing.T) {
	ios, _, _, _ := Test()
	var got *RulesOptions
	cmd := NewCmdRules(ios, func(o *RulesOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"PVO-003"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.ID != "PVO-003" || got.IO != ios {
		t.Errorf("options %+v", got)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc ddd", "  1. ", 12)
	want := "  1. aaa bbb\n     ccc ddd\n"
	if got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
}
