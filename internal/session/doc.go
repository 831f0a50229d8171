// Package session opens one logged-in AsyncOS CLI session on one appliance:
// the SSH dial (auth, host keys, legacy algorithms), the PTY, the learned
// prompt, an optional redacted transcript (mode 0600) and the run's secrets,
// asked for at most once and redacted everywhere.
//
// It is the only package the driver reaches SSH and the prompt layer
// through: Options is the one place dial settings come from, so ssh_config
// aliases, jump hosts or an inventory can fill it later without the driver
// or the command line changing shape.
package session
