package sim

import (
	"strings"
	"testing"
)

func TestPagerStopsAtTerminalHeight(t *testing.T) {
	site := startSite(t, "healthy", Options{})
	tm := openTerm(t, site, "mx.example.com", 12)
	tm.expect(esaPrompt)
	first := tm.cmd("status detail", pagerText)
	first = strings.TrimPrefix(first, "status detail\r\n")
	if n := strings.Count(first, "\r\n"); n != 11 {
		t.Errorf("pager after %d lines, want 11 (height 12 - 1):\n%s", n, first)
	}
	// Any key continues; CR LF from a client counts as one key.
	tm.send("\r\n")
	more := tm.expect(pagerText)
	if !strings.Contains(more, "Counters:") && !strings.Contains(first, "Counters:") {
		t.Errorf("counters missing:\n%s%s", first, more)
	}
	rest := ""
	for i := 0; i < 10 && !strings.Contains(rest, "mx.example.com> "); i++ {
		tm.send(" ")
		rest += tm.expect(pagerText + "|" + esaPrompt)
	}
	if !strings.Contains(rest, "Kilobytes Free") {
		t.Errorf("end of status detail missing:\n%s", rest)
	}
	// A stray LF must not have run an empty command: exactly one prompt.
	if strings.Count(tm.out.String()[tm.pos:], "mx.example.com>") != 0 {
		t.Error("extra prompt after the pager")
	}
	// Ctrl-C at the pager drops the rest of the output.
	tm.cmd("status detail", pagerText)
	tm.send("\x03")
	got := tm.expect(esaPrompt)
	if strings.Contains(got, "Kilobytes Free") {
		t.Errorf("Ctrl-C at the pager still printed the rest:\n%s", got)
	}
	// Without a PTY there is no pager.
	if out := execOn(t, site, "mx.example.com", "status detail"); strings.Contains(out, pagerText) || !strings.Contains(out, "Kilobytes Free") {
		t.Errorf("batch status detail:\n%s", out)
	}
}

func TestDeliveryconfigPendingCommit(t *testing.T) {
	site := startSiteWith(t, "case3-delivery-interface", fourQuestions, Options{})
	const host = "mx.example.com"
	before := site.Snapshot(host)
	tm := openTerm(t, site, host, 200)
	tm.expect(esaPrompt)
	got := tm.cmd("deliveryconfig", `\[\]> $`)
	for _, want := range []string{
		"Default interface to deliver mail: In\r\n", "\"Possible Delivery\": Enabled\r\n",
		"Default system wide TLS maximum outbound message delivery concurrency: 10000\r\n",
		"Choose the operation you want to perform:\r\n- SETUP - Configure mail delivery.\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("deliveryconfig lacks %q:\n%s", want, got)
		}
	}
	got = tm.cmd("SETUP", `\[2\]> $`)
	if !strings.Contains(got, "Choose the default interface to deliver mail.\r\n1. Auto\r\n2. In (192.168.1.1/24: mx.example.com)\r\n3. Management (10.172.12.17/24: mgmt.example.com)\r\n") {
		t.Errorf("interface list:\n%s", got)
	}
	tm.cmd("1", `Enable "Possible Delivery" \(recommended\)\? \[Y\]> $`)
	tm.cmd("", `concurrency\r\n\[10000\]> $`)
	tm.cmd("", `TLS maximum outbound message delivery concurrency\r\n\[10000\]> $`)
	got = tm.cmd("", `\[\]> $`)
	if !strings.Contains(got, "Default interface to deliver mail: Auto\r\n") {
		t.Errorf("after SETUP:\n%s", got)
	}
	tm.cmd("", esaPrompt)
	if !site.Pending(host) {
		t.Fatal("SETUP left nothing pending")
	}
	// Another session still sees the committed value.
	if out := execOn(t, site, host, "deliveryconfig"); !strings.Contains(out, "Default interface to deliver mail: In\n") {
		t.Errorf("pending change leaked to another session:\n%s", out)
	}
	// exit warns while changes are pending; N stays.
	tm.cmd("exit", `You have uncommitted changes\.  Are you sure you wish to exit\? \[N\]> $`)
	tm.cmd("N", esaPrompt)
	tm.cmd("commit", `Please enter some comments describing your changes:\r\n\[\]> $`)
	tm.cmd("pvo-doctor: PVO-003 deliver from Auto", `Do you want to save the current configuration for rollback\? \[Y\]> $`)
	got = tm.cmd("", esaPrompt)
	if !strings.Contains(got, "Changes committed: Thu Nov 26 18:00:00 2026 UTC\r\n") {
		t.Errorf("commit:\n%s", got)
	}
	if site.Pending(host) {
		t.Error("pending after commit")
	}
	after := site.Snapshot(host)
	if diff := snapshotDiff(before, after); diff != "- [machine:mx.example.com] delivery.interface = In\n+ [machine:mx.example.com] delivery.interface = Auto\n" {
		t.Errorf("commit changed more than the interface:\n%s", diff)
	}
	if out := execOn(t, site, host, "deliveryconfig ; commit"); !strings.Contains(out, "Default interface to deliver mail: Auto\n") || !strings.Contains(out, "There is no data to commit.\n") {
		t.Errorf("after commit, a new session sees:\n%s", out)
	}
	tm.cmd("exit", "")
	tm.waitClosed()
}

// snapshotDiff lists lines only in a (-) and only in b (+).
func snapshotDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out.WriteString("- " + strings.TrimSpace(l) + "\n")
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out.WriteString("+ " + strings.TrimSpace(l) + "\n")
		}
	}
	return out.String()
}

func TestClearchangesAndDroppedConnectionDiscard(t *testing.T) {
	site := startSiteWith(t, "case3-delivery-interface", fourQuestions, Options{})
	const host = "mx.example.com"
	tm := openTerm(t, site, host, 200)
	tm.expect(esaPrompt)
	setAuto := func(tm *term) {
		tm.cmd("deliveryconfig", `\[\]> $`)
		tm.cmd("setup", `\[2\]> $`)
		tm.cmd("1", `\[Y\]> $`)
		tm.cmd("", `\[10000\]> $`)
		tm.cmd("", `\[10000\]> $`)
		tm.cmd("", `\[\]> $`)
		tm.cmd("", esaPrompt)
	}
	setAuto(tm)
	if got := tm.cmd("clearchanges", esaPrompt); !strings.Contains(got, "Changes cleared: Thu Nov 26 18:00:00 2026 UTC") || site.Pending(host) {
		t.Errorf("clearchanges: %q pending=%v", got, site.Pending(host))
	}
	if got := tm.cmd("clear", esaPrompt); !strings.Contains(got, "There are no changes to clear.") {
		t.Errorf("second clear: %q", got)
	}
	if got := tm.cmd("commit", esaPrompt); !strings.Contains(got, "There is no data to commit.") {
		t.Errorf("commit with nothing pending: %q", got)
	}
	// Ctrl-C in a dialog keeps earlier pending changes.
	setAuto(tm)
	tm.cmd("sslconfig", `\[\]> $`)
	tm.send("\x03")
	tm.expect(`\^C\r\n` + esaPrompt)
	if !site.Pending(host) {
		t.Error("Ctrl-C dropped earlier pending changes")
	}
	tm.client.Close()
	tm.waitClosed()
	site.Close() // waits for every session goroutine
	if site.Pending(host) {
		t.Error("a dropped connection left pending changes")
	}
	if !strings.Contains(site.Snapshot(host), "delivery.interface = In") {
		t.Error("the dropped session's change was committed")
	}
}

func TestTelnetOutcomes(t *testing.T) {
	site := startSite(t, "telnet-hang", Options{})
	tm := openTerm(t, site, "mx.example.com", 200)
	tm.expect(esaPrompt)
	got := tm.cmd("telnet", `\[1\]> $`)
	if !strings.Contains(got, "Please select which interface you want to telnet from.\r\n1. Auto\r\n2. In (192.168.1.1/24: mx.example.com)\r\n") {
		t.Errorf("telnet interfaces:\n%s", got)
	}
	tm.cmd("2", `\r\n\r\nEnter the remote hostname or IP address\.\r\n\[\]> $`)
	tm.cmd("10.172.12.18", `Enter the remote port\.\r\n\[25\]> $`)
	tm.cmd("7025", `Trying 10\.172\.12\.18\.\.\.\r\n$`)
	tm.send("\x03")
	tm.expect(`^\^C\r\n` + esaPrompt)

	// Auto connects; QUIT closes.
	for _, line := range []string{"telnet", "1", "sma.example.com"} {
		tm.send(line + "\r")
	}
	tm.cmd("7025", `220 sma\.example\.com ESMTP\r\n$`)
	got = tm.cmd("QUIT", esaPrompt)
	if !strings.Contains(got, "221 sma.example.com Service closing transmission channel\r\nConnection closed by foreign host.\r\n") {
		t.Errorf("QUIT:\n%s", got)
	}

	out := execOn(t, site, "mx.example.com", "telnet sma.bad.example 7025 ; telnet 10.9.9.9 7025 ; telnet 10.172.12.18 443")
	for _, want := range []string{
		"telnet: sma.bad.example: hostname nor servname provided, or not known\n",
		"Trying 10.9.9.9...\ntelnet: connect to address 10.9.9.9: Operation timed out\ntelnet: Unable to connect to remote host\n",
		"telnet: connect to address 10.172.12.18: Connection refused\ntelnet: Unable to connect to remote host\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("telnet output lacks %q:\n%s", want, out)
		}
	}
}

func TestSMAOfflineResume(t *testing.T) {
	site := startSite(t, "case1-sma-offline", Options{})
	out := execOn(t, site, "sma.example.com", "status ; tcpservices")
	if !strings.Contains(out, "System status:        Offline\n") || strings.Contains(out, "cpq_listener") {
		t.Errorf("offline SMA:\n%s", out)
	}
	if out := execOn(t, site, "mx.example.com", "telnet 10.172.12.18 7025"); !strings.Contains(out, "Connection refused") {
		t.Errorf("telnet to an offline SMA:\n%s", out)
	}
	out = execOn(t, site, "sma.example.com", "resume ; resume ; status ; tcpservices ; resumetransfers")
	for _, want := range []string{
		"Receiving resumed for euq_listener, cpq_listener.\n", "No listeners were resumed.\n", "System status:        Online\n",
		"cpq_listener  2002  IPv4  TCP  10.172.12.18:7025", "Transfers are not suspended.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	if site.Pending("sma.example.com") {
		t.Error("resume left pending changes")
	}
	if out := execOn(t, site, "mx.example.com", "telnet 10.172.12.18 7025"); !strings.Contains(out, "Connected to 10.172.12.18.") {
		t.Errorf("telnet after resume:\n%s", out)
	}
	if out := execOn(t, site, "mx.example.com", "resumetransfers"); !strings.Contains(out, "Unknown command or missing feature key: resumetransfers") {
		t.Errorf("ESA resumetransfers:\n%s", out)
	}
}

func TestTLSVerifyFollowsCommittedCiphers(t *testing.T) {
	site := startSite(t, "case4-anonymous-ciphers", Options{})
	const host = "mx.example.com"
	tm := openTerm(t, site, host, 200)
	tm.expect(esaPrompt)
	tm.cmd("tlsverify", `Enter the TLS domain to verify against:\r\n\[\]> $`)
	tm.cmd("the.cpq.host", `if you are not connecting on port 25:\r\n\[the\.cpq\.host\]> $`)
	got := tm.cmd("10.172.12.18:7025", esaPrompt)
	for _, want := range []string{
		"Connected to 10.172.12.18 from interface 10.172.12.17.\r\n",
		"TLS connection established: protocol TLSv1.2, cipher ADH-AES256-GCM-SHA384.\r\n",
		"Certificate verification failed: no certificate from server.\r\nTLS connection to 10.172.12.18 failed: verify error.\r\n",
		"Failed to connect to [10.172.12.18].\r\nTLS verification completed.\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("tlsverify lacks %q:\n%s", want, got)
		}
	}
	got = tm.cmd("sslconfig", `\[\]> $`)
	if !strings.Contains(got, "  Outbound SMTP method:  tlsv1/tlsv1.2\r\n  Outbound SMTP ciphers:\r\n    HIGH\r\n    MEDIUM\r\n    ALL\r\n    -SSLv2\r\n") {
		t.Errorf("sslconfig 9.5+ block:\n%s", got)
	}
	got = tm.cmd("OUTBOUND", `\[3\]> $`)
	if !strings.Contains(got, "Enter the outbound SMTP ssl method you want to use.\r\n1. SSL v2\r\n2. SSL v3\r\n3. TLS v1/TLS v1.2\r\n") {
		t.Errorf("method menu:\n%s", got)
	}
	tm.cmd("", `Enter the outbound SMTP ssl cipher you want to use\.\r\n\[HIGH:MEDIUM:ALL:-SSLv2\]> $`)
	got = tm.cmd("HIGH:MEDIUM:ALL:-aNULL:-SSLv2", `\[\]> $`)
	if !strings.Contains(got, "    -aNULL\r\n") {
		t.Errorf("new ciphers not shown:\n%s", got)
	}
	tm.cmd("", esaPrompt)
	// Uncommitted ciphers do not take effect.
	if got := tm.cmd("tlsverify the.cpq.host 10.172.12.18:7025", esaPrompt); !strings.Contains(got, "cipher ADH-") {
		t.Errorf("pending ciphers took effect:\n%s", got)
	}
	tm.cmd("commit", `\[\]> $`)
	// ESA 11.1 asks the rollback question too [C-IAF].
	tm.cmd("PVO-004", `Do you want to save the current configuration for rollback\? \[Y\]> $`)
	if got := tm.cmd("", esaPrompt); !strings.Contains(got, "Changes committed:") {
		t.Errorf("commit on 11.1:\n%s", got)
	}
	got = tm.cmd("tlsverify the.cpq.host 10.172.12.18:7025", esaPrompt)
	if !strings.Contains(got, "cipher ECDHE-RSA-AES256-GCM-SHA384.") || !strings.Contains(got, "TLS successfully connected to [10.172.12.18].") {
		t.Errorf("tlsverify after the fix:\n%s", got)
	}
}

// fourQuestions plays deliveryconfig SETUP without the 12.0+ "connect
// without TLS" question and the older [I] clear wording.
func fourQuestions(sc *Scenario) {
	off := false
	sc.AsyncOS.DeliveryNoTLS, sc.AsyncOS.ClearConfirm = "off", &off
}
