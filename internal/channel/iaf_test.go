package channel

import (
	"strings"
	"testing"
)

func TestStepsMustNameTheirQuestion(t *testing.T) {
	f := newFake()
	ch := startFake(t, f, Options{})
	ctx := testCtx(t)
	for _, tc := range []struct {
		step Step
		want string
	}{
		{Step{Answer: "x"}, "names no question"},
		{Step{Expect: "a", Fragment: "b"}, "both a pattern and a fragment"},
	} {
		if _, err := ch.Dialog(ctx, "status", tc.step); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.step, err, tc.want)
		}
	}
	// A fragment is literal and ignores case.
	out, err := ch.Dialog(ctx, "deliveryconfig",
		Step{Fragment: "CHOOSE THE OPERATION", Answer: "SETUP"},
		Step{Fragment: "default interface (to deliver", Choose: "Auto", Optional: true},
		Step{Fragment: "default interface to deliver", Choose: "Auto"},
		Step{Fragment: `"possible delivery"`, Default: true},
		Step{Fragment: "wide maximum outbound", Default: true},
		Step{Fragment: "wide TLS maximum", Default: true, Optional: true},
		Step{Fragment: "choose the operation", Default: true})
	if err != nil || !strings.Contains(out, "[]> SETUP\n") {
		t.Fatalf("fragments: %v\n%s", err, out)
	}
}

func TestRestrictedWordingsOfIAF(t *testing.T) {
	for q, want := range map[string]bool{
		`This command is restricted to "machine" mode.  Would you like to switch to "machine" mode? [Y]> `:                                                                                                           true,
		"This command is restricted to run in machine mode of the machine you are logged in to.  Do you want to switch to \"Machine a.b\" mode? [Y]> ":                                                               true,
		"This command is restricted to machine mode.  Since the current host (a.b) is disconnected, you may only run it in machine mode.\nDo you want to switch to a different machine to run the command on? [Y]> ": true,
		"This command is restricted to machine-mode only.  The machine for the current mode (Machine a.b) is currently disconnected.\nDo you want to switch to a different machine to run the command on? [Y]> ":     true,
		"Do you want to start a new, empty configuration at the current mode (Cluster C)? [Y]> ":                                                                                                                     false,
	} {
		if got := isRestricted(q); got != want {
			t.Errorf("isRestricted(%q) = %v", q, got)
		}
	}
	if l := restrictedLine("This command is restricted to run in machine mode of the machine you are logged in to.  Do you want to switch? [Y]> "); l != "This command is restricted to run in machine mode of the machine you are logged in to." {
		t.Errorf("restrictedLine = %q", l)
	}
}
