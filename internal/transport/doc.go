// Package transport is pvo-doctor's SSH client layer: it dials an appliance
// (over TCP, through jump hosts or a ProxyCommand), verifies its host key
// against known_hosts, logs in (certificates, agent, identity files,
// password, keyboard-interactive) and opens a PTY shell or runs one command.
// It moves bytes only; prompts and dialogs belong to package channel.
package transport
