package transport

import (
	"os"

	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// Explicit says which settings of a base Config the command line set
// itself; those win over ssh_config. (User and port are settled earlier:
// sshconfig.Query carries the command line's.)
type Explicit struct {
	Identities     bool // --identity: its keys are tried before IdentityFile's, as ssh -i
	KnownHosts     bool // --known-hosts: replaces UserKnownHostsFile
	HostKeyPolicy  bool // --accept-new-host-keys or --insecure-ignore-host-key: replaces StrictHostKeyChecking
	ConnectTimeout bool // --connect-timeout: replaces ConnectTimeout
}

// WithSSHConfig returns the address to dial for h and base completed with
// what ssh_config says about h (keys, certificates, agent, known_hosts and
// HostKeyAlias, host key policy, connect timeout, ProxyCommand), and Jumps
// for its ProxyJump hosts, each hop with its own of those from ssh_config
// and everything else from base. A jump host is offered keys only (agent
// and identity files): the appliance's password is never sent to another
// host. A caller that has a jump host's own password sets that hop's
// Config.Password. Through a ProxyCommand the password may be sent: the
// session inside it is the appliance's own.
func WithSSHConfig(base Config, h sshconfig.Host, explicit Explicit) (addr string, cfg Config) {
	cfg = applyHost(base, h, explicit)
	cfg.Jumps = nil
	for _, j := range h.Jumps {
		jc := applyHost(base, j, explicit)
		jc.Password = nil
		jc.Jumps = nil
		cfg.Jumps = append(cfg.Jumps, Jump{Addr: j.Addr(), Config: jc})
	}
	return h.Addr(), cfg
}

func applyHost(base Config, h sshconfig.Host, explicit Explicit) Config {
	c := base
	c.User = h.User
	if h.IdentityFiles != nil {
		// ssh(1) skips an IdentityFile that does not exist; a --identity
		// that does not exist stays an error, from Dial.
		var ids []string
		if explicit.Identities {
			ids = append(ids, base.Identities...)
		}
		for _, f := range h.IdentityFiles {
			if _, err := os.Stat(f); err == nil {
				ids = append(ids, f)
			}
		}
		if ids == nil {
			ids = []string{}
		}
		c.Identities = ids
	}
	c.IdentitiesOnly = base.IdentitiesOnly || h.IdentitiesOnly
	if h.CertificateFiles != nil {
		c.Certificates = h.CertificateFiles
	}
	switch h.IdentityAgent {
	case "":
	case "none":
		c.UseAgent = false
	default:
		// A base without the agent (the command line turned it off) stays so.
		c.AgentSocket = h.IdentityAgent
	}
	if h.HostKeyAlias != "" {
		c.HostKeyAlias = h.HostKeyAlias
	}
	c.ProxyCommand = h.ProxyCommand
	if !explicit.KnownHosts && h.KnownHostsFiles != nil {
		if len(h.KnownHostsFiles) == 0 { // UserKnownHostsFile none
			c.KnownHostsFile, c.ExtraKnownHostsFiles = os.DevNull, nil
		} else {
			c.KnownHostsFile, c.ExtraKnownHostsFiles = h.KnownHostsFiles[0], h.KnownHostsFiles[1:]
		}
	}
	if h.GlobalKnownHostsFiles != nil {
		c.GlobalKnownHostsFiles = h.GlobalKnownHostsFiles
	}
	c.HashKnownHosts = c.HashKnownHosts || h.HashKnownHosts
	if !explicit.HostKeyPolicy {
		switch h.StrictHostKeyChecking {
		case "yes", "ask": // nobody is asked here: an unknown key is refused
			c.AcceptNewHostKeys, c.InsecureIgnoreHostKey = false, false
		case "accept-new":
			c.AcceptNewHostKeys, c.InsecureIgnoreHostKey = true, false
		case "no":
			c.AcceptNewHostKeys, c.InsecureIgnoreHostKey = false, true
		}
	}
	if !explicit.ConnectTimeout && h.ConnectTimeout > 0 {
		c.ConnectTimeout = h.ConnectTimeout
	}
	return c
}
