//go:build !unix

package sshconfig

import "os/exec"

// killGroup leaves the default: the timeout kills the shell only.
func killGroup(*exec.Cmd) {}
