package asyncos

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// mainPromptRE is a main-prompt line of the stored logs: `host> cmd`,
// `(Cluster c)> cmd`, a bare `host> `. Sub-prompts ("[1]> 2") are not.
var mainPromptRE = regexp.MustCompile(`^\s*(?:[A-Za-z0-9][A-Za-z0-9._-]*|(?:[A-Za-z0-9][A-Za-z0-9._-]*\s*)?\((?:Cluster|Group|Machine) [^()]*\))>(?:\s|$)`)

// stripPrompts is what a customer pastes of a session: every output, its
// sub-prompts and their answers, and no main prompt line.
func stripPrompts(text string) string {
	var b strings.Builder
	for _, l := range sessionlog.Lines(text) {
		if !mainPromptRE.MatchString(strings.TrimRight(l, "\r\n")) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// pastedLogs are standalone sessions of both roles, healthy and failing,
// whose prompts the tests strip.
var pastedLogs = []string{
	"esa-healthy-14.2.log", "pvo100-healthy-esa.log", "esa-case4-fail-sslconfig-12.0.log",
	"esa-case4-fail-sslconfig-9.5.log", "esa-sslconfig-pre9.5-pass.log", "esa-case3-fail-telnet-variants.log",
	"pvo100-healthy-sma.log", "pvo102-service-off-sma.log", "pvo107-quota-full-sma.log",
	"pvo108-local-messages-esa.log", "pvo109-outbreak-expired-esa.log", "pvo104-release-auth-failure-sma.log",
}

func readLog(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sessionsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	text, err := sessionlog.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func oneSession(t *testing.T, name, text string, role facts.Role) FileSession {
	t.Helper()
	ss, err := FromFile(name, strings.NewReader(text), role)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 {
		t.Fatalf("%d sessions, want 1", len(ss))
	}
	return ss[0]
}

// whole says whether every Evidence in v is complete.
func whole(v any) bool {
	ok := true
	eachEvidence(reflect.ValueOf(v), func(ev reflect.Value) bool {
		ok = ev.FieldByName("Incomplete").String() == ""
		return ok
	})
	return ok
}

// TestPastedReadsAsPrompted strips the prompts of stored sessions and
// checks the paste gives the same facts for every dialog command whose end
// shows, marks every other block incomplete, and finds the same role.
func TestPastedReadsAsPrompted(t *testing.T) {
	for _, name := range pastedLogs {
		t.Run(name, func(t *testing.T) {
			text := readLog(t, name)
			was := oneSession(t, name, text, "")
			got := oneSession(t, name, stripPrompts(text), "")
			if got.Appliance.Role != was.Appliance.Role || got.Appliance.Role == "" {
				t.Errorf("role %q from %q, prompted %q from %q", got.Appliance.Role, got.RoleFrom, was.Appliance.Role, was.RoleFrom)
			}
			if got.Hostname != "" {
				t.Errorf("hostname %q: nothing in a paste names the appliance", got.Hostname)
			}
			if !slices.ContainsFunc(got.Appliance.Warnings, func(w facts.Warning) bool { return w.Text == PastedWarning }) {
				t.Errorf("no %q warning", PastedWarning)
			}
			w, g := was.Appliance, got.Appliance
			dialog := map[string][2]any{
				"sslconfig": {w.SSL, g.SSL}, "deliveryconfig": {w.Delivery, g.Delivery}, "tlsverify": {w.TLSVerify, g.TLSVerify},
				"clusterconfig": {w.Cluster, g.Cluster}, "diskquotaconfig": {w.DiskQuota, g.DiskQuota},
				"quarantineconfig": {w.Quarantines, g.Quarantines}, "applianceconfig": {w.Managed, g.Managed},
				"featurekey": {only(w.FeatureKeys), only(g.FeatureKeys)}, "interfaceconfig": {only(w.Interfaces), only(g.Interfaces)},
			}
			compared := 0
			for cmd, pair := range dialog {
				if reflect.ValueOf(pair[0]).IsNil() || !whole(pair[0]) {
					continue
				}
				compared++
				if !reflect.DeepEqual(pair[0], pair[1]) {
					t.Errorf("%s: pasted %+v, prompted %+v", cmd, pair[1], pair[0])
				}
			}
			if compared == 0 {
				t.Error("no dialog command to compare")
			}
			for what, v := range map[string]any{"version": g.Version, "account": g.Account, "status": g.Status,
				"tcpservices": g.TCPServices, "telnet": g.Probes, "showchanges": g.Pending, "resume": g.Resume} {
				if !reflect.ValueOf(v).IsZero() && whole(v) {
					t.Errorf("%s pasted without its prompt reads as complete", what)
				}
			}
		})
	}
}

// only is the one per-machine fact of a standalone session, its machine
// (the hostname, or the file for a paste) left out.
func only[T any](m map[string]*T) *T {
	for _, v := range m {
		c := *v
		reflect.ValueOf(&c).Elem().FieldByName("Machine").SetString("")
		return &c
	}
	return nil
}

// TestPastedNeverPassesMore runs the rules on each stripped session beside
// its partner (stripped too): a paste never passes a rule the session
// with its prompts did not, never passes one that rests on a block whose
// end cannot show (status, whoami, telnet), and every failure stays.
func TestPastedNeverPassesMore(t *testing.T) {
	paths := sessionFiles(t)
	partners := pairLogs(paths)
	needsUnbounded := []string{"PVO-001", "PVO-002", "PVO-101", "PVO-104", "PVO-105"}
	for _, name := range pastedLogs {
		t.Run(name, func(t *testing.T) {
			site := func(strip bool) map[string]rules.Status {
				s := &facts.Site{PVOPort: facts.DefaultPVOPort}
				for _, n := range []string{name, filepath.Base(partners[filepath.Join(sessionsDir, name)])} {
					if n == "." {
						continue
					}
					tx := readLog(t, n)
					if strip {
						tx = stripPrompts(tx)
					}
					a := oneSession(t, n, tx, sessionRole(n)).Appliance
					if a.Role == facts.RoleSMA {
						s.SMA = a
					} else {
						s.ESAs = append(s.ESAs, a)
					}
				}
				s.PVOHost = "sma.example.com"
				out := map[string]rules.Status{}
				for _, f := range rules.Run(s).Findings {
					k := f.ID
					if _, dup := out[k]; dup && out[k] != f.Status {
						// Several subjects: keep the least favourable.
						if out[k] == rules.StatusFail || (out[k] == rules.StatusUnknown && f.Status != rules.StatusFail) {
							continue
						}
					}
					out[k] = f.Status
				}
				return out
			}
			was, got := site(false), site(true)
			for id, st := range got {
				switch {
				case st == rules.StatusPass && was[id] != rules.StatusPass:
					t.Errorf("%s: pass pasted, %s with prompts", id, was[id])
				case st == rules.StatusPass && slices.Contains(needsUnbounded, id):
					t.Errorf("%s passes on a block whose end a paste cannot show", id)
				}
			}
			for id, st := range was {
				if st == rules.StatusFail && got[id] != rules.StatusFail {
					t.Errorf("%s: fail with prompts, %s pasted", id, got[id])
				}
			}
		})
	}
}

// TestPastedCase4StillFails is the ticket the feature is for: sslconfig
// and tlsverify pasted without prompts between a customer's sentences
// still show case 4's anonymous ciphers.
func TestPastedCase4StillFails(t *testing.T) {
	const name = "headless-esa-case4-ticket.log"
	text := readLog(t, name)
	forwarded := "Fwd: the customer wrote:\n\n> " + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n> ") + "\n"
	for what, text := range map[string]string{"as pasted": text, "forwarded": forwarded,
		"crlf": strings.ReplaceAll(text, "\n", "\r\n")} {
		t.Run(what, func(t *testing.T) { case4StillFails(t, name, text) })
	}
}

func case4StillFails(t *testing.T, name, text string) {
	fs := oneSession(t, name, text, "")
	a := fs.Appliance
	if a.Role != facts.RoleESA || fs.RoleFrom != "version" {
		t.Errorf("role %q from %q, want esa from version", a.Role, fs.RoleFrom)
	}
	if a.SSL == nil || !whole(a.SSL) || a.TLSVerify == nil || !whole(a.TLSVerify) {
		t.Fatalf("sslconfig %+v, tlsverify %+v: want both read whole", a.SSL, a.TLSVerify)
	}
	if len(a.Errors) > 0 {
		t.Errorf("errors %v: the prose between the blocks reached a parser", a.Errors)
	}
	var st rules.Status
	for _, f := range rules.Run(&facts.Site{ESAs: []*facts.Appliance{a}, PVOPort: facts.DefaultPVOPort}).Findings {
		if f.ID == "PVO-004" {
			st = f.Status
		}
	}
	if st != rules.StatusFail {
		t.Errorf("PVO-004 %s, want fail", st)
	}
}

// TestPastedCutting checks where blocks start and end in a paste: prose
// before, between and after them is no block's, line numbers are the
// file's, and a block cut short of its menu is incomplete even when
// another recognised block follows it.
func TestPastedCutting(t *testing.T) {
	text := strings.Join([]string{
		"Hi, here is deliveryconfig:", // 1
		"",
		"Default interface to deliver mail: In", // 3
		"Default system wide maximum outbound message delivery concurrency: 10000",
		"",
		"and featurekey (I could only copy half):",                                 // 6
		"Module                              Quantity  Remaining  Expiration Date", // 7
		"Outbreak Filters                    1         287 days   Sun Sep 12 00:00:00 2027",
		"Whoami says:",    // 9
		"Username: admin", // 10
		"Groups: admin",
		"",
		"Thanks, Jane", // 13
	}, "\n")
	cmds, err := sessionlog.SplitPasted(strings.NewReader(text), newPasteReader)
	if err != nil {
		t.Fatal(err)
	}
	type blk struct {
		name   string
		line   int
		lines  int
		whole  bool
		inLast int
	}
	var got []blk
	for _, c := range cmds {
		got = append(got, blk{c.Name, c.Line, c.TextLines(), completeness(c) == "", c.InputLine(c.TextLines())})
	}
	want := []blk{
		{"deliveryconfig", 3, 2, false, 4},
		// The prose line after the table has no blank before it: the
		// block takes it, and it stays incomplete.
		{"featurekey", 7, 3, false, 9},
		{"whoami", 10, 2, false, 11},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("blocks\n got %v\nwant %v", got, want)
	}
	_, err = sessionlog.SplitPasted(strings.NewReader("Hello,\n\nplease find the screenshot attached.\n"), newPasteReader)
	if !errors.Is(err, sessionlog.ErrNoPrompt) || err.Error() != sessionlog.ErrNoPrompt.Error() {
		t.Errorf("prose only: %v, want %v", err, sessionlog.ErrNoPrompt)
	}
}

// TestPastedTruncationNeverPasses is TestTruncationNeverPasses over the
// stripped sessions: cutting a paste at any line never turns a rule's fail
// or unknown into a pass.
func TestPastedTruncationNeverPasses(t *testing.T) {
	partners := pairLogs(sessionFiles(t))
	for _, name := range pastedLogs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pasted := "headless-" + name
			text := stripPrompts(readLog(t, name))
			var partner *facts.Appliance
			if p := partners[filepath.Join(sessionsDir, name)]; p != "" {
				partner = oneSession(t, "headless-"+filepath.Base(p), stripPrompts(readLog(t, filepath.Base(p))), "").Appliance
			}
			base, pvoHost, ok := verdicts(pasted, text, partner, "sma.example.com")
			if !ok {
				t.Fatal("the whole paste does not read")
			}
			lines := sessionlog.Lines(text)
			for _, k := range cutPoints(text, lines) {
				got, _, ok := verdicts(pasted, strings.Join(lines[:k], ""), partner, pvoHost)
				if !ok {
					continue
				}
				for key, st := range got {
					was, seen := base[key]
					if !seen {
						was = worstOf(base, key.id)
					}
					if st == rules.StatusPass && (was == rules.StatusFail || was == rules.StatusUnknown) {
						t.Errorf("cut after line %d: %s %s was %s, is pass", k, key.id, key.appliance, was)
					}
				}
			}
		})
	}
}
