package session

import (
	"strings"
	"testing"
)

// The password prompt names the account on a line of its own, and each
// variable is asked once: a second appliance on it asks nothing more.
func TestPasswordPromptNamesAccount(t *testing.T) {
	t.Setenv("PW_A", "")
	var prompts []string
	s := &Secrets{PasswordEnv: "PW_A", Interactive: true, Ask: func(p string) (string, error) {
		prompts = append(prompts, p)
		return "secret-1", nil
	}}
	for _, who := range []string{"admin@mx1:22", "admin@mx2:22"} {
		if pw, err := s.passwordFor("", who); err != nil || pw != "secret-1" {
			t.Fatalf("passwordFor(%s) = %q, %v", who, pw, err)
		}
	}
	if len(prompts) != 1 {
		t.Fatalf("asked %d times, want once: %q", len(prompts), prompts)
	}
	first, last, ok := strings.Cut(prompts[0], "\n")
	if !ok || !strings.Contains(first, "admin@mx1:22") || last != "Password: " {
		t.Errorf("prompt %q: want the account on its own line, then \"Password: \"", prompts[0])
	}
	t.Setenv("PW_B", "from-env")
	if pw, err := s.passwordFor("PW_B", "ops@sma:22"); err != nil || pw != "from-env" || len(prompts) != 1 {
		t.Errorf("an inventory's own variable: %q, %v (prompts %d)", pw, err, len(prompts))
	}
	if got := s.known(); len(got) != 2 {
		t.Errorf("known secrets %d, want both passwords for redaction", len(got))
	}
}
