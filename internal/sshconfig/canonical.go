package sshconfig

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// DefaultLookupTimeout bounds each name lookup CanonicalizeHostname makes:
// ssh(1) waits as long as the system resolver does, but a check that hangs
// on DNS before it dials helps no one.
const DefaultLookupTimeout = 3 * time.Second

// Resolver looks names up for CanonicalizeHostname; *net.Resolver is one.
// LookupCNAME is asked only when CanonicalizePermittedCNAMEs is set: about
// the name a CanonicalDomains suffix or a trailing dot found, or else about
// the name itself, as ssh(1) asks the system resolver.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
	LookupCNAME(ctx context.Context, host string) (string, error)
}

// canonMode is CanonicalizeHostname's value.
type canonMode int

const (
	canonNo canonMode = iota
	canonYes
	canonAlways
)

func canonicalizeMode(vs *values) (canonMode, error) {
	v, ok := vs.first("canonicalizehostname")
	if !ok {
		return canonNo, nil
	}
	switch strings.ToLower(v.val) {
	case "no", "false":
		return canonNo, nil
	case "yes", "true":
		return canonYes, nil
	case "always":
		return canonAlways, nil
	}
	return canonNo, v.errorf("bad CanonicalizeHostname %q (want yes, no or always)", v.val)
}

// cnameRule is one CanonicalizePermittedCNAMEs source:target pair, each a
// pattern list.
type cnameRule struct{ source, target string }

// canonRules are the canonicalization keywords of one lookup, read from
// the first pass as ssh(1) has them when it canonicalizes.
type canonRules struct {
	mode     canonMode
	direct   bool
	domains  []string
	maxDots  int
	fallback bool
	fbAt     value // CanonicalizeFallbackLocal, for the error when it is no
	cnames   []cnameRule
}

func readCanonRules(vs *values, q Query, mode canonMode) (canonRules, error) {
	r := canonRules{mode: mode, direct: direct(vs, q), maxDots: 1, fallback: true}
	if d, ok := vs.first("canonicaldomains"); ok {
		fields := strings.Fields(d.val)
		for _, f := range fields {
			if strings.EqualFold(f, "none") {
				if len(fields) > 1 {
					return r, d.errorf("CanonicalDomains none must appear alone")
				}
				break
			}
			dom, err := validDomain(f)
			if err != nil {
				return r, d.errorf("CanonicalDomains: %w", err)
			}
			r.domains = append(r.domains, dom)
		}
	}
	if md, ok := vs.first("canonicalizemaxdots"); ok {
		n, err := strconv.Atoi(md.val)
		if err != nil || n < 0 {
			return r, md.errorf("bad CanonicalizeMaxDots %q (want a number, 0 or more)", md.val)
		}
		r.maxDots = n
	}
	if fb, ok := vs.first("canonicalizefallbacklocal"); ok {
		b, err := yesNo(fb)
		if err != nil {
			return r, err
		}
		r.fallback, r.fbAt = b, fb
	}
	if pc, ok := vs.first("canonicalizepermittedcnames"); ok {
		fields := strings.Fields(pc.val)
		for _, f := range fields {
			switch {
			case strings.EqualFold(f, "none"):
				if len(fields) > 1 {
					return r, pc.errorf("CanonicalizePermittedCNAMEs none must appear alone")
				}
			case f == "*":
				r.cnames = append(r.cnames, cnameRule{"*", "*"})
			default:
				src, tgt, ok := strings.Cut(strings.ToLower(f), ":")
				if !ok || tgt == "" {
					return r, pc.errorf("bad CanonicalizePermittedCNAMEs %q (want source_domains:target_domains)", f)
				}
				r.cnames = append(r.cnames, cnameRule{src, tgt})
			}
		}
	}
	return r, nil
}

// direct says no proxy will interpret the name, which is when ssh(1)
// canonicalizes under "yes": neither a ProxyCommand (other than none) nor a
// ProxyJump came first, nor -J. ProxyJump none and -J none are direct, as
// in OpenSSH 9.3 and later and ssh_config(5); 9.2 counted them as proxied
// (bz3567).
func direct(vs *values, q Query) bool {
	if q.Jump != "" {
		return strings.EqualFold(q.Jump, "none")
	}
	pj, hasJump := vs.first("proxyjump")
	if pc, ok := vs.first("proxycommand"); ok && (!hasJump || pc.before(pj)) {
		return strings.EqualFold(pc.val, "none")
	}
	return !hasJump || strings.EqualFold(pj.val, "none")
}

// validDomain is ssh(1)'s valid_domain for a CanonicalDomains entry: a
// letter or digit first, then letters, digits, - _ and single dots; lower
// case, without a trailing dot.
func validDomain(d string) (string, error) {
	if !isAlnum(rune(d[0])) {
		return "", fmt.Errorf("domain name %q starts with an invalid character", d)
	}
	if strings.Contains(d, "..") {
		return "", fmt.Errorf("domain name %q contains consecutive separators", d)
	}
	for _, r := range d {
		if !isAlnum(r) && r != '.' && r != '-' && r != '_' {
			return "", fmt.Errorf("domain name %q contains invalid characters", d)
		}
	}
	return strings.TrimSuffix(strings.ToLower(d), "."), nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// looksLikeAddr is ssh(1)'s is_addr_fast: a name that can only be an
// address is never canonicalized.
func looksLikeAddr(host string) bool {
	return strings.ContainsAny(host, "%:") || strings.Trim(host, "0123456789.") == ""
}

// canonicalize is ssh(1)'s resolve_canonicalize and the CNAME rules after
// it, for host (the HostName so far, lower case): an anchored name is
// looked up as it is, one with at most CanonicalizeMaxDots dots with each
// CanonicalDomains suffix in turn, and the first that resolves is the
// name, dot removed. A lookup that fails for any reason counts as not
// found, as in ssh(1).
func (c *Config) canonicalize(host string, r canonRules) (string, error) {
	if looksLikeAddr(host) || r.mode == canonNo || !r.direct && r.mode != canonAlways {
		return host, nil
	}
	var lastErr error
	found := func(name string) bool {
		ok, err := c.resolves(name)
		if err != nil {
			lastErr = err
		}
		return ok
	}
	if strings.HasSuffix(host, ".") {
		if found(host) {
			return c.followCNAME(strings.TrimSuffix(host, "."), host, r), nil
		}
	} else {
		if strings.Count(host, ".") > r.maxDots {
			return c.followCNAME(host, host, r), nil
		}
		for _, d := range r.domains {
			if name := host + "." + d + "."; found(name) {
				return c.followCNAME(strings.TrimSuffix(name, "."), name, r), nil
			}
		}
	}
	if !r.fallback {
		tried := "no CanonicalDomains"
		if len(r.domains) > 0 {
			tried = "not found in CanonicalDomains " + strings.Join(r.domains, " ")
		}
		if strings.HasSuffix(host, ".") {
			tried = "not found"
		}
		if lastErr != nil {
			tried += " (" + lastErr.Error() + ")"
		}
		return "", r.fbAt.errorf("could not canonicalize %s: %s, and CanonicalizeFallbackLocal is no", host, tried)
	}
	return c.followCNAME(host, host, r), nil
}

// resolves says whether LookupHost finds name, under the lookup timeout;
// the error is why it could not tell, and nil for "no such host".
func (c *Config) resolves(name string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.lookupTimeout)
	defer cancel()
	addrs, err := c.resolver.LookupHost(ctx, name)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return false, nil
	case dnsErr != nil:
		return false, err // it names the name
	case err != nil:
		return false, fmt.Errorf("look up %s: %w", name, err)
	}
	return len(addrs) > 0, nil
}

// followCNAME is ssh(1)'s check_follow_cname: name becomes its CNAME
// target when a CanonicalizePermittedCNAMEs rule allows it; query is the
// name as it was looked up (anchored, as ssh(1) asks). It is also
// ssh(1)'s last chance when no suffix applied: the name as the system
// resolver finds it may still be a permitted CNAME. A name that does not
// resolve stays as it is (ssh(1) stops there, since it cannot connect;
// the dial will say so).
func (c *Config) followCNAME(name, query string, r canonRules) string {
	if len(r.cnames) == 0 {
		return name
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.lookupTimeout)
	defer cancel()
	cname, err := c.resolver.LookupCNAME(ctx, query)
	cname = strings.ToLower(strings.TrimSuffix(cname, "."))
	if err != nil || cname == "" || cname == name {
		return name
	}
	if _, err := validDomain(cname); err != nil {
		return name
	}
	for _, rule := range r.cnames {
		if matchHostname(name, rule.source) && matchHostname(cname, rule.target) {
			return cname
		}
	}
	return name
}

// defaultResolver is the system's, as ssh(1) uses getaddrinfo.
var defaultResolver Resolver = net.DefaultResolver
