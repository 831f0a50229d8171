//go:build unix

package sshconfig

import (
	"os/exec"
	"syscall"
)

// killGroup makes the timeout kill the whole command: sh -c forks, and
// killing only the shell would leave its children running.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
