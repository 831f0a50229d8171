package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary double as pvo-doctor, so scripts run the
// real command line, streams and exit codes in a child process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pvo-doctor": func() { os.Exit(Run(System(), os.Args[1:])) },
	})
}

// TestScripts runs testdata/script/*.txtar. $SESSIONS is the repository's
// testdata/sessions, so scripts can analyze the shared session logs, and
// $TICKETS its testdata/tickets (directories as customers send them); the
// condition [root] lets permission tests skip where root reads anything.
func TestScripts(t *testing.T) {
	sessions, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sessions"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SESSIONS", sessions)
			env.Setenv("TICKETS", filepath.Join(filepath.Dir(sessions), "tickets"))
			// A -race binary waits a second at exit for late reports;
			// every exec in a script would pay it.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"exits": cmdExits},
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		RequireExplicitExec: true,
	})
}

// cmdExits is `exits CODE command [args...]`: it runs the command like
// exec and requires exactly that exit code, since exec and ! exec only
// tell zero from non-zero and pvo-doctor's codes 1, 2 and 3 mean
// different things.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}
