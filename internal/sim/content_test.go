package sim

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCipherEvaluatorOpenSSLOrder(t *testing.T) {
	for _, tc := range []struct {
		spec string
		anon bool
	}{
		{"RC4-SHA:RC4-MD5:ALL", true},
		{"HIGH:MEDIUM:ALL:-aNULL:-SSLv2", false},
		{"HIGH:MEDIUM:-aNULL:ALL", true},  // a later ALL re-adds what -aNULL removed
		{"HIGH:MEDIUM:!aNULL:ALL", false}, // ! removes for good
		{"MEDIUM:HIGH:-SSLv2:-aNULL:!RC4:@STRENGTH:-EXPORT", false},
		{"ECDH+aRSA:ECDH+ECDSA:DHE+DSS+AES:AES128-SHA:AES256-SHA:!aNULL:!eNULL:!EXPORT:!3DES:!RC4", false},
		{"ECDH", true}, // ECDH includes anonymous AECDH
		{"EECDH", false},
		{"kEDH", true},
		{"EDH", false},
		{"DEFAULT", false},
		{"DEFAULT:ADH-AES256-SHA", false}, // DEFAULT bans aNULL with '!'
		{"ADH-CAMELLIA256-SHA", true},
		{"AES256-SHA", false},
		{"NOSUCHALIAS", false},
		{"ALL:-ADH:-AECDH", false},
	} {
		if got := admitsANULL(tc.spec); got != tc.anon {
			t.Errorf("admitsANULL(%q) = %v, want %v", tc.spec, got, tc.anon)
		}
	}
	if l := evalCiphers("RC4-MD5:RC4-SHA:+RC4-MD5"); len(l) != 2 || l[1].name != "RC4-MD5" {
		t.Errorf("+ did not move RC4-MD5 last: %v", l)
	}
	if l := evalCiphers("RC4-MD5:AES256-SHA:@STRENGTH"); l[0].name != "AES256-SHA" {
		t.Errorf("@STRENGTH did not sort: %v", l)
	}
	// The seed's negotiation: TLSv1 era, SMA offering ADH.
	if c, ok := negotiate("RC4-SHA:RC4-MD5:ALL", false, true, true); !ok || c.name != "ADH-CAMELLIA256-SHA" {
		t.Errorf("seed negotiation = %v %v", c.name, ok)
	}
	if c, ok := negotiate("HIGH:MEDIUM:ALL:-aNULL:-SSLv2", true, true, true); !ok || c.anonymous() {
		t.Errorf("fixed ciphers negotiated %v %v", c.name, ok)
	}
	if _, ok := negotiate("ADH-AES256-SHA", true, false, true); ok {
		t.Error("an anonymous-only client negotiated with a server that offers none")
	}
}

func TestScenarioErrorsNameFileAndLine(t *testing.T) {
	base := func(extra string) string {
		return "sma:\n  hostname: sma.example.com\n  interfaces:\n    - {name: Management, address: 10.0.0.2/24}\n" +
			"esas:\n  - hostname: mx.example.com\n    interfaces:\n      - {name: In, address: 10.0.0.1/24}\n" + extra
	}
	for _, tc := range []struct{ yaml, want string }{
		{"sma: [\n", `:2: did not find expected node content|:1: `},
		{base("    colour: blue\n"), `:9: field colour not found`},
		{base("    reach: {In: maybe}\n"), `:9: reach "maybe" is not one of`},
		{base("    reach: {Out: connect}\n"), `:9: reach names unknown interface "Out"`},
		{base("    version: 14.2\n"), `:9: version "14.2" is not major.minor.patch-build`},
		{base("    delivery: {interface: Data 2}\n"), `:9: delivery interface "Data 2"`},
		{base("    status: Sleepy\n"), `:9: status "Sleepy"`},
		{base("    delivery: {max_concurrency: many}\n"), `:9: cannot unmarshal`},
		{base("cluster:\n  name: C\n  groups:\n    - {name: G, machines: [mx.example.com, nosuch.example.com]}\n"), `:12: cluster machine nosuch.example.com is not an esa`},
		{base("cluster:\n  name: C\n  levels:\n    dlp: [machine nosuch]\n"), `:12: level "machine nosuch" names no machine`},
		{base("cluster:\n  name: C\n  levels:\n    spam: [cluster]\n"), `:12: unknown setting "spam"`},
		{"esas: []\n", `missing sma`},
		{"", `empty scenario`},
	} {
		file := filepath.Join(t.TempDir(), "bad.yaml")
		if err := os.WriteFile(file, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadScenario(file)
		if err == nil {
			t.Errorf("accepted:\n%s", tc.yaml)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, file+":") || !regexp.MustCompile(tc.want).MatchString(msg) || strings.Contains(msg, "\n") {
			t.Errorf("error %q, want %s prefix and /%s/ on one line", msg, file, tc.want)
		}
	}
	good := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(good, []byte(base("")), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := LoadScenario(good)
	if err != nil || sc.Name != "mine" || sc.PVOPort != 7025 || sc.ESAs[0].Delivery.Interface != "Auto" {
		t.Errorf("minimal scenario: %+v, %v", sc, err)
	}
}

func TestSSLConfigEras(t *testing.T) {
	pre := startSite(t, "site-pre95", Options{})
	out := execOn(t, pre, "mx.example.com", "sslconfig")
	want := "sslconfig settings:\nGUI HTTPS method:  sslv3tlsv1\nGUI HTTPS ciphers: RC4-SHA:RC4-MD5:ALL\n" +
		"Inbound SMTP method:  sslv3tlsv1\nInbound SMTP ciphers: RC4-SHA:RC4-MD5:ALL\n" +
		"Outbound SMTP method:  sslv3tlsv1\nOutbound SMTP ciphers: HIGH:MEDIUM:ALL:-aNULL:-SSLv2\n\n" +
		"Choose the operation you want to perform:\n- GUI - Edit GUI HTTPS ssl settings.\n- INBOUND - Edit Inbound SMTP ssl settings.\n" +
		"- OUTBOUND - Edit Outbound SMTP ssl settings.\n- VERIFY - Verify and show ssl cipher list.\n[]> "
	if !strings.HasPrefix(out, want) {
		t.Errorf("pre-9.5 sslconfig:\n%s\nwant prefix:\n%s", out, want)
	}
	tm := openTerm(t, pre, "mx.example.com", 200)
	tm.expect(esaPrompt)
	tm.cmd("sslconfig", `\[\]> $`)
	got := tm.cmd("OUTBOUND", `\[5\]> $`)
	if !strings.Contains(got, "1. SSL v2.\r\n2. SSL v3\r\n3. TLS v1\r\n4. SSL v2 and v3\r\n5. SSL v3 and TLS v1\r\n6. SSL v2, v3 and TLS v1\r\n") {
		t.Errorf("pre-9.5 methods:\n%s", got)
	}
	tm.cmd("", `\[HIGH:MEDIUM:ALL:-aNULL:-SSLv2\]> $`)
	tm.cmd("", `\[\]> $`)
	got = tm.cmd("VERIFY", `\[\]> $`)
	got = tm.cmd("ADH", `\[\]> $`)
	if !strings.Contains(got, "ADH-CAMELLIA256-SHA            SSLv3   Kx=DH    Au=None  Enc=CAMELLIA(256)") || strings.Contains(got, "ECDHE-RSA") {
		t.Errorf("VERIFY ADH:\n%s", got)
	}
	tm.cmd("", esaPrompt)
	tm.cmd("commit", `\[\]> $`)
	if got := tm.cmd("same values", esaPrompt); strings.Contains(got, "rollback") || !strings.Contains(got, "Changes committed") {
		t.Errorf("9.1 asked about rollback:\n%s", got)
	}
	if out := execOn(t, pre, "mx.example.com", "deliveryconfig"); strings.Contains(out, "TLS maximum") {
		t.Errorf("9.1 deliveryconfig shows TLS concurrency:\n%s", out)
	}
	if out := execOn(t, pre, "mx.example.com", "tlsverify the.cpq.host sma.example.com:7025"); !strings.Contains(out, "protocol TLSv1, cipher ECDHE-RSA-AES256-SHA.") {
		t.Errorf("9.1 tlsverify:\n%s", out)
	}

	// The [I] 12.0+ variant of the fact sheets, kept as asyncos.ssl_method
	// false; the [C-IAF] default is in TestIAFReleases.
	modern := startSiteWith(t, "multi-cause", func(sc *Scenario) {
		off := false
		sc.AsyncOS.SSLMethod = &off
	}, Options{})
	out = execOn(t, modern, "mx.example.com", "sslconfig")
	for _, w := range []string{
		"sslconfig settings:\n  GUI HTTPS ciphers:\n    MEDIUM\n", "  Outbound SMTP ciphers:\n    RC4-SHA\n    RC4-MD5\n    ALL\n\n",
		"Currently enabled protocol(s) for Outbound SMTP are TLSv1.1, TLSv1.2.\n", "- VERSIONS - Enable or disable SSL/TLS versions.\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("12.0+ sslconfig lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "method:") {
		t.Errorf("12.0+ sslconfig shows methods:\n%s", out)
	}
	if sma := execOn(t, modern, "sma.example.com", "sslconfig"); strings.Contains(sma, "GUI") {
		t.Errorf("SMA 14.2 sslconfig has a GUI service:\n%s", sma)
	}
	tm = openTerm(t, modern, "mx.example.com", 200)
	tm.expect(esaPrompt)
	tm.cmd("sslconfig", `\[\]> $`)
	tm.cmd("OUTBOUND", `cipher you want to use\.\r\n\[RC4-SHA:RC4-MD5:ALL\]> $`)
	tm.cmd("HIGH:MEDIUM:ALL:-aNULL:-SSLv2", `Do you want to enable TLS renegotiation for outbound SMTP\? \[N\]> $`)
	tm.cmd("", `\[\]> $`)
	tm.cmd("VERSIONS", `\[\]> $`)
	tm.cmd("3", `\[\]> $`)
	got = tm.cmd("1", `\[\]> $`)
	if !strings.Contains(got, "Currently enabled protocol(s) for Outbound SMTP are TLSv1.0, TLSv1.1, TLSv1.2.") {
		t.Errorf("VERSIONS toggle:\n%s", got)
	}
	tm.cmd("", esaPrompt)
	tm.cmd("commit", `\[\]> $`)
	tm.cmd("x", `rollback\? \[Y\]> $`)
	tm.cmd("N", esaPrompt)
	snap := modern.Snapshot("mx.example.com")
	if !strings.Contains(snap, "ssl.outbound.ciphers = HIGH:MEDIUM:ALL:-aNULL:-SSLv2\n") || !strings.Contains(snap, "ssl.outbound.versions = TLSv1.0, TLSv1.1, TLSv1.2\n") {
		t.Errorf("snapshot after commit:\n%s", snap)
	}
}

func TestGrepAndTail(t *testing.T) {
	site := startSite(t, "multi-cause", Options{})
	out := execOn(t, site, "mx.example.com", `grep "DCID 3385734 TLS" mail_logs ; grep -i "tls FAILED" mail_logs ; grep "(" mail_logs ; grep x other_logs`)
	if strings.Count(out, "Info: DCID 3385734 TLS failed: verify error: no certificate from server\n") != 2 ||
		strings.Count(out, "TLS was required") != 1 || strings.Contains(out, "New SMTP DCID") {
		t.Errorf("grep:\n%s", out)
	}
	if !strings.Contains(out, "Invalid regular expression:") || !strings.Contains(out, "Unknown log name: other_logs") {
		t.Errorf("grep errors:\n%s", out)
	}
	tm := openTerm(t, site, "mx.example.com", 200)
	tm.expect(esaPrompt)
	tm.cmd("tail mail_logs", `could not be successfully negotiated\r\n$`)
	tm.send("\x03")
	tm.expect(`^\^C\r\n` + esaPrompt)
}

// TestHealthyScenariosAreHealthy checks, through the CLI, every cause on the
// scenarios that claim to have none.
func TestHealthyScenariosAreHealthy(t *testing.T) {
	for _, name := range []string{"healthy", "cluster-two-esa", "site-pre95", "site-95plus"} {
		t.Run(name, func(t *testing.T) {
			site := startSite(t, name, Options{})
			pvo := site.SMAPVOHost()
			var keys []string
			for _, ap := range site.Appliances() {
				out := execOn(t, site, ap.Hostname, "status ; who")
				if !strings.Contains(out, "System status:        Online\n") || !regexp.MustCompile(`\n`+ap.User+`\s+Administrator\s`).MatchString(out) {
					t.Errorf("%s: not online or not Administrator:\n%s", ap.Hostname, out)
				}
				if ap.Role != "esa" {
					continue
				}
				out = execOn(t, site, ap.Hostname, "deliveryconfig ; tlsverify the.cpq.host "+pvo+":7025 ; sslconfig")
				if !strings.Contains(out, "Default interface to deliver mail: Auto\n") || !strings.Contains(out, "TLS successfully connected to ["+pvo+"].") {
					t.Errorf("%s: delivery or TLS unhealthy:\n%s", ap.Hostname, out)
				}
				if !strings.Contains(out, "-aNULL") && !strings.Contains(out, "!aNULL") {
					t.Errorf("%s: outbound ciphers keep aNULL:\n%s", ap.Hostname, out)
				}
				if site.sc.Cluster != nil {
					fk := execOn(t, site, ap.Hostname, "clustermode machine "+ap.Hostname+" ; featurekey")
					end := strings.Index(fk, "Choose the operation")
					if end < 0 {
						t.Fatalf("%s: no featurekey menu:\n%s", ap.Hostname, fk)
					}
					keys = append(keys, fk[:end])
					for _, cmd := range []string{"policyconfig", "filters", "dlpconfig", "dmarcconfig"} {
						if noticeIn(t, site, ap.Hostname, "cluster", cmd) || !noticeIn(t, site, ap.Hostname, "machine "+ap.Hostname, cmd) {
							t.Errorf("%s: %s not at cluster level only", ap.Hostname, cmd)
						}
					}
				}
			}
			for _, k := range keys {
				if k != keys[0] {
					t.Errorf("feature keys differ:\n%s\n%s", keys[0], k)
				}
			}
		})
	}
}
