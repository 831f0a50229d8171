package rules

import (
	"fmt"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/ciphers"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
)

// anonymousCiphers is case 4: outbound ciphers that admit anonymous suites
// let the ESA negotiate ADH with the SMA, which then sends no certificate,
// and the TLS the PVO connection requires fails.
func anonymousCiphers() Rule {
	r := Rule{
		ID:       "PVO-004",
		Case:     4,
		Title:    "Outbound TLS to the SMA uses no anonymous cipher",
		Severity: SeverityHigh,
		Description: "PVO traffic to SMA:7025 requires TLS. When the ESA's outbound SMTP ciphers admit " +
			"anonymous (aNULL, ADH, AECDH) suites, the ESA and SMA may negotiate one, the SMA sends no " +
			"certificate and TLS fails (mail_logs: `TLS failed: verify error: no certificate from server`).",
		Commands: []string{
			"ESA: sslconfig (Outbound SMTP ciphers)",
			"ESA: tlsverify to SMA:7025",
			"ESA: mail_logs lines for DCIDs to port 7025 (history)",
		},
		Pass: "the outbound ciphers in force exclude aNULL (in OpenSSL order: a later ALL re-adds what -aNULL removed; " +
			"!aNULL removes for good), and `tlsverify` to SMA:7025, where it connected, shows no anonymous " +
			"cipher and no missing certificate; in a saved session, ciphers entered in sslconfig count as in force once a " +
			"commit shows `Changes committed` (a tlsverify before that commit is then history), and until then must exclude aNULL as well",
		Fail: "`tlsverify` negotiated an anonymous cipher or got no certificate, or the outbound ciphers admit aNULL; " +
			"with neither sslconfig nor tlsverify collected, a mail_logs `TLS failed … no certificate` on a port-7025 DCID",
		Unknown: "neither sslconfig nor tlsverify was collected (and mail_logs show no certificate failure), or the " +
			"cipher string cannot be decided (unknown alias, @SECLEVEL, empty)",
		Fix: automaticFix(FixOutboundCiphers, fix.Params{Ciphers: ciphers.SafeOutbound}),
	}
	r.Scope = ScopeESA
	r.Reads = []Read{
		{Role: facts.RoleESA, Command: "sslconfig"},
		{Role: facts.RoleESA, Command: "tlsverify", Need: IfRead},
		{Role: facts.RoleESA, Command: "mail_logs", Need: Context},
	}
	r.judge = func(site *facts.Site, s subject) Finding { return r.checkCiphers(site, s.app) }
	return r
}

// anonymousCipher reports whether the negotiated cipher has no authentication.
func anonymousCipher(t *facts.TLSVerify) bool {
	return t != nil && ciphers.AnonymousSuite(t.Cipher)
}

func (r Rule) checkCiphers(site *facts.Site, a *facts.Appliance) Finding {
	target := smaTarget(site)
	todo := fmt.Sprintf("run `sslconfig` and `tlsverify` to %s on %s", target, a.Name())
	f := r.finding(a.Name(), StatusUnknown)
	f.Expected = "outbound ciphers exclude aNULL; tlsverify to " + target + " negotiates an authenticated cipher and gets a certificate"

	out := a.SSL.Service("outbound")
	anon := ciphers.Verdict{AdmitsANULL: ciphers.Unknown}
	if out != nil {
		anon = ciphers.Analyze(out.Ciphers)
	}
	verdict := anon.AdmitsANULL
	tv := a.TLSVerify
	if tv != nil && tv.Port != pvoPort(site) {
		tv = nil // a tlsverify elsewhere says nothing about the PVO port
	}
	var stale *facts.TLSVerify // a probe of the ciphers before a committed change: history
	if tv != nil && tv.Superseded != "" {
		stale, tv = tv, nil
	}
	var staged *facts.SSLService // outbound ciphers entered but not committed
	var stagedANULL ciphers.Tri  // whether those admit aNULL
	if a.SSL != nil && a.SSL.Staged != nil {
		staged = a.SSL.Staged.Service("outbound")
		if staged != nil && out != nil && staged.Ciphers == out.Ciphers {
			staged = nil
		}
		if staged != nil {
			stagedANULL = ciphers.Analyze(staged.Ciphers).AdmitsANULL
		}
	}
	tvBad := tv != nil && tv.Connected && (anonymousCipher(tv) || tv.NoCertificate)
	tvGood := tv != nil && tv.Connected && tv.Cipher != "" && !anonymousCipher(tv) && !tv.NoCertificate

	var actual, why []string
	if out != nil {
		f.Evidence = append(f.Evidence, outboundEvidence(a))
		actual = append(actual, fmt.Sprintf("outbound ciphers %s (admit aNULL: %s)", displayCiphers(out.Ciphers), verdict))
	}
	if staged != nil {
		f.Evidence = append(f.Evidence, Evidence{Appliance: a.Name(), Command: "sslconfig (entered, not committed)", Lines: outboundLines(a.SSL.Staged.Lines)})
		actual = append(actual, fmt.Sprintf("entered but not committed: outbound ciphers %s (admit aNULL: %s)",
			displayCiphers(staged.Ciphers), stagedANULL))
	}
	for _, t := range []*facts.TLSVerify{tv, stale} {
		if t == nil {
			continue
		}
		ev := quote(a.Name(), t.Evidence, "Connect", "TLS connection", "cipher", "certificate", "failed", "verified", "succeeded")
		word := "tlsverify: "
		if t == stale {
			ev.Command += " (history: " + t.Superseded + ")"
			word = "tlsverify before the cipher change: "
		}
		f.Evidence = append(f.Evidence, ev)
		actual = append(actual, word+tlsWords(t))
	}
	history := pvoTLSFailures(a)
	for _, c := range history {
		f.Evidence = append(f.Evidence, Evidence{Appliance: a.Name(), Command: "mail_logs (DCID " + c.DCID + ")", Lines: append([]string{}, c.Lines...)})
	}
	if len(history) > 0 {
		actual = append(actual, fmt.Sprintf("mail_logs: %d earlier TLS failure(s) to port %d", len(history), pvoPort(site)))
	}
	f.Actual = strings.Join(actual, "; ")
	if f.Actual == "" {
		f.Actual = "no outbound ciphers, tlsverify or mail-log TLS failure read"
	}

	if tvBad {
		why = append(why, fmt.Sprintf("tlsverify to %s %s", target, tlsWords(tv)))
	}
	if verdict == ciphers.Yes {
		why = append(why, fmt.Sprintf("the outbound ciphers %s admit anonymous suites: %s", displayCiphers(out.Ciphers), anon.Reason))
	}
	if len(why) > 0 {
		f.Status = StatusFail
		f.Summary = fmt.Sprintf("On %s, %s.", a.Name(), strings.Join(why, "; and "))
		if staged != nil {
			f.Summary += fmt.Sprintf(" The session entered the outbound ciphers %s, but no commit shows them applied, so the ciphers above are still in force.",
				displayCiphers(staged.Ciphers))
		}
		f.Fix = r.cipherFix(out)
		if verdict == ciphers.No {
			f.Fix = certificateFix(target)
		}
		return f
	}

	if a.SSL == nil && a.TLSVerify == nil {
		return r.fromMailLog(site, a, f, todo)
	}
	switch {
	case a.SSL == nil:
		f.Summary = fmt.Sprintf("`sslconfig` was not collected on %s, and tlsverify alone cannot show the ciphers exclude aNULL; run `sslconfig` on %s.", a.Name(), a.Name())
	case out == nil:
		f.Summary = fmt.Sprintf("`sslconfig` on %s shows no Outbound SMTP ciphers; run `sslconfig` on %s and check its output.", a.Name(), a.Name())
		f.Actual = "no Outbound SMTP service in sslconfig"
	case verdict != ciphers.No:
		reason := anon.Reason
		if reason == "" {
			reason = "the cipher string was not analysed"
		}
		f.Summary = fmt.Sprintf("On %s, whether the outbound ciphers %s admit anonymous suites cannot be told: %s; run `sslconfig` → VERIFY on %s to list them.",
			a.Name(), displayCiphers(out.Ciphers), reason, a.Name())
	case tv != nil && tv.Connected && !tvGood:
		f.Summary = fmt.Sprintf("On %s, tlsverify to %s connected but showed no negotiated cipher; run `tlsverify` to %s on %s again.", a.Name(), target, target, a.Name())
	case staged != nil && stagedANULL != ciphers.No:
		// The log may end before the commit that applied the edit: both
		// settings must pass.
		f.Summary = fmt.Sprintf("On %s, the outbound ciphers %s exclude anonymous suites, but the session entered %s (admit aNULL: %s) and no commit shows whether it applied; run `sslconfig` on %s to see which are in force.",
			a.Name(), displayCiphers(out.Ciphers), displayCiphers(staged.Ciphers), stagedANULL, a.Name())
	default:
		f.Status = StatusPass
		f.Summary = fmt.Sprintf("On %s, the outbound ciphers %s exclude anonymous suites (%s)", a.Name(), displayCiphers(out.Ciphers), anon.Reason)
		switch {
		case tvGood:
			f.Summary += fmt.Sprintf(", and tlsverify to %s negotiated %s with a certificate", target, tv.Cipher)
		case tv != nil:
			f.Summary += fmt.Sprintf("; tlsverify could not connect to %s, which is PVO-003's evidence", target)
		}
		f.Summary += "."
		if stale != nil {
			f.Summary += fmt.Sprintf(" The tlsverify quoted, which %s, is history: %s; run `tlsverify` to %s again to confirm.", tlsWords(stale), stale.Superseded, target)
		}
		if staged != nil {
			f.Summary += fmt.Sprintf(" The outbound ciphers %s entered in the session, with no commit shown, exclude them too.", displayCiphers(staged.Ciphers))
		}
		if len(history) > 0 {
			f.Summary += " The mail_logs TLS failures quoted are history from before the current settings."
		}
	}
	return f
}

// fromMailLog decides only when neither sslconfig nor tlsverify was
// collected: mail_logs are history and lose to current settings.
func (r Rule) fromMailLog(site *facts.Site, a *facts.Appliance, f Finding, todo string) Finding {
	for _, c := range pvoTLSFailures(a) {
		if strings.Contains(strings.ToLower(c.TLSDetail), "no certificate") {
			f.Status = StatusFail
			f.Summary = fmt.Sprintf("On %s, mail_logs show TLS to the SMA's PVO port failing with no certificate from the server (DCID %s), the mark of an anonymous cipher; %s to confirm.",
				a.Name(), c.DCID, todo)
			f.Fix = r.cipherFix(nil)
			return f
		}
	}
	if a.MailLog == nil {
		return r.notCollected(a, "the outbound TLS evidence (`sslconfig`, `tlsverify`)", missingErrors(a, "sslconfig", "tlsverify"), todo)
	}
	f.Summary = fmt.Sprintf("On %s, neither `sslconfig` nor `tlsverify` was collected and mail_logs show no certificate failure on port %d; %s.",
		a.Name(), pvoPort(site), todo)
	return f
}

func (r Rule) cipherFix(out *facts.SSLService) *Fix {
	p := fix.Params{Ciphers: ciphers.SafeOutbound}
	if out != nil {
		p.Method = out.Method
	}
	return automaticFix(FixOutboundCiphers, p)
}

// certificateFix is for an anonymous or certificate-less handshake although
// the ciphers shown already exclude aNULL: the running settings differ from
// the shown ones, or the SMA has no certificate to send.
func certificateFix(target string) *Fix {
	return &Fix{
		Summary: "The outbound ciphers shown already exclude aNULL: commit any pending sslconfig change and check the certificate the SMA's PVO listener presents.",
		Steps: []string{
			"on the ESA: commit (pending sslconfig changes do not apply until committed)",
			"on the SMA: check that the PVO listener has a certificate (Network > Certificates, and the listener's TLS settings)",
			"on the ESA: tlsverify to " + target + " again",
		},
	}
}

// pvoTLSFailures are the mail_logs connections whose TLS failed.
func pvoTLSFailures(a *facts.Appliance) []facts.PVOConnection {
	if a.MailLog == nil {
		return nil
	}
	var out []facts.PVOConnection
	for _, c := range a.MailLog.Connections {
		if strings.EqualFold(c.TLS, "failed") {
			out = append(out, c)
		}
	}
	return out
}

func tlsWords(tv *facts.TLSVerify) string {
	switch {
	case !tv.Connected:
		return "could not connect"
	case anonymousCipher(tv) && tv.NoCertificate:
		return fmt.Sprintf("negotiated the anonymous cipher %s and got no certificate from the server", tv.Cipher)
	case anonymousCipher(tv):
		return fmt.Sprintf("negotiated the anonymous cipher %s", tv.Cipher)
	case tv.NoCertificate:
		return "got no certificate from the server"
	case tv.Cipher == "":
		return "connected but showed no negotiated cipher"
	}
	return fmt.Sprintf("negotiated %s with a certificate", tv.Cipher)
}

func displayCiphers(c string) string {
	if strings.TrimSpace(c) == "" {
		return "(empty)"
	}
	return c
}

// outboundEvidence quotes the Outbound SMTP lines of sslconfig, including
// the one-token-per-line cipher lists of 9.5 and later.
func outboundEvidence(a *facts.Appliance) Evidence {
	ev := a.SSL.Evidence
	lines := outboundLines(ev.Lines)
	if len(lines) == 0 {
		return quote(a.Name(), ev, "outbound")
	}
	return Evidence{Appliance: a.Name(), Command: ev.Command, Lines: lines}
}

// outboundLines are the Outbound SMTP lines of a settings block.
func outboundLines(block []string) []string {
	lines := []string{}
	in := false
	for _, l := range block {
		t := strings.TrimSpace(l)
		low := strings.ToLower(t)
		switch {
		case strings.HasPrefix(low, "outbound smtp"):
			in = strings.Contains(low, "ciphers")
			lines = append(lines, l)
		case in && t != "" && !strings.ContainsAny(t, ": "):
			// A cipher token has neither a colon nor a space; labels and
			// the VERSIONS lines that follow the list have both.
			lines = append(lines, l)
		default:
			in = false
		}
	}
	return lines
}
