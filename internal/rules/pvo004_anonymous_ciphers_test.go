package rules

import (
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/ciphers"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

func sslESA(method, ciphers string) *facts.Appliance {
	return &facts.Appliance{Role: facts.RoleESA, Hostname: "mx.example.com",
		SSL: &facts.SSLConfig{Era: "pre-9.5",
			Services: []facts.SSLService{
				{Name: "Inbound SMTP", Method: method, Ciphers: "RC4-SHA:RC4-MD5:ALL"},
				{Name: "Outbound SMTP", Method: method, Ciphers: ciphers},
			},
			Evidence: ev("sslconfig", "sslconfig settings:", "Inbound SMTP method:  "+method, "Inbound SMTP ciphers: RC4-SHA:RC4-MD5:ALL",
				"Outbound SMTP method:  "+method, "Outbound SMTP ciphers: "+ciphers)}}
}

var (
	seedTLS = &facts.TLSVerify{Domain: "the.cpq.host", Host: "10.172.12.18", Port: 7025, Connected: true,
		Protocol: "TLSv1", Cipher: "ADH-CAMELLIA256-SHA", NoCertificate: true, Failure: "verify error",
		Evidence: ev("tlsverify", "Connecting to 10.172.12.18 on port 7025.", "Connected to 10.172.12.18 from interface 10.172.12.17.",
			"Checking TLS connection.", "TLS connection established: protocol TLSv1, cipher ADH-CAMELLIA256-SHA.",
			"Verifying peer certificate.", "Certificate verification failed: no certificate from server.")}
	goodTLS = &facts.TLSVerify{Host: "10.172.12.18", Port: 7025, Connected: true, Protocol: "TLSv1.2",
		Cipher: "ECDHE-RSA-AES256-GCM-SHA384", Verified: true,
		Evidence: ev("tlsverify", "TLS connection established: protocol TLSv1.2, cipher ECDHE-RSA-AES256-GCM-SHA384.", "TLS certificate verified.")}
	refusedTLS = &facts.TLSVerify{Host: "10.172.12.18", Port: 7025,
		Evidence: ev("tlsverify", "Connection to 10.172.12.18 failed: Connection refused.")}
	seedMailLog = &facts.MailLog{Connections: []facts.PVOConnection{{DCID: "3385734", Address: "172.16.0.94", Port: 7025,
		TLS: "failed", TLSDetail: "verify error: no certificate from server",
		Lines: []string{"Mon Apr 7 15:48:42 2014 Info: New SMTP DCID 3385734 interface 172.16.0.179 address 172.16.0.94 port 7025",
			"Mon Apr 7 15:48:42 2014 Info: DCID 3385734 TLS failed: verify error: no certificate from server"}}}}
)

const (
	seedReason  = "ALL (token 3) admits aNULL suites such as ADH-AES256-SHA and no later -aNULL or !aNULL removes them"
	fixedReason = "-aNULL (token 4) removes the aNULL suites earlier tokens added and no later token re-adds them"
)

func TestAnonymousCiphers(t *testing.T) {
	with := func(a *facts.Appliance, tv *facts.TLSVerify, ml *facts.MailLog) *facts.Site {
		a.TLSVerify, a.MailLog = tv, ml
		return &facts.Site{ESAs: []*facts.Appliance{a}, PVOHost: "10.172.12.18", PVOPort: 7025}
	}
	seed := func() *facts.Appliance { return sslESA("sslv3tlsv1", "RC4-SHA:RC4-MD5:ALL") }
	fixed := func() *facts.Appliance {
		return sslESA("sslv3tlsv1", "HIGH:MEDIUM:ALL:-aNULL:-SSLv2")
	}
	bare := func() *facts.Appliance { return &facts.Appliance{Role: facts.RoleESA, Hostname: "mx.example.com"} }
	otherPort := *goodTLS
	otherPort.Port = 25
	noCipher := *goodTLS
	noCipher.Cipher = ""

	runCases(t, anonymousCiphers(), []ruleCase{
		{"seed: ADH negotiated and ALL admits aNULL", with(seed(), seedTLS, seedMailLog), []want{{
			app: "mx.example.com", status: StatusFail,
			summary: []string{"anonymous cipher ADH-CAMELLIA256-SHA", "no certificate", "RC4-SHA:RC4-MD5:ALL admit anonymous suites", "ALL (token 3)"},
			lines: []string{"Outbound SMTP ciphers: RC4-SHA:RC4-MD5:ALL", "TLS connection established: protocol TLSv1, cipher ADH-CAMELLIA256-SHA.",
				"Certificate verification failed: no certificate from server.",
				"Mon Apr 7 15:48:42 2014 Info: DCID 3385734 TLS failed: verify error: no certificate from server"},
			fix: string(FixOutboundCiphers)}}},
		{"ciphers admit aNULL, no tlsverify", with(seed(), nil, nil), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"admit anonymous suites"}, fix: string(FixOutboundCiphers)}}},
		{"fixed ciphers and a verified tlsverify", with(fixed(), goodTLS, nil), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"exclude anonymous suites", "-aNULL (token 4)", "ECDHE-RSA-AES256-GCM-SHA384 with a certificate"},
			lines: []string{"Outbound SMTP ciphers: HIGH:MEDIUM:ALL:-aNULL:-SSLv2", "TLS certificate verified."}}}},
		{"fixed ciphers, tlsverify not collected", with(fixed(), nil, nil), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"exclude anonymous suites"}}}},
		{"fixed ciphers, tlsverify cannot connect is case 3's", with(fixed(), refusedTLS, nil), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"could not connect", "PVO-003"}}}},
		{"fixed ciphers, old mail-log failures are history", with(fixed(), goodTLS, seedMailLog), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"history"},
			lines: []string{"Mon Apr 7 15:48:42 2014 Info: DCID 3385734 TLS failed: verify error: no certificate from server"}}}},
		{"fixed ciphers but ADH still negotiated", with(fixed(), seedTLS, nil), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"ADH-CAMELLIA256-SHA"}, fix: "manual"}}},
		{"undecidable cipher string", with(sslESA("", "HIGH:-aNULL:FOO"), nil, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"cannot be told", "FOO (token 3)", "run `sslconfig` → VERIFY"}}}},
		{"tlsverify connected without a cipher", with(fixed(), &noCipher, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"no negotiated cipher", "run `tlsverify`"}}}},
		{"tlsverify to another port is ignored", with(fixed(), &otherPort, nil), []want{{
			app: "mx.example.com", status: StatusPass}}},
		{"only mail logs: no certificate", with(bare(), nil, seedMailLog), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"mail_logs", "DCID 3385734", "run `sslconfig` and `tlsverify`"},
			lines: []string{"Mon Apr 7 15:48:42 2014 Info: New SMTP DCID 3385734 interface 172.16.0.179 address 172.16.0.94 port 7025"},
			fix:   string(FixOutboundCiphers)}}},
		{"only mail logs: no failure", with(bare(), nil, &facts.MailLog{Connections: []facts.PVOConnection{{DCID: "1", Port: 7025, TLS: "success"}}}), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"show no certificate failure", "run `sslconfig` and `tlsverify` to 10.172.12.18:7025"}}}},
		{"nothing collected", with(bare(), nil, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `sslconfig` and `tlsverify`"}}}},
		{"tlsverify only, authenticated", with(bare(), goodTLS, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"run `sslconfig` on mx.example.com"}}}},
		{"sslconfig without outbound", with(&facts.Appliance{Role: facts.RoleESA, Hostname: "mx.example.com",
			SSL: &facts.SSLConfig{Services: []facts.SSLService{{Name: "GUI HTTPS"}}, Evidence: ev("sslconfig", "GUI HTTPS method: tlsv1")}}, nil, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"no Outbound SMTP ciphers"}}}},
		{"no ESA", &facts.Site{}, []want{{app: "ESA", status: StatusUnknown, summary: []string{"run `sslconfig`"}}}},
		// Issue 14: a paste cut after "RC4-SHA:RC4-MD5" (the real value
		// ends ":ALL") reads as a string without aNULL.
		{"sslconfig cut short", with(cut(sslESA("sslv3tlsv1", "RC4-SHA:RC4-MD5")), nil, nil), []want{{
			app: "mx.example.com", status: StatusUnknown,
			summary: []string{"`sslconfig` output on mx.example.com was cut short (no prompt after it)", "run `sslconfig` on mx.example.com"}}}},
		{"sslconfig cut short, tlsverify proves anonymous", with(cut(fixed()), seedTLS, nil), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"ADH-CAMELLIA256-SHA", "Not yet known: the `sslconfig` output"}, fix: "manual"}}},
		// A pasted session that edited sslconfig: what runs is what it
		// showed before the edit, until a commit.
		{"safe ciphers entered, not committed", with(staged(seed(), "HIGH:MEDIUM:ALL:-aNULL:-SSLv2"), seedTLS, nil), []want{{
			app: "mx.example.com", status: StatusFail,
			summary: []string{"RC4-SHA:RC4-MD5:ALL admit anonymous suites", "entered the outbound ciphers HIGH:MEDIUM:ALL:-aNULL:-SSLv2, but no commit shows them applied"},
			lines:   []string{"Outbound SMTP ciphers: RC4-SHA:RC4-MD5:ALL", "Outbound SMTP ciphers: HIGH:MEDIUM:ALL:-aNULL:-SSLv2"},
			fix:     string(FixOutboundCiphers)}}},
		{"anonymous ciphers entered, not committed", with(staged(fixed(), "ALL"), nil, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"exclude anonymous suites, but the session entered ALL (admit aNULL: yes)", "run `sslconfig`"},
			lines: []string{"Outbound SMTP ciphers: ALL"}}}},
		{"undecidable ciphers entered, not committed", with(staged(fixed(), "HIGH:-aNULL:FOO"), goodTLS, nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"admit aNULL: unknown"}}}},
		{"other safe ciphers entered, not committed", with(staged(fixed(), "HIGH:!aNULL"), goodTLS, nil), []want{{
			app: "mx.example.com", status: StatusPass, summary: []string{"HIGH:!aNULL entered in the session, with no commit shown, exclude them too"}}}},
		{"an anonymous tlsverify before a committed cipher change is history", with(fixed(), superseded(seedTLS), nil), []want{{
			app: "mx.example.com", status: StatusPass,
			summary: []string{"exclude anonymous suites", "which negotiated the anonymous cipher ADH-CAMELLIA256-SHA", "is history: it ran before", "run `tlsverify` to 10.172.12.18:7025 again"},
			lines:   []string{"TLS connection established: protocol TLSv1, cipher ADH-CAMELLIA256-SHA."}}}},
		{"a superseded tlsverify does not pass what the ciphers fail", with(seed(), superseded(goodTLS), nil), []want{{
			app: "mx.example.com", status: StatusFail, summary: []string{"RC4-SHA:RC4-MD5:ALL admit anonymous suites"}, fix: string(FixOutboundCiphers)}}},
		{"a superseded tlsverify with undecidable ciphers stays unknown", with(sslESA("", "HIGH:-aNULL:FOO"), superseded(goodTLS), nil), []want{{
			app: "mx.example.com", status: StatusUnknown, summary: []string{"cannot be told"}}}},
	})
}

// staged is a with outbound ciphers entered in sslconfig and not committed.
func staged(a *facts.Appliance, ciphers string) *facts.Appliance {
	out := *a.SSL.Service("outbound")
	out.Ciphers = ciphers
	a.SSL.Staged = &facts.SSLConfig{Era: a.SSL.Era, Services: []facts.SSLService{out},
		Evidence: ev("sslconfig", "sslconfig settings:", "Outbound SMTP method:  "+out.Method, "Outbound SMTP ciphers: "+ciphers)}
	return a
}

// superseded is tv run before a committed outbound cipher change.
func superseded(tv *facts.TLSVerify) *facts.TLSVerify {
	c := *tv
	c.Superseded = "it ran before the outbound ciphers were changed and committed (line 80)"
	return &c
}

func cut(a *facts.Appliance) *facts.Appliance {
	a.SSL.Incomplete = "no prompt after it"
	return a
}

func TestAnonymousCiphersFixKeepsTheMethod(t *testing.T) {
	a := sslESA("sslv3tlsv1", "RC4-SHA:RC4-MD5:ALL")
	got, _ := anonymousCiphers().Check(&facts.Site{ESAs: []*facts.Appliance{a}})
	fx := got[0].Fix
	if fx == nil || fx.Params["ciphers"] != "HIGH:MEDIUM:ALL:-aNULL:-SSLv2" || fx.Params["method"] != "sslv3tlsv1" {
		t.Fatalf("fix %+v, want ciphers HIGH:MEDIUM:ALL:-aNULL:-SSLv2 and method sslv3tlsv1", fx)
	}
	if fx.Steps[0] != "sslconfig" || fx.Steps[1] != "OUTBOUND" || fx.Steps[len(fx.Steps)-1] != "commit" {
		t.Errorf("steps %q", fx.Steps)
	}
	// The rule's own fix must not have been changed by the finding's copy.
	if m := anonymousCiphers().Fix.Params["method"]; m != "" {
		t.Errorf("rule fix method %q, want empty", m)
	}
}

func TestAnonymousCiphersQuotesNineFiveTokenLines(t *testing.T) {
	a := &facts.Appliance{Role: facts.RoleESA, Hostname: "mx.example.com",
		SSL: &facts.SSLConfig{Era: "9.5+", Services: []facts.SSLService{{Name: "Outbound SMTP", Method: "tlsv1/tlsv1.2",
			Ciphers: "MEDIUM:HIGH:-SSLv2:-aNULL:@STRENGTH"}},
			Evidence: ev("sslconfig", "Inbound SMTP ciphers:", "MEDIUM", "Outbound SMTP method:  tlsv1/tlsv1.2", "Outbound SMTP ciphers:",
				"MEDIUM", "HIGH", "-SSLv2", "-aNULL", "@STRENGTH", "Currently enabled protocol(s) for Outbound SMTP are TLSv1.1, TLSv1.2.", "GUI HTTPS ciphers:", "ALL")}}
	got, _ := anonymousCiphers().Check(&facts.Site{ESAs: []*facts.Appliance{a}})
	want := []string{"Outbound SMTP method:  tlsv1/tlsv1.2", "Outbound SMTP ciphers:", "MEDIUM", "HIGH", "-SSLv2", "-aNULL", "@STRENGTH"}
	lines := got[0].Evidence[0].Lines
	if len(lines) != len(want) {
		t.Fatalf("quoted %q, want %q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d %q, want %q", i, lines[i], want[i])
		}
	}
}

// The rule proposes the one safe string the fix types.
func TestOneSafeCipherString(t *testing.T) {
	fx := anonymousCiphers().Fix
	if fx.Params["ciphers"] != ciphers.SafeOutbound || !strings.Contains(fx.Summary, ciphers.SafeOutbound) {
		t.Errorf("fix %+v does not set %s", fx, ciphers.SafeOutbound)
	}
}
