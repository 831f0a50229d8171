package cli

import (
	"context"
	"strings"
	"testing"
)

// TestCheckProgressOnlyOnTerminal: each appliance's step shows on stderr
// when it is a terminal, and nothing but errors when it is not.
func TestCheckProgressOnlyOnTerminal(t *testing.T) {
	for _, tty := range []bool{false, true} {
		opts, _, _ := benchSite(t, loadScenario(t, "healthy"), 0)
		ios, _, out, errOut := Test()
		ios.SetTTY(false, false, tty)
		opts.IO = ios
		if err := checkRun(context.Background(), opts); err != nil {
			t.Fatalf("check (stderr terminal %v): %v", tty, err)
		}
		if !strings.Contains(out.String(), `"schema_version": 1`) {
			t.Errorf("no JSON report on stdout: %q", out.String())
		}
		progress := errOut.String()
		if !tty && progress != "" {
			t.Errorf("stderr is not a terminal, yet it got %q", progress)
		}
		if tty {
			for _, want := range []string{"esa admin@127.0.0.1:", ": tlsverify", "sma admin@127.0.0.1:", ": applianceconfig"} {
				if !strings.Contains(progress, want) {
					t.Errorf("progress on a terminal lacks %q: %q", want, progress)
				}
			}
			if !strings.HasSuffix(progress, "\r\033[K") {
				t.Errorf("progress does not clear its line at the end: %q", progress)
			}
		}
	}
}
