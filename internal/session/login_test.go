package session

import (
	"errors"
	"strings"
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
)

// A forced password change is an AsyncOS CLI saying what is wrong: one
// line, the step named once, and no hint that it may not be AsyncOS.
func TestLoginErrorForcedPasswordChange(t *testing.T) {
	err := error(&Error{StepLogin, loginHint(&channel.PasswordChangeError{Host: "sma.example.com", Prompt: "Old Password:"})})
	msg := err.Error()
	if strings.Count(msg, "login:") != 1 || strings.Contains(msg, "AsyncOS CLI?") || strings.Contains(msg, "\n") ||
		!strings.Contains(msg, "never changes a password") {
		t.Errorf("got %q", msg)
	}
	var pc *channel.PasswordChangeError
	if !errors.As(err, &pc) {
		t.Error("the password change is not reachable with errors.As")
	}
	other := (&Error{StepLogin, loginHint(errors.New("timed out waiting for a main prompt"))}).Error()
	if !strings.Contains(other, "is this an AsyncOS CLI?") || strings.Count(other, "login:") != 1 {
		t.Errorf("got %q", other)
	}
}
