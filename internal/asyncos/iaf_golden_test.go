package asyncos

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

const iafGoldenDir = "../../testdata/golden/iaf"

// iafBlock is what the parsers for Cisco's test library's facts read from
// one command block; the driver that wires them into FromSession is yet to
// come, so they have goldens of their own.
type iafBlock struct {
	Line        int
	Command     string
	Pending     *facts.PendingChanges    `json:",omitempty"`
	DQ          *facts.DelayedQuarantine `json:",omitempty"`
	Notice      *facts.Notice            `json:",omitempty"`
	Clustermode *ClustermodeMenu         `json:",omitempty"`
	Managed     *facts.ManagedAppliances `json:",omitempty"`
	Port        int                      `json:",omitempty"`
	Status      *facts.SystemStatus      `json:",omitempty"`
	FeatureKeys *facts.FeatureKeys       `json:",omitempty"`
	KeyStates   []facts.KeyState         `json:",omitempty"`
	Commit      *facts.CommitResult      `json:",omitempty"`
	Warnings    []facts.Warning          `json:",omitempty"`
	Error       string                   `json:",omitempty"`
}

func iafBlocks(t *testing.T, path string) []iafBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmds, err := sessionlog.Split(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []iafBlock
	for _, c := range cmds {
		b := iafBlock{Line: c.Line, Command: c.CommandLine()}
		var err error
		switch line := c.CommandLine(); {
		case c.Name == "showchanges":
			b.Pending, b.Warnings, err = ParseShowChanges(c.Text)
		case c.Name == "dqconfig":
			b.DQ, b.Warnings, err = ParseDQConfig(c.Text)
		case line == "clustermode":
			b.Clustermode, _ = ParseClustermodeMenu(c.Text)
		case line == "applianceconfig list":
			b.Managed, b.Warnings, err = ParseApplianceList(c.Text)
		case line == "applianceconfig port":
			b.Port, _, err = ParseAppliancePort(c.Text)
		case line == "applianceconfig":
			b.Managed, b.Warnings, err = ParseApplianceConfig(c.Text)
		case c.Name == "status":
			b.Status, b.Warnings, err = ParseStatus(c.Text)
		case c.Name == "featurekey":
			b.FeatureKeys, b.Warnings, err = ParseFeatureKey(c.Text)
			if b.FeatureKeys != nil {
				for _, k := range b.FeatureKeys.Keys {
					b.KeyStates = append(b.KeyStates, k.State())
				}
			}
		case c.Name == "commit":
			b.Commit, b.Warnings, err = ParseCommit(c.Text)
		case c.Name == "clearchanges" || c.Name == "clear":
			b.Commit, b.Warnings, err = ParseClearChanges(c.Text)
		default:
			n, ok := DetectNotice(c.Text)
			if !ok {
				continue
			}
			b.Notice = n
		}
		if err != nil {
			b.Error = err.Error()
		}
		out = append(out, b)
	}
	return out
}

func TestIAFGoldenFacts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sessionsDir, "iaf-*.log"))
	if len(files) == 0 {
		t.Fatal("no iaf-*.log session logs")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(iafBlocks(t, path), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(iafGoldenDir, strings.TrimSuffix(name, ".log")+".json"), append(got, '\n'))
		})
	}
}

// compareGolden checks got against the golden file, or rewrites it with
// -update.
func compareGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("facts differ from %s (run go test -update and review the diff):\n%s", golden, got)
	}
}

// The detector sees a NOTICE only where AsyncOS printed one: never in a
// settings block, nor in the seed's transcripts.
func TestNoNoticeWhereNonePrinted(t *testing.T) {
	for _, path := range sessionFiles(t) {
		if strings.HasPrefix(filepath.Base(path), "iaf-") || isMailLog(path) {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cmds, err := sessionlog.Split(f)
		f.Close()
		if err != nil {
			continue
		}
		for _, c := range cmds {
			if n, ok := DetectNotice(c.Text); ok && !strings.Contains(c.Text, "NOTICE: This configuration command has not yet been configured") {
				t.Errorf("%s:%d: %s: a NOTICE %+v", filepath.Base(path), c.Line, c.Name, n)
			}
		}
	}
}
