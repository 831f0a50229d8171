package sim

import (
	"regexp"
	"strings"
	"testing"
)

const esaPrompt = `mx\.example\.com> $`

func TestBuiltinScenariosLoad(t *testing.T) {
	names := Scenarios()
	want := []string{"beyond-multi", "case1-sma-offline", "case2-operator-account", "case3-delivery-interface", "case4-anonymous-ciphers",
		"case5-featurekey-mismatch", "case6-machine-level-filters", "cluster-anonymous-ciphers", "cluster-delivery-interface", "cluster-delivery-override", "cluster-two-esa", "exec-refused", "fix-releases", "healthy", "iaf-cluster-notice", "iaf-cluster-notice-yn", "iaf-notice-ctrl-c-creates", "iaf-paging-refused", "iaf-releases", "login-password-forced", "multi-cause",
		"pvo101-firewall-drop", "pvo101-port-moved", "pvo101-port-refused", "pvo102-not-managed", "pvo102-service-off",
		"pvo103-interface-mismatch", "pvo103-member-missing", "pvo104-release-auth-failure", "pvo105-transfers-suspended",
		"pvo106-esa-newer", "pvo106-old-releases", "pvo107-quota-full", "pvo108-local-messages", "pvo109-outbreak-expired",
		"site-95plus", "site-pre95", "telnet-hang"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("Scenarios() = %v, want %v", names, want)
	}
	for _, n := range names {
		sc, err := LoadScenario(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if sc.Name != n || sc.Description == "" || sc.SMA == nil || len(sc.ESAs) == 0 {
			t.Errorf("%s: incomplete scenario %+v", n, sc)
		}
	}
	if _, err := LoadScenario("no-such-scenario"); err == nil || !strings.Contains(err.Error(), "healthy") {
		t.Errorf("unknown name: err = %v, want one listing the built-ins", err)
	}
}

func TestExecBasics(t *testing.T) {
	site := startSite(t, "healthy", Options{})
	out := execOn(t, site, "mx.example.com", "version ; who ; whoami ; status")
	for _, want := range []string{
		"Current Version\n===============\nProduct: Cisco C100V Email Security Virtual Appliance\nModel: C100V\nVersion: 14.2.0-620\n",
		"\nadmin      Administrator   06:02PM      0s          127.0.0.1     CLI\n",
		"Username: admin\nFull Name: Administrator\nGroups: admin, operators, config, log, guest\n",
		"Enter \"status detail\" for more information.\n\n",
		"System status:        Online\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "> ") {
		t.Errorf("batch output shows a prompt:\n%s", out)
	}
	sma := execOn(t, site, "sma.example.com", "version")
	if !strings.Contains(sma, "Product: Cisco M100V Security Management Virtual Appliance\nModel: M100V\nVersion: 14.2.0-224\n") {
		t.Errorf("SMA version:\n%s", sma)
	}
}

func TestShellBannerPromptEcho(t *testing.T) {
	site := startSite(t, "case2-operator-account", Options{})
	tm := openTerm(t, site, "mx.example.com", 100)
	banner := tm.expect(esaPrompt)
	for _, want := range []string{
		"Authorized use only.", "Last login: Thu Nov 26 18:00:00 2026 from 127.0.0.1\r\n",
		"AsyncOS 14.2.0 for Cisco C100V build 620\r\n", "Welcome to the Cisco C100V Email Security Virtual Appliance\r\n",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%q", want, banner)
		}
	}
	if strings.Index(banner, "Authorized") > strings.Index(banner, "Last login") {
		t.Error("admin banner comes after Last login")
	}
	// Typing "whox", backspace, "ami": the echo shows the erase and the
	// command that runs is whoami.
	tm.send("whox\x7fami\r")
	got := tm.expect(esaPrompt)
	if !strings.HasPrefix(got, "whox\b \bami\r\n") {
		t.Errorf("echo = %q", got)
	}
	if !strings.Contains(got, "Username: pvoop\r\nFull Name: PVO Operator\r\nGroups: operators, config, log, guest\r\n") {
		t.Errorf("whoami as operator:\n%q", got)
	}
	got = tm.cmd("who", esaPrompt)
	if !regexp.MustCompile(`pvoop\s+Operator\s+06:02PM`).MatchString(got) {
		t.Errorf("who as operator:\n%q", got)
	}
	got = tm.cmd("frobnicate now", esaPrompt)
	if !strings.Contains(got, "Unknown command or missing feature key: frobnicate\r\n") {
		t.Errorf("unknown command: %q", got)
	}
}
