package cli

import (
	"errors"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the controller and the terminal of a new pseudo-terminal.
func openPTY(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return ptmx, tty
}

// Ctrl-C at the password prompt returns at once and gives the terminal its
// echo back, instead of leaving a run waiting for a password nobody types.
func TestReadSecretInterrupted(t *testing.T) {
	_, tty := openPTY(t)
	ios, _, _, errOut := Test()
	ios.termFd = int(tty.Fd())
	ios.stdinTTY = true
	stop := make(chan struct{})
	ios.interrupted = stop
	done := make(chan struct{})
	go func() {
		// Interrupt once the prompt has turned echo off, as the
		// terminal's own state shows (or give up when the read ended).
		for {
			select {
			case <-done:
				return
			default:
			}
			tm, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if err == nil && tm.Lflag&unix.ECHO == 0 {
				close(stop)
				return
			}
		}
	}()
	_, err := ios.ReadSecret("Password: ")
	close(done)
	if !errors.Is(err, errInterrupted) {
		t.Fatalf("ReadSecret = %v, want interrupted", err)
	}
	tm, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || tm.Lflag&unix.ECHO == 0 {
		t.Errorf("echo still off after the interrupt (%v)", err)
	}
	if errOut.String() != "Password: \n" {
		t.Errorf("stderr %q", errOut)
	}
}
