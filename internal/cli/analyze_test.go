package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
)

func TestAnalyzeFlags(t *testing.T) {
	ios, _, _, _ := Test()
	var got *AnalyzeOptions
	cmd := NewCmdAnalyze(ios, func(o *AnalyzeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--esa", "a.log", "--esa", "b,c.log", "--sma", "s.log",
		"--mail-log", "mx1=m1", "--mail-log", "m2", "--format", "json", "--report", "r.md"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.ESAFiles, "|") != "a.log|b,c.log" || got.SMAFile != "s.log" {
		t.Errorf("sessions = %q, %q", got.ESAFiles, got.SMAFile)
	}
	if strings.Join(got.MailLogs, "|") != "mx1=m1|m2" {
		t.Errorf("mail logs = %q", got.MailLogs)
	}
	if got.PVOPort != 7025 || got.Color != "auto" || got.Format != "json" || strings.Join(got.Reports, ",") != "r.md" {
		t.Errorf("options = %+v", got)
	}
}

func TestVerdictExitCode(t *testing.T) {
	f := func(ss ...rules.Status) rules.Result {
		var r rules.Result
		for _, s := range ss {
			r.Findings = append(r.Findings, rules.Finding{ID: "PVO-001", Status: s})
		}
		return r
	}
	clean := &facts.Site{SMA: &facts.Appliance{}, ESAs: []*facts.Appliance{{}}}
	broken := &facts.Site{ESAs: []*facts.Appliance{{}, {Errors: []facts.CollectError{{Step: "ssh", Message: "refused"}}}}}
	brokenSMA := &facts.Site{SMA: &facts.Appliance{Errors: []facts.CollectError{{Step: "status"}}}}
	for _, c := range []struct {
		name string
		res  rules.Result
		site *facts.Site
		want int
	}{
		{"all pass", f(rules.StatusPass, rules.StatusNotApplicable), clean, ExitOK},
		{"a fail", f(rules.StatusPass, rules.StatusFail, rules.StatusUnknown), clean, ExitFailed},
		{"fail beats errors", f(rules.StatusFail), broken, ExitFailed},
		{"unknown", f(rules.StatusPass, rules.StatusUnknown), clean, ExitIncomplete},
		{"ESA error", f(rules.StatusPass), broken, ExitIncomplete},
		{"SMA error", f(rules.StatusPass), brokenSMA, ExitIncomplete},
		{"no findings", rules.Result{}, clean, ExitIncomplete},
		{"odd status", f("maybe"), clean, ExitIncomplete},
		{"nil site", f(rules.StatusPass), nil, ExitOK},
	} {
		if got := verdictExitCode(c.res, c.site); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

func TestColorEnabled(t *testing.T) {
	for _, c := range []struct {
		mode       string
		noColor    bool
		tty, wants bool
	}{
		{"auto", false, true, true},
		{"auto", true, true, false},
		{"auto", false, false, false},
		{"always", true, false, true},
		{"never", false, true, false},
	} {
		if got := colorEnabled(c.mode, c.noColor, c.tty); got != c.wants {
			t.Errorf("colorEnabled(%q, NO_COLOR=%v, tty=%v) = %v", c.mode, c.noColor, c.tty, got)
		}
	}
}

// fakePipeline stands in for the parsers and rules: each session file's
// first line is the hostname, and the rules report what they were given.
func fakePipeline(opts *AnalyzeOptions, status rules.Status, seen **facts.Site) {
	opts.fromSession = func(name string, r io.Reader, role facts.Role) (*facts.Appliance, error) {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(string(b), "\n") {
			return nil, errors.New("not an AsyncOS session\nsecond line")
		}
		if strings.HasPrefix(string(b), "named") {
			return nil, fmt.Errorf("%s: no prompt found", name)
		}
		return &facts.Appliance{Hostname: strings.TrimSpace(string(b))}, nil
	}
	opts.scanMailLog = func(r io.Reader, port int) (*facts.MailLog, error) {
		b, _ := io.ReadAll(r)
		return &facts.MailLog{Connections: []facts.PVOConnection{{DCID: strings.TrimSpace(string(b)), Port: port}}}, nil
	}
	opts.runRules = func(site *facts.Site) rules.Result {
		*seen = site
		return rules.Result{Findings: []rules.Finding{{ID: "PVO-001", Status: status, Appliance: site.PVOHost}}}
	}
	opts.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAnalyzeRunPipeline(t *testing.T) {
	dir := writeFiles(t, map[string]string{"mx1": "mx1.example.com\n", "mx2": "mx2.example.com\n", "sma": "sma.example.com\n", "m1": "111\n", "m2": "222\n"})
	p := func(n string) string { return filepath.Join(dir, n) }
	ios, _, out, _ := Test()
	opts := &AnalyzeOptions{IO: ios, ESAFiles: []string{p("mx1"), p("mx2")}, SMAFile: p("sma"),
		MailLogs: []string{"mx2.example.com=" + p("m1"), "mx2.example.com=" + p("m2")},
		PVOPort:  7026, reportFlags: reportFlags{Format: "json", Reports: []string{p("out.md")}, Color: "always"}}
	var site *facts.Site
	fakePipeline(opts, rules.StatusFail, &site)
	err := analyzeRun(opts)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != ExitFailed || ee.Err != nil {
		t.Fatalf("err = %v, want a silent exit 1", err)
	}
	if site.PVOHost != "sma.example.com" || site.PVOPort != 7026 {
		t.Errorf("PVO address = %s:%d", site.PVOHost, site.PVOPort)
	}
	if site.ESAs[0].MailLog != nil || site.ESAs[1].MailLog == nil || len(site.ESAs[1].MailLog.Connections) != 2 {
		t.Errorf("mail logs attached wrong: %+v, %+v", site.ESAs[0].MailLog, site.ESAs[1].MailLog)
	}
	if site.ESAs[0].Address != p("mx1") || site.ESAs[0].Role != facts.RoleESA || site.SMA.Role != facts.RoleSMA {
		t.Errorf("appliance identity not filled in: %+v", site.ESAs[0])
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out)
	}
	if rep["mode"] != "analyze" || rep["started_at"] != "2026-01-02T03:04:05Z" {
		t.Errorf("report meta = %v, %v", rep["mode"], rep["started_at"])
	}
	md, err := os.ReadFile(p("out.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "# pvo-doctor report: 1 fail") || strings.Contains(string(md), "\x1b") {
		t.Errorf("--report out.md is not an uncoloured Markdown report:\n%s", md)
	}
}

func TestAnalyzeRunOptions(t *testing.T) {
	dir := writeFiles(t, map[string]string{"mx1": "mx1.example.com\n", "bad": "no newline", "named": "named\n"})
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, c := range []struct {
		name     string
		opts     AnalyzeOptions
		status   rules.Status
		wantCode int
		wantErr  string
		check    func(t *testing.T, site *facts.Site, out string)
	}{
		{name: "pass, explicit PVO host", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, SMAPVOHost: "10.0.0.9", PVOPort: 7025, reportFlags: reportFlags{Color: "never"}},
			status: rules.StatusPass, wantCode: ExitOK,
			check: func(t *testing.T, site *facts.Site, out string) {
				if site.PVOHost != "10.0.0.9" || site.SMA != nil {
					t.Errorf("site = %+v", site)
				}
				if !strings.Contains(out, "PASS     PVO-001") || strings.Contains(out, "\x1b") {
					t.Errorf("stdout is not plain text:\n%s", out)
				}
			}},
		{name: "PVO host with port, as check reads it", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, SMAPVOHost: "sma.example.com:7026", PVOPort: 7025},
			status: rules.StatusPass, check: func(t *testing.T, site *facts.Site, _ string) {
				if site.PVOHost != "sma.example.com" || site.PVOPort != 7026 {
					t.Errorf("PVO endpoint = %s:%d, want sma.example.com:7026", site.PVOHost, site.PVOPort)
				}
			}},
		{name: "bare IPv6 PVO host keeps 7025", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, SMAPVOHost: "2001:db8::18", PVOPort: 7025},
			status: rules.StatusPass, check: func(t *testing.T, site *facts.Site, _ string) {
				if site.PVOHost != "2001:db8::18" || site.PVOPort != 7025 {
					t.Errorf("PVO endpoint = %s:%d, want 2001:db8::18 port 7025", site.PVOHost, site.PVOPort)
				}
			}},
		{name: "deprecated --pvo-port gives a bare host its port", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, SMAPVOHost: "[2001:db8::18]", PVOPort: 7026},
			status: rules.StatusPass, check: func(t *testing.T, site *facts.Site, _ string) {
				if site.PVOHost != "2001:db8::18" || site.PVOPort != 7026 {
					t.Errorf("PVO endpoint = %s:%d, want 2001:db8::18 port 7026", site.PVOHost, site.PVOPort)
				}
			}},
		{name: "--pvo-port alone", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, PVOPort: 7026},
			status: rules.StatusPass, check: func(t *testing.T, site *facts.Site, _ string) {
				if site.PVOPort != 7026 {
					t.Errorf("PVO port = %d, want 7026", site.PVOPort)
				}
			}},
		{name: "two different ports", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, SMAPVOHost: "sma:7027", PVOPort: 7026},
			wantCode: ExitUsage, wantErr: "--sma-pvo-host sma:7027 and --pvo-port 7026 name different ports"},
		{name: "unknown is 3", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, PVOPort: 7025}, status: rules.StatusUnknown, wantCode: ExitIncomplete},
		{name: "always colours text", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, PVOPort: 7025, reportFlags: reportFlags{Color: "always"}}, status: rules.StatusPass,
			check: func(t *testing.T, _ *facts.Site, out string) {
				if !strings.Contains(out, "\x1b[") {
					t.Errorf("--color always gave no colour:\n%q", out)
				}
			}},
		{name: "not a session", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, SMAFile: p("bad"), PVOPort: 7025},
			wantCode: ExitUsage, wantErr: "sma session " + p("bad") + ": not an AsyncOS session"},
		{name: "parser names the file", opts: AnalyzeOptions{ESAFiles: []string{p("named")}, PVOPort: 7025},
			wantCode: ExitUsage, wantErr: "esa session " + p("named") + ": no prompt found"},
		{name: "report file unwritable", opts: AnalyzeOptions{ESAFiles: []string{p("mx1")}, PVOPort: 7025, reportFlags: reportFlags{Reports: []string{p("nodir/r.json")}}},
			status: rules.StatusPass, wantCode: ExitUsage, wantErr: "--report: directory " + p("nodir")},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, out, _ := Test()
			opts := c.opts
			opts.IO = ios
			var site *facts.Site
			fakePipeline(&opts, c.status, &site)
			err := analyzeRun(&opts)
			code := ExitOK
			var ee *ExitError
			switch {
			case errors.As(err, &ee):
				code = ee.Code
			case err != nil:
				code = -1
			}
			if code != c.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, c.wantCode)
			}
			if c.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %q, want one line starting %q", err, c.wantErr)
				}
				return
			}
			if c.check != nil {
				c.check(t, site, out.String())
			}
		})
	}
}
