// Package sshconfig reads OpenSSH client configuration (~/.ssh/config,
// /etc/ssh/ssh_config or one -F file) and resolves a host name the way ssh(1)
// does: Host blocks, Match blocks with every ssh(1) criterion (exec included,
// under a timeout) and the final pass, first value wins, Include, tokens and ~
// in paths, ProxyJump chains whose hops are resolved in turn, ProxyCommand
// (whichever of the two comes first), IdentityAgent, HostKeyAlias,
// CertificateFile and hostname canonicalization (CanonicalizeHostname and
// its keywords, through a resolver the caller may replace). It knows only
// the keywords pvo-doctor uses; package transport turns the result into a
// dial.
package sshconfig
