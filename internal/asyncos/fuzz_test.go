package asyncos

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

// seedOutputs adds to f the output of every command named name in the
// stored sessions: real shapes for the fuzzer to mutate.
func seedOutputs(f *testing.F, name string) {
	files, _ := filepath.Glob(filepath.Join(sessionsDir, "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		cmds, err := sessionlog.SplitString(string(b))
		if err != nil {
			continue
		}
		for _, c := range cmds {
			if c.Name == name {
				f.Add(c.Text)
			}
		}
	}
	f.Add("")
}

// fuzzParser holds a parser to its contract on any input: no panic, and
// either a fact or a *ParseError, never both and never neither.
func fuzzParser(f *testing.F, seedCmd string, parse func(string) (any, []facts.Warning, error)) {
	seedOutputs(f, seedCmd)
	f.Fuzz(func(t *testing.T, s string) {
		v, _, err := parse(s)
		var pe *ParseError
		if err != nil {
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if strings.ContainsAny(pe.Error(), "\n") {
				t.Fatalf("error is not one line: %q", pe.Error())
			}
			return
		}
		if v == nil {
			t.Fatal("no fact and no error")
		}
	})
}

// nilIfNone turns a typed nil pointer into an untyped nil for the check above.
func nilIfNone[T any](v *T, w []facts.Warning, err error) (any, []facts.Warning, error) {
	if v == nil {
		return nil, w, err
	}
	return v, w, err
}

func FuzzParseVersion(f *testing.F) {
	fuzzParser(f, "version", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseVersion(s)) })
}

func FuzzParseWho(f *testing.F) {
	fuzzParser(f, "who", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseWho(s, "admin")) })
}

func FuzzParseWhoami(f *testing.F) {
	fuzzParser(f, "whoami", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseWhoami(s)) })
}

func FuzzParseStatus(f *testing.F) {
	fuzzParser(f, "status", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseStatus(s)) })
}

func FuzzParseResume(f *testing.F) {
	fuzzParser(f, "resume", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseResume(s)) })
}

func FuzzParseResumeTransfers(f *testing.F) {
	fuzzParser(f, "resumetransfers", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseResumeTransfers(s)) })
}

func FuzzParseDeliveryConfig(f *testing.F) {
	fuzzParser(f, "deliveryconfig", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseDeliveryConfig(s)) })
}

func FuzzParseTelnet(f *testing.F) {
	fuzzParser(f, "telnet", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseTelnet(s)) })
}

func FuzzParseTLSVerify(f *testing.F) {
	fuzzParser(f, "tlsverify", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseTLSVerify(s)) })
}

func FuzzParseSSLConfig(f *testing.F) {
	fuzzParser(f, "sslconfig", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseSSLConfig(s)) })
}

func FuzzParseClusterConfig(f *testing.F) {
	fuzzParser(f, "clusterconfig", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseClusterConfig(s)) })
}

func FuzzReadLevels(f *testing.F) {
	fuzzParser(f, "policyconfig", func(s string) (any, []facts.Warning, error) {
		v, err := ReadLevels(facts.SettingContentFilters, "C", []LevelBlock{{Mode: "cluster", Text: s}}, []string{"cluster"})
		return v, nil, err
	})
}

func FuzzParseFeatureKey(f *testing.F) {
	fuzzParser(f, "featurekey", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseFeatureKey(s)) })
}

func FuzzParseTCPServices(f *testing.F) {
	fuzzParser(f, "tcpservices", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseTCPServices(s)) })
}

func FuzzParseCommit(f *testing.F) {
	fuzzParser(f, "commit", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseCommit(s)) })
}

func FuzzParseClearChanges(f *testing.F) {
	fuzzParser(f, "clearchanges", func(s string) (any, []facts.Warning, error) { return nilIfNone(ParseClearChanges(s)) })
}

// sessionSeeds is every stored session file, for the fuzzers to mutate.
func sessionSeeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob(filepath.Join(sessionsDir, "*"))
	var out [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func FuzzScanMailLog(f *testing.F) {
	for _, b := range sessionSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ml, err := ScanMailLog(bytes.NewReader(b), facts.DefaultPVOPort)
		if err != nil {
			t.Fatalf("reading memory failed: %v", err)
		}
		if len(ml.Connections) > maxConnections {
			t.Fatalf("%d connections kept", len(ml.Connections))
		}
		for _, c := range ml.Connections {
			if c.Port != facts.DefaultPVOPort || len(c.Lines) == 0 {
				t.Fatalf("bad connection %+v", c)
			}
		}
	})
}

func FuzzFromSession(f *testing.F) {
	for _, b := range sessionSeeds(f) {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		app, err := FromSession("fuzz.log", strings.NewReader(s), facts.RoleESA)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.log: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if app == nil || app.Role != facts.RoleESA || app.Address != "fuzz.log" {
			t.Fatalf("bad appliance %+v", app)
		}
	})
}

// FuzzFromFile holds the per-appliance split to its contract: sessions in
// file order, each with its own lines and a role only from evidence, and
// every error one line naming the file.
func FuzzFromFile(f *testing.F) {
	for _, b := range sessionSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ss, err := FromFile("fuzz.log", bytes.NewReader(b), "")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.log: ") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line naming the file: %q", err)
			}
			return
		}
		for _, s := range ss {
			if slices.ContainsFunc(s.Appliance.Warnings, func(w facts.Warning) bool { return w.Text == PastedWarning }) &&
				(len(ss) != 1 || s.Cluster != "" || len(s.Machines) > 0) {
				// A paste without prompts is one appliance, in no mode.
				t.Fatalf("%d sessions from a paste, cluster %q, machines %v", len(ss), s.Cluster, s.Machines)
			}
		}
		last := 0
		for _, s := range ss {
			// < not <=: an HTML export's <br> may end a session and
			// start the next on one line of the file.
			if s.FirstLine < last || s.LastLine < s.FirstLine || s.Appliance == nil {
				t.Fatalf("sessions out of order or empty: %+v", s)
			}
			last = s.LastLine
			if (s.Appliance.Role == "") != (s.RoleFrom == "") {
				t.Fatalf("role %q from %q", s.Appliance.Role, s.RoleFrom)
			}
		}
	})
}
