package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// The deadlines every fault-matrix run is given. A run's time bound is
// built from them, so a fault that is not cut short by its deadline fails
// the bound instead of hanging the suite.
const (
	fmConnect = 5 * time.Second
	fmStep    = 3 * time.Second
	fmCommit  = 4 * time.Second
	fmRun     = 30 * time.Second
	// fmSlack is what a run needs besides the deadlines that fire: the
	// check, the fix and the re-check against the loopback simulator,
	// under -race on a busy machine.
	fmSlack = 20 * time.Second
)

// faultRow is one fault and what a user must see for it.
type faultRow struct {
	name     string
	scenario string
	version  string      // replaces the first ESA's version (another release's dialog)
	yaml     string      // added to the scenario, e.g. its asyncos dialect
	sim      sim.Options // the fault
	esa      string      // replaces the ESA's address: refused, silent, not-ssh
	fix      bool        // --fix --yes
	args     []string    // more flags
	code     int
	stream   string // "stdout" or "stderr": where the error line is
	line     string // regexp that exactly count lines of stream match (count 0 means 1)
	count    int
	// deadlines is the time the fault may cost on top of fmSlack.
	deadlines time.Duration
	// changed lists the snapshot keys the ESA may differ by: the intended
	// change, when the commit took effect. None: every appliance unchanged.
	changed []string
	// notPass are rules that must not pass; fixed are the rules whose fix
	// must end with this status in the report.
	notPass []string
	fixed   map[string]string
}

// faultMatrix lists every fault: a drop at each question of each fix's
// dialog and at the commit, a stall past each deadline, an extra
// question, and each way a connection or login fails. The README's "What
// you see when…" table is this list in words.
func faultMatrix() []faultRow {
	delivery := func(name string, f sim.Fault, code int, line string, deadlines time.Duration, changed ...string) faultRow {
		r := faultRow{name: name, scenario: "case3-delivery-interface", sim: sim.Options{Fault: f}, fix: true, code: code,
			stream: "stdout", line: line, deadlines: deadlines, changed: changed, fixed: map[string]string{"PVO-003": "failed"}}
		if len(changed) == 0 {
			r.notPass = []string{"PVO-003"}
		} else {
			r.fixed["PVO-003"] = "verified"
		}
		return r
	}
	ciphers := func(name, version string, f sim.Fault, code int, line string, deadlines time.Duration, changed ...string) faultRow {
		r := delivery(name, f, code, line, deadlines, changed...)
		r.scenario, r.version = "case4-anonymous-ciphers", version
		r.fixed = map[string]string{"PVO-004": r.fixed["PVO-003"]}
		if r.notPass != nil {
			r.notPass = []string{"PVO-004"}
		}
		return r
	}
	const (
		dropped = `^\s*error: .*connection closed.*; the session ended, so nothing was committed$`
		stalled = `^\s*error: .*timed out after .*; the session ended, so nothing was committed$`
		// With or without showchanges (releases, and the simulator, differ).
		notCommit   = `^\s*error: .*; not committed: read back in a new session[^:]*: `
		replyLost   = `^\s*\| no reply in time \(.*\); committed: read back in a new session`
		extraQ      = `^\s*error: .*unexpected prompt "WARNING: The configuration was changed by another session.*; clearchanges discarded the uncommitted changes$`
		extraCommit = `^\s*error: commit: unexpected prompt "WARNING: .*; not committed: the changes were still pending; clearchanges discarded them$`
		lostESA     = `^pvo-doctor: esa [^ ]+: `
	)
	rows := []faultRow{
		// deliveryconfig SETUP (ESA 14.2: every question, and the rollback question at commit).
		delivery("drop at deliveryconfig.interface", sim.Fault{DropAt: "deliveryconfig.interface"}, 1, dropped, 0),
		delivery("drop at deliveryconfig.possible", sim.Fault{DropAt: "deliveryconfig.possible"}, 1, dropped, 0),
		delivery("drop at deliveryconfig.concurrency", sim.Fault{DropAt: "deliveryconfig.concurrency"}, 1, dropped, 0),
		delivery("drop at deliveryconfig.tlsconcurrency", sim.Fault{DropAt: "deliveryconfig.tlsconcurrency"}, 1, dropped, 0),
		delivery("drop at commit.comment", sim.Fault{DropAt: "commit.comment"}, 1, notCommit+`Default interface to deliver mail: In$`, 0),
		delivery("drop at commit.rollback", sim.Fault{DropAt: "commit.rollback"}, 1, notCommit+`Default interface to deliver mail: In$`, 0),
		delivery("drop after the commit took effect", sim.Fault{DropAt: "commit.reply"}, 0,
			`^\s*\| no reply in time \(.*connection closed.*\); committed: read back in a new session`, 0, "[machine:mx.example.com]delivery.interface"),
		delivery("stall at deliveryconfig.interface past --step-timeout", sim.Fault{StallAt: "deliveryconfig.interface"}, 1, stalled, 2*fmStep),
		delivery("stall at commit.comment past --commit-timeout", sim.Fault{StallAt: "commit.comment"}, 1,
			`^\s*error: .*timed out after (3\.9[0-9]*|4(\.[0-9]+)?)s .*; not committed: read back in a new session[^:]*: Default interface to deliver mail: In$`, fmCommit+fmStep),
		delivery("stall at commit.rollback past --commit-timeout", sim.Fault{StallAt: "commit.rollback"}, 1,
			`^\s*error: .*timed out after (3\.9[0-9]*|4(\.[0-9]+)?)s .*; not committed: read back in a new session[^:]*: Default interface to deliver mail: In$`, fmCommit+fmStep),
		delivery("stall after the commit took effect, past --commit-timeout", sim.Fault{StallAt: "commit.reply"}, 0, replyLost, fmCommit+fmStep,
			"[machine:mx.example.com]delivery.interface"),
		delivery("extra question at deliveryconfig.interface", sim.Fault{ExtraPrompt: "deliveryconfig.interface"}, 1, extraQ, 0),
		delivery("extra question at commit.comment", sim.Fault{ExtraPrompt: "commit.comment"}, 1, extraCommit, 0),

		// sslconfig OUTBOUND: 11.1 asks the method, 14.2 the renegotiation
		// and, at commit, the rollback question.
		ciphers("drop at sslconfig.method", "", sim.Fault{DropAt: "sslconfig.method"}, 1, dropped, 0),
		ciphers("drop at sslconfig.cipher", "", sim.Fault{DropAt: "sslconfig.cipher"}, 1, dropped, 0),
		func() faultRow {
			// Only the fact sheets' 12.0+ variant asks it (see sim's dialect).
			r := ciphers("drop at sslconfig.renegotiation (14.2, no method question)", "14.2.0-620", sim.Fault{DropAt: "sslconfig.renegotiation"}, 1, dropped, 0)
			r.yaml = "asyncos: {ssl_method: false}\n"
			return r
		}(),
		ciphers("drop at commit.comment (sslconfig)", "", sim.Fault{DropAt: "commit.comment"}, 1, notCommit+`Outbound SMTP ciphers: HIGH:MEDIUM:ALL:-SSLv2$`, 0),
		ciphers("drop at commit.rollback (sslconfig, 14.2)", "14.2.0-620", sim.Fault{DropAt: "commit.rollback"}, 1, notCommit+`Outbound SMTP ciphers: HIGH:MEDIUM:ALL:-SSLv2$`, 0),
		ciphers("stall at sslconfig.cipher past --step-timeout", "", sim.Fault{StallAt: "sslconfig.cipher"}, 1, stalled, 2*fmStep),
		ciphers("stall after the commit took effect (issue 14's case 4)", "", sim.Fault{StallAt: "commit.reply"}, 0, replyLost, fmCommit+fmStep,
			"[machine:mx.example.com]ssl.outbound.ciphers"),
		ciphers("extra question at sslconfig.cipher", "", sim.Fault{ExtraPrompt: "sslconfig.cipher"}, 1, extraQ, 0),

		// The read-only check: a stalled or dropped ESA session loses its
		// rules, never passes them, and changes nothing.
		{name: "stall in the check past --step-timeout", scenario: "healthy", sim: sim.Options{Fault: sim.Fault{StallAt: "deliveryconfig.menu"}},
			code: 3, stream: "stdout", line: `^\s+- deliveryconfig: .*timed out after (2\.9[0-9]*|3(\.[0-9]+)?)s waiting`, deadlines: 3 * fmStep, notPass: []string{"PVO-003"}},
		{name: "stall in the check past --timeout", scenario: "healthy", sim: sim.Options{Fault: sim.Fault{StallAt: "deliveryconfig.menu"}},
			args: []string{"--step-timeout", "60s", "--timeout", "8s"}, code: 3, stream: "stdout", line: `^\s+- deliveryconfig: .*timed out after [0-9.]+s waiting`,
			deadlines: 8 * time.Second, notPass: []string{"PVO-003"}},
		{name: "drop in the check", scenario: "healthy", sim: sim.Options{Fault: sim.Fault{DropAt: "deliveryconfig.menu"}},
			code: 3, stream: "stdout", line: `^\s+- deliveryconfig: .*connection closed`, notPass: []string{"PVO-003"}},
		{name: "extra question in the check", scenario: "healthy", sim: sim.Options{Fault: sim.Fault{ExtraPrompt: "deliveryconfig.menu"}},
			code: 3, stream: "stdout", line: `^\s+- deliveryconfig: .*unexpected prompt "WARNING: .*left it with Ctrl-C$`, notPass: []string{"PVO-003"}},

		// Connections and logins: the appliance is lost, its rules unknown.
		{name: "refused port", scenario: "healthy", esa: "refused", code: 3, stream: "stderr",
			line: lostESA + `connect: .*connection refused; nothing listens there: check the address and port`, notPass: []string{"PVO-003", "PVO-004"}},
		{name: "silent port", scenario: "healthy", esa: "silent", code: 3, stream: "stderr",
			line: lostESA + `connect: .*(did not speak ssh within [0-9.]+m?s|ssh login to .*: context deadline exceeded)`, deadlines: fmConnect, notPass: []string{"PVO-003", "PVO-004"}},
		{name: "non-SSH service", scenario: "healthy", esa: "smtp", code: 3, stream: "stderr",
			line: lostESA + `connect: .*is not an ssh server \(it sent "220 `, notPass: []string{"PVO-003", "PVO-004"}},
		{name: "wrong password", scenario: "healthy", args: []string{"--password-env", "PVO_FAULT_MATRIX_PASSWORD"}, code: 3, stream: "stderr",
			line: `^pvo-doctor: (esa|sma) [^ ]+: connect: login as admin on .* failed`, count: 2, notPass: []string{"PVO-001", "PVO-003", "PVO-004"}},
		{name: "host key unknown", scenario: "healthy", args: []string{"--known-hosts", "EMPTY"}, code: 3, stream: "stderr",
			line: `^pvo-doctor: (esa|sma) [^ ]+: connect: .*unknown host key`, count: 2, notPass: []string{"PVO-001", "PVO-003", "PVO-004"}},
		{name: "host key changed", scenario: "healthy", args: []string{"--known-hosts", "CHANGED"}, code: 3, stream: "stderr",
			line: `^pvo-doctor: (esa|sma) [^ ]+: connect: .*host key for .* changed`, count: 2, notPass: []string{"PVO-001", "PVO-003", "PVO-004"}},
		{name: "legacy algorithms only", scenario: "healthy", sim: sim.Options{Legacy: true}, code: 3, stream: "stderr",
			line: `^pvo-doctor: (esa|sma) [^ ]+: connect: no common ssh .*legacy-ssh-algorithms`, count: 2, notPass: []string{"PVO-001", "PVO-003", "PVO-004"}},
		{name: "plain shell", scenario: "healthy", sim: sim.Options{Mode: "shell"}, code: 3, stream: "stderr",
			line: `^pvo-doctor: (esa|sma) [^ ]+: login: .*is this an AsyncOS CLI`, count: 2, deadlines: fmConnect, notPass: []string{"PVO-001", "PVO-003", "PVO-004"}},
	}
	return rows
}

// TestFaultMatrix runs pvo-doctor check (in process, the real command line)
// against the simulator once per fault and asserts what a user sees: the
// exit code, the one error line, that the run ends within its deadlines,
// the appliances' state (unchanged, or exactly the intended change when
// the commit took effect), that no affected rule passes, and each fix's
// status. A stopped simulator process (kill -STOP) is played in process by
// Fault.StallAt: the session stops answering and its input waits.
func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("fault matrix: -short")
	}
	os.Setenv("PVO_FAULT_MATRIX_PASSWORD", "not-the-password-123")
	// Most rows wait out a deadline, idle: more run at once than -parallel
	// (the CPU count) would allow.
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	for _, row := range faultMatrix() {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			t.Run(row.name, func(t *testing.T) { runFaultRow(t, row) })
		}()
	}
	wg.Wait()
}

func runFaultRow(t *testing.T, row faultRow) {
	sc := loadScenario(t, row.scenario)
	if row.version != "" || row.yaml != "" {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scenarios", row.scenario+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data) + row.yaml
		if row.version != "" {
			text = regexp.MustCompile(`(?m)^(esas:\n  - hostname: .*\n    version: ).*$`).ReplaceAllString(text, "${1}"+row.version)
		}
		sc, err = sim.ParseScenario(sc.Source, sc.Name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
	}
	site, key, kh := startTestSite(t, sc, row.sim)
	before := map[string]string{}
	var esa, sma string
	for _, a := range site.Appliances() {
		before[a.Hostname] = site.Snapshot(a.Hostname)
		if a.Role == "sma" {
			sma = a.User + "@" + a.Addr
		} else if esa == "" {
			esa = a.User + "@" + a.Addr
		}
	}
	switch row.esa {
	case "refused":
		esa = closedPort(t)
	case "silent":
		esa = listenWith(t, "")
	case "smtp":
		esa = listenWith(t, "220 mx.example.com ESMTP\r\n")
	}
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	args := []string{"check", "--esa", esa, "--sma", sma, "--sma-pvo-host", site.SMAPVOHost(), "--known-hosts", kh,
		"--color", "never", "--format", "text", "--report", rep, "--connect-timeout", fmConnect.String(),
		"--probe-timeout", fmStep.String(), "--step-timeout", fmStep.String(), "--timeout", fmRun.String()}
	if row.fix {
		args = append(args, "--fix", "--yes", "--commit-timeout", fmCommit.String())
	}
	password := false
	for i := 0; i < len(row.args); i++ {
		a := row.args[i]
		switch {
		case a == "--password-env":
			password = true
		case a == "EMPTY":
			a = filepath.Join(dir, "empty_known_hosts")
			if err := os.WriteFile(a, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		case a == "CHANGED":
			a = changedKnownHosts(t, dir, site)
		}
		if row.args[i] == "--known-hosts" {
			args = removeFlag(args, "--known-hosts")
		}
		args = append(args, a)
	}
	if !password {
		args = append(args, "--identity", key)
	}
	ios, _, stdout, stderr := Test()
	start := time.Now()
	code := Run(ios, args)
	took := time.Since(start)
	out := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
	dump := func() string { return "\n--- stdout\n" + out["stdout"] + "\n--- stderr\n" + out["stderr"] }
	if code != row.code {
		t.Fatalf("exit code %d, want %d%s", code, row.code, dump())
	}
	if bound := row.deadlines + fmSlack; took > bound {
		t.Errorf("took %s, beyond its deadlines' bound %s", took.Round(time.Millisecond), bound)
	}
	want := row.count
	if want == 0 {
		want = 1
	}
	re := regexp.MustCompile(row.line)
	var hits []string
	for _, l := range strings.Split(out[row.stream], "\n") {
		if re.MatchString(l) {
			hits = append(hits, l)
		}
	}
	if len(hits) != want {
		t.Errorf("%d lines of %s match %s, want %d: %q%s", len(hits), row.stream, row.line, want, hits, dump())
	}
	for host, b := range before {
		if site.Pending(host) {
			t.Errorf("%s has pending changes", host)
		}
		var allowed []string
		if strings.HasPrefix(host, "mx") {
			allowed = row.changed
		}
		got := snapshotDiff(b, site.Snapshot(host))
		sort.Strings(allowed)
		if strings.Join(got, " ") != strings.Join(allowed, " ") {
			t.Errorf("%s changed %v, want %v", host, got, allowed)
		}
	}
	var report struct {
		Findings []struct{ ID, Status, Appliance string } `json:"findings"`
		Fixes    []struct{ Rule, Status, Error string }   `json:"fixes"`
	}
	data, err := os.ReadFile(rep)
	if err != nil {
		t.Fatalf("no report: %v%s", err, dump())
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	for _, id := range row.notPass {
		seen := false
		for _, f := range report.Findings {
			if f.ID == id {
				seen = true
				if f.Status == "pass" {
					t.Errorf("%s passes on %s despite the fault", id, f.Appliance)
				}
			}
		}
		if !seen {
			t.Errorf("no %s finding", id)
		}
	}
	if len(report.Fixes) != len(row.fixed) {
		t.Errorf("fixes %+v, want %v", report.Fixes, row.fixed)
	}
	for _, f := range report.Fixes {
		if row.fixed[f.Rule] != f.Status {
			t.Errorf("fix %s is %s, want %s: %s", f.Rule, f.Status, row.fixed[f.Rule], f.Error)
		}
	}
}

// startTestSite serves sc with opts and a fresh login key; it returns the
// key file and a known_hosts file for the site.
func startTestSite(t testing.TB, sc *sim.Scenario, opts sim.Options) (*sim.Site, string, string) {
	t.Helper()
	dir := t.TempDir()
	key, sshPub, err := sim.WriteLoginKey(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, sshPub)
	site, err := sim.Start(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	kh := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(kh, site.KnownHosts(), 0o600); err != nil {
		t.Fatal(err)
	}
	return site, key, kh
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// listenWith serves a loopback port that accepts, sends greeting (nothing
// when empty) and then stays silent until the test ends.
func listenWith(t *testing.T, greeting string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if greeting != "" {
					_, _ = c.Write([]byte(greeting))
				}
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}

// changedKnownHosts records another key for every appliance's address.
func changedKnownHosts(t *testing.T, dir string, site *sim.Site) string {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(string(site.KnownHosts())), "\n") {
		host, _, _ := strings.Cut(l, " ")
		b.WriteString(host + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(other))) + "\n")
	}
	p := filepath.Join(dir, "changed_known_hosts")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// removeFlag drops flag and its value from args.
func removeFlag(args []string, flag string) []string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			return append(append([]string{}, args[:i]...), args[i+2:]...)
		}
	}
	return args
}
