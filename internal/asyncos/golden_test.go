package asyncos

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

var update = flag.Bool("update", false, "rewrite the golden facts in testdata/golden/facts")

const (
	sessionsDir = "../../testdata/sessions"
	goldenDir   = "../../testdata/golden/facts"
)

// sessionRole is the naming rule of testdata/sessions: a file whose name
// has "sma" in it is an SMA session, every other one an ESA session.
func sessionRole(name string) facts.Role {
	if strings.Contains(name, "sma") {
		return facts.RoleSMA
	}
	return facts.RoleESA
}

// isMailLog tells a bare mail_logs file from a CLI session.
func isMailLog(name string) bool { return strings.Contains(name, "maillog") }

// isTicket tells a file that may hold several appliances' sessions, read
// with FromFile and no role given.
func isTicket(name string) bool { return strings.HasPrefix(name, "ticket-") }

// isPasted tells a file of outputs pasted without prompts, read with
// FromFile and the role its name says.
func isPasted(name string) bool { return strings.HasPrefix(name, "headless-") }

type goldenResult struct {
	Sessions  []FileSession    `json:",omitempty"`
	Appliance *facts.Appliance `json:",omitempty"`
	MailLog   *facts.MailLog   `json:",omitempty"`
	Error     string           `json:",omitempty"`
}

func sessionFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sessionsDir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no session logs in %s: %v", sessionsDir, err)
	}
	return files
}

func analyse(t testing.TB, path string) goldenResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	name := filepath.Base(path)
	var res goldenResult
	switch {
	case isMailLog(name):
		res.MailLog, err = ScanMailLog(f, facts.DefaultPVOPort)
	case isTicket(name):
		res.Sessions, err = FromFile(name, f, "")
	case isPasted(name):
		res.Sessions, err = FromFile(name, f, sessionRole(name))
	default:
		res.Appliance, err = FromSession(name, f, sessionRole(name))
	}
	if err != nil {
		res.Error = err.Error()
	}
	return res
}

func TestGoldenFacts(t *testing.T) {
	for _, path := range sessionFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			res := analyse(t, path)
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(goldenDir, strings.TrimSuffix(name, filepath.Ext(name))+".json"), append(got, '\n'))
		})
	}
}
