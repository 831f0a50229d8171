package sshconfig

import (
	"cmp"
	"context"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// noLookups is the resolver of every test that does not expect one.
type noLookups struct{ t *testing.T }

func (r noLookups) LookupHost(_ context.Context, host string) ([]string, error) {
	r.t.Errorf("unexpected lookup of %s", host)
	return nil, errors.New("no lookups in this test")
}

func (r noLookups) LookupCNAME(_ context.Context, host string) (string, error) {
	r.t.Errorf("unexpected CNAME lookup of %s", host)
	return "", errors.New("no lookups in this test")
}

// stubResolver answers from its lists and records what it was asked, in
// order ("cname NAME" for LookupCNAME). A name not listed is not found.
type stubResolver struct {
	// hosts are the names that resolve, as asked (anchored ones with the
	// dot), each NAME or NAME=CNAME, its LookupCNAME answer; else itself.
	hosts []string
	errs  map[string]error // LookupHost failures other than not found
	asked []string
}

func (r *stubResolver) find(host string) (cname string, ok bool) {
	for _, h := range r.hosts {
		name, cname, _ := strings.Cut(h, "=")
		if name == host {
			return cmp.Or(cname, strings.TrimSuffix(host, ".")+"."), true
		}
	}
	return "", false
}

func (r *stubResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	r.asked = append(r.asked, host)
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("lookup without a deadline")
	}
	if err := r.errs[host]; err != nil {
		return nil, err
	}
	if _, ok := r.find(host); ok {
		return []string{"127.0.0.1"}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (r *stubResolver) LookupCNAME(_ context.Context, host string) (string, error) {
	r.asked = append(r.asked, "cname "+host)
	if c, ok := r.find(host); ok {
		return c, nil
	}
	return "", &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// canonConfig is the README's example: the *.example.com block must apply
// to the short name once it is canonicalized.
const canonConfig = canonGlobal + canonBlocks

const canonGlobal = `CanonicalizeHostname yes
CanonicalDomains example.com corp.example.com
`

const canonBlocks = `Host *.example.com
  User admin
  IdentityFile ~/.ssh/esa_key
Match canonical host *.corp.example.com
  Port 2022
`

func TestCanonicalize(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		q          Query
		hosts      []string
		// want is HostName, and User and Port after a space each.
		want  string
		asked []string
	}{
		{"first domain", canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com.", "mx1.corp.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"second domain", canonConfig, Query{Host: "mx1"}, []string{"mx1.corp.example.com."},
			"mx1.corp.example.com admin 2022", []string{"mx1.example.com.", "mx1.corp.example.com."}},
		{"none resolves, fallback local", canonConfig, Query{Host: "mx1"}, nil,
			"mx1 me 22", []string{"mx1.example.com.", "mx1.corp.example.com."}},
		{"command line user and port win", canonConfig, Query{Host: "mx1", User: "cli", Port: 2200}, []string{"mx1.corp.example.com."},
			"mx1.corp.example.com cli 2200", []string{"mx1.example.com.", "mx1.corp.example.com."}},
		{"typed in capitals", canonConfig, Query{Host: "MX1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"one dot is canonicalized", canonConfig, Query{Host: "mx1.lab"}, []string{"mx1.lab.example.com."},
			"mx1.lab.example.com admin 22", []string{"mx1.lab.example.com."}},
		{"more dots than the maximum", canonConfig, Query{Host: "mx1.lab.site"}, []string{"mx1.lab.site.example.com."},
			"mx1.lab.site me 22", nil},
		{"CanonicalizeMaxDots 0", "CanonicalizeMaxDots 0\n" + canonConfig, Query{Host: "mx1.lab"}, []string{"mx1.lab.example.com."},
			"mx1.lab me 22", nil},
		{"CanonicalizeMaxDots 0, no dot", "CanonicalizeMaxDots 0\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"CanonicalizeMaxDots 2", "CanonicalizeMaxDots 2\n" + canonConfig, Query{Host: "mx1.lab.site"}, []string{"mx1.lab.site.example.com."},
			"mx1.lab.site.example.com admin 22", []string{"mx1.lab.site.example.com."}},
		// Anchored: looked up as it is, whatever its dots, the dot then
		// dropped; the first pass's Host *.example.com did not see it.
		{"trailing dot", canonConfig, Query{Host: "mx1.corp.example.com."}, []string{"mx1.corp.example.com."},
			"mx1.corp.example.com admin 2022", []string{"mx1.corp.example.com."}},
		{"trailing dot, not found", canonConfig, Query{Host: "mx1.corp.example.com."}, nil,
			"mx1.corp.example.com. me 22", []string{"mx1.corp.example.com."}},
		{"trailing dot, no dot otherwise", canonConfig, Query{Host: "mx1."}, []string{"mx1."},
			"mx1 me 22", []string{"mx1."}},
		{"default is no", strings.Replace(canonConfig, "CanonicalizeHostname yes\n", "", 1), Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1 me 22", nil},
		{"no", strings.Replace(canonConfig, "yes", "no", 1), Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1 me 22", nil},
		{"true", strings.Replace(canonConfig, "yes", "true", 1), Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"no CanonicalDomains", "CanonicalizeHostname yes\nHost *.example.com\n  User admin\n", Query{Host: "mx1"}, nil,
			"mx1 me 22", nil},
		{"CanonicalDomains none", strings.Replace(canonConfig, "CanonicalDomains example.com", "CanonicalDomains none\nCanonicalDomains example.com", 1),
			Query{Host: "mx1"}, []string{"mx1.example.com."}, "mx1 me 22", nil},
		{"domains in capitals, trailing dot", "CanonicalDomains Example.COM.\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"address", canonConfig, Query{Host: "10.0.0.5"}, nil, "10.0.0.5 me 22", nil},
		{"address-like", canonConfig, Query{Host: "10.0.5"}, nil, "10.0.5 me 22", nil},
		{"v6 with zone", canonConfig, Query{Host: "fe80::1%eth0"}, nil, "fe80::1%eth0 me 22", nil},
		// ssh(1) applies HostName (with %h) first and canonicalizes that.
		{"HostName is canonicalized", "Host mx1\n  HostName %h-mgmt\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1-mgmt.example.com."},
			"mx1-mgmt.example.com admin 22", []string{"mx1-mgmt.example.com."}},
		{"HostName address", "Host mx1\n  HostName 10.0.0.5\n" + canonConfig, Query{Host: "mx1"}, nil, "10.0.0.5 me 22", nil},
		{"HostName with dots", "Host mx1\n  HostName mx1.lab.site\n" + canonConfig, Query{Host: "mx1"}, nil, "mx1.lab.site me 22", nil},
		// A HostName only the canonical name's block sets is too late.
		{"HostName in the second pass", canonConfig + "Host mx1.example.com\n  HostName other\n", Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		// The first pass's values win: Port 2100 before the canonical block.
		{"first pass wins", "Host mx1\n  Port 2100\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.corp.example.com."},
			"mx1.corp.example.com admin 2100", []string{"mx1.example.com.", "mx1.corp.example.com."}},
		{"only for one host", "Host mx1\n  CanonicalizeHostname yes\n" + strings.Replace(canonConfig, "CanonicalizeHostname yes\n", "", 1),
			Query{Host: "mx2"}, []string{"mx2.example.com."}, "mx2 me 22", nil},
		{"Match originalhost in the second pass", canonConfig + "Match canonical originalhost mx1\n  User orig\n", Query{Host: "mx1", DefaultUser: "x"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"Match canonical, name unchanged", canonConfig + "Match canonical\n  User late\n", Query{Host: "mx1.lab.site"}, nil,
			"mx1.lab.site late 22", nil},
		{"Match !canonical", "Match !canonical\n  User first\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com first 22", []string{"mx1.example.com."}},

		// Proxied names are the proxy's to resolve: no lookup under yes,
		// though the second pass still happens.
		{"ProxyJump", canonGlobal + "Host mx1\n  ProxyJump bastion\n" + canonBlocks, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1 me 22", []string{"bastion.example.com.", "bastion.corp.example.com."}},
		{"ProxyJump, second pass", canonGlobal + "Host mx1\n  ProxyJump bastion\n" + canonBlocks + "Match canonical\n  Port 2300\n", Query{Host: "mx1"}, nil,
			"mx1 me 2300", []string{"bastion.example.com.", "bastion.corp.example.com."}},
		{"ProxyJump, always", strings.Replace(canonGlobal, "yes", "always", 1) + "Host mx1\n  ProxyJump bastion\n" + canonBlocks, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com.", "bastion.example.com.", "bastion.corp.example.com."}},
		{"ProxyCommand", "Host mx1\n  ProxyCommand nc %h %p\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1 me 22", nil},
		{"ProxyCommand, always", "Host mx1\n  ProxyCommand nc %h %p\n" + strings.Replace(canonConfig, "yes", "always", 1), Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"ProxyCommand none", "Host mx1\n  ProxyCommand none\n  ProxyJump not-used\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		// OpenSSH 9.3 and later (bz3567); 9.2 did not canonicalize here.
		{"ProxyJump none", "Host mx1\n  ProxyJump none\n  ProxyCommand not-used\n" + canonConfig, Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"-J", canonConfig, Query{Host: "mx1", Jump: "bastion"}, []string{"mx1.example.com."}, "mx1 me 22", []string{"bastion.example.com.", "bastion.corp.example.com."}},
		{"-J none", "Host mx1\n  ProxyCommand nc %h %p\n" + canonConfig, Query{Host: "mx1", Jump: "none"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com."}},
		// A ProxyJump only the canonical block sets comes too late to stop it.
		{"ProxyJump in the second pass", canonConfig + "Host *.example.com\n  ProxyJump bastion\n", Query{Host: "mx1"}, []string{"mx1.example.com."},
			"mx1.example.com admin 22", []string{"mx1.example.com.", "bastion.example.com.", "bastion.corp.example.com."}},

		// CanonicalizePermittedCNAMEs: a permitted alias's target is the
		// name; the first rule that allows it wins.
		{"CNAME permitted", "CanonicalizePermittedCNAMEs *.example.com:*.cdn.example.net,*.other\n" + canonConfig + "Host *.cdn.example.net\n  Port 2400\n",
			Query{Host: "mx1"}, []string{"mx1.example.com.=MX1.cdn.example.net."}, "mx1.cdn.example.net me 2400", []string{"mx1.example.com.", "cname mx1.example.com."}},
		{"CNAME not permitted", "CanonicalizePermittedCNAMEs *.example.com:*.other\n" + canonConfig,
			Query{Host: "mx1"}, []string{"mx1.example.com.=mx1.cdn.example.net."}, "mx1.example.com admin 22", []string{"mx1.example.com.", "cname mx1.example.com."}},
		{"CNAME source not permitted", "CanonicalizePermittedCNAMEs *.corp.example.com:*\n" + canonConfig,
			Query{Host: "mx1"}, []string{"mx1.example.com.=mx1.cdn.example.net."}, "mx1.example.com admin 22", []string{"mx1.example.com.", "cname mx1.example.com."}},
		{"CNAME *", "CanonicalizePermittedCNAMEs *\n" + canonConfig,
			Query{Host: "mx1"}, []string{"mx1.example.com.=mx1.cdn.example.net."}, "mx1.cdn.example.net me 22", []string{"mx1.example.com.", "cname mx1.example.com."}},
		{"CNAME none", "CanonicalizePermittedCNAMEs none\n" + canonConfig,
			Query{Host: "mx1"}, []string{"mx1.example.com.=mx1.cdn.example.net."}, "mx1.example.com admin 22", []string{"mx1.example.com."}},
		{"CNAME bad target ignored", "CanonicalizePermittedCNAMEs *\n" + canonConfig,
			Query{Host: "mx1"}, []string{"mx1.example.com.=-bad.example.net."}, "mx1.example.com admin 22", []string{"mx1.example.com.", "cname mx1.example.com."}},
		// With no suffix found, ssh(1) still follows the name's own CNAME.
		{"CNAME after the fallback", "CanonicalizePermittedCNAMEs *:*.example.com\n" + canonConfig,
			Query{Host: "mx1.lab.site"}, []string{"mx1.lab.site=mx1.corp.example.com."}, "mx1.corp.example.com admin 2022", []string{"cname mx1.lab.site"}},
		{"CNAME, not resolved", "CanonicalizePermittedCNAMEs *:*.example.com\n" + canonConfig,
			Query{Host: "mx1"}, nil, "mx1 me 22", []string{"mx1.example.com.", "mx1.corp.example.com.", "cname mx1"}},
		{"CNAME, proxied", "CanonicalizePermittedCNAMEs *:*\n" + canonGlobal + "Host mx1\n  ProxyJump b\n" + canonBlocks,
			Query{Host: "mx1"}, []string{"mx1=mx1.example.com."}, "mx1 me 22", []string{"b.example.com.", "b.corp.example.com.", "cname b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := load(t, tc.text)
			r := &stubResolver{hosts: tc.hosts}
			c.resolver = r
			h, err := c.Resolve(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.HostName + " " + h.User + " " + strconv.Itoa(h.Port); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if !slices.Equal(r.asked, tc.asked) {
				t.Errorf("looked up %q, want %q", r.asked, tc.asked)
			}
		})
	}
}

func TestCanonicalizeErrors(t *testing.T) {
	timeout := &net.DNSError{Err: "i/o timeout", Name: "mx1.example.com.", IsTimeout: true}
	for _, tc := range []struct {
		name, text string
		errs       map[string]error
		want       string
		asked      []string
	}{
		{"fallback no", canonGlobal + "CanonicalizeFallbackLocal no\n", nil,
			`config:3: could not canonicalize mx1: not found in CanonicalDomains example.com corp.example.com, and CanonicalizeFallbackLocal is no`,
			[]string{"mx1.example.com.", "mx1.corp.example.com."}},
		{"fallback no, no domains", "CanonicalizeHostname yes\n\nCanonicalizeFallbackLocal no\n", nil,
			"config:3: could not canonicalize mx1: no CanonicalDomains, and CanonicalizeFallbackLocal is no", nil},
		{"fallback no, domains none", "CanonicalizeHostname yes\nCanonicalDomains none\nCanonicalizeFallbackLocal no\n", nil,
			"config:3: could not canonicalize mx1: no CanonicalDomains", nil},
		{"fallback no, lookup failed", canonGlobal + "CanonicalizeFallbackLocal no\n", map[string]error{"mx1.example.com.": timeout},
			"could not canonicalize mx1: not found in CanonicalDomains example.com corp.example.com (lookup mx1.example.com.: i/o timeout)",
			[]string{"mx1.example.com.", "mx1.corp.example.com."}},
		{"bad CanonicalizeHostname", "Host mx1\n  CanonicalizeHostname maybe\n", nil,
			`config:2: bad CanonicalizeHostname "maybe" (want yes, no or always)`, nil},
		{"bad CanonicalizeMaxDots", canonGlobal + "CanonicalizeMaxDots -1\n", nil, `config:3: bad CanonicalizeMaxDots "-1"`, nil},
		{"CanonicalizeMaxDots not a number", canonGlobal + "CanonicalizeMaxDots two\n", nil, `config:3: bad CanonicalizeMaxDots "two"`, nil},
		{"bad CanonicalizeFallbackLocal", canonGlobal + "CanonicalizeFallbackLocal maybe\n", nil,
			`config:3: want yes or no, not "maybe"`, nil},
		{"domain starts badly", "CanonicalizeHostname yes\nCanonicalDomains -example.com\n", nil,
			`config:2: CanonicalDomains: domain name "-example.com" starts with an invalid character`, nil},
		{"domain with two dots", "CanonicalizeHostname yes\nCanonicalDomains example..com\n", nil,
			`config:2: CanonicalDomains: domain name "example..com" contains consecutive separators`, nil},
		{"domain with a bad character", "CanonicalizeHostname yes\nCanonicalDomains ex*ample.com\n", nil,
			`config:2: CanonicalDomains: domain name "ex*ample.com" contains invalid characters`, nil},
		{"domains none and more", "CanonicalizeHostname yes\nCanonicalDomains none example.com\n", nil,
			"config:2: CanonicalDomains none must appear alone", nil},
		{"CNAME rule without a colon", canonGlobal + "CanonicalizePermittedCNAMEs *.example.com\n", nil,
			`config:3: bad CanonicalizePermittedCNAMEs "*.example.com" (want source_domains:target_domains)`, nil},
		{"CNAME rule without a target", canonGlobal + "CanonicalizePermittedCNAMEs *.example.com:\n", nil,
			`config:3: bad CanonicalizePermittedCNAMEs "*.example.com:"`, nil},
		{"CNAME none and more", canonGlobal + "CanonicalizePermittedCNAMEs *:* none\n", nil,
			"config:3: CanonicalizePermittedCNAMEs none must appear alone", nil},
		{"HostName token", "Host mx1\n  HostName %r.x\n" + canonGlobal, nil, "config:2: HostName: unsupported token %r", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := load(t, tc.text)
			r := &stubResolver{errs: tc.errs}
			c.resolver = r
			_, err := c.Resolve(Query{Host: "mx1"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err %v, want one line with %q", err, tc.want)
			}
			if !slices.Equal(r.asked, tc.asked) {
				t.Errorf("looked up %q, want %q", r.asked, tc.asked)
			}
		})
	}
	// Without CanonicalizeHostname the other keywords are not read at all.
	c := load(t, "CanonicalizeMaxDots x\nCanonicalDomains -bad\nCanonicalizeFallbackLocal no\n")
	if _, err := c.Resolve(Query{Host: "mx1"}); err != nil {
		t.Errorf("unused keywords: %v", err)
	}
}

// blockingResolver answers only when its context ends, as a resolver
// that gets no reply does.
type blockingResolver struct{ asked []string }

func (r *blockingResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	r.asked = append(r.asked, host)
	<-ctx.Done()
	return nil, ctx.Err()
}

func (r *blockingResolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

// TestCanonicalizeTimeout: each lookup ends at LookupTimeout and counts as
// not found, as an unanswered lookup is for ssh(1); the name falls back,
// or the error says why.
func TestCanonicalizeTimeout(t *testing.T) {
	home, _ := writeConfig(t, canonConfig)
	r := &blockingResolver{}
	c, err := Load(Options{Home: home, SystemFile: "none", LocalUser: "me", Resolver: r, LookupTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if h := resolve(t, c, Query{Host: "mx1"}); h.HostName != "mx1" || h.User != "me" {
		t.Errorf("got %s@%s", h.User, h.HostName)
	}
	if want := []string{"mx1.example.com.", "mx1.corp.example.com."}; !slices.Equal(r.asked, want) {
		t.Errorf("looked up %q, want %q", r.asked, want)
	}
	home, _ = writeConfig(t, "CanonicalizeFallbackLocal no\n"+canonConfig)
	c, err = Load(Options{Home: home, SystemFile: "none", LocalUser: "me", Resolver: r, LookupTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Resolve(Query{Host: "mx1"}); err == nil || !strings.Contains(err.Error(), "look up mx1.corp.example.com.: context deadline exceeded") {
		t.Errorf("err %v", err)
	}

	// The defaults: the system's resolver, a few seconds each.
	c, err = Load(Options{Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.resolver != net.DefaultResolver || c.lookupTimeout != DefaultLookupTimeout || DefaultLookupTimeout > 5*time.Second {
		t.Errorf("resolver %v timeout %v", c.resolver, c.lookupTimeout)
	}
}

// TestCanonicalizeJumpsAndTokens: each hop is canonicalized by its own
// configuration, the first as dialled directly, later ones as ssh(1)
// reaches them, with -J (so only under always); %h is the canonical name
// and %n the name as given.
func TestCanonicalizeJumpsAndTokens(t *testing.T) {
	text := canonGlobal + `Host target
  ProxyJump j1,j2
Host direct
  ProxyCommand none
  IdentityFile ~/.ssh/%h-%n
Host cmd
  ProxyCommand nc %h %p
` + canonBlocks
	hosts := []string{"j1.example.com.", "j2.example.com.", "direct.example.com.", "cmd.example.com."}
	c := load(t, text)
	r := &stubResolver{hosts: hosts}
	c.resolver = r
	h := resolve(t, c, Query{Host: "target"})
	if len(h.Jumps) != 2 || h.Jumps[0].HostName != "j1.example.com" || h.Jumps[0].User != "admin" ||
		h.Jumps[1].HostName != "j2" || h.Jumps[1].User != "me" || h.HostName != "target" {
		t.Errorf("target %s, jumps %+v", h.HostName, h.Jumps)
	}
	if want := []string{"j1.example.com."}; !slices.Equal(r.asked, want) {
		t.Errorf("looked up %q, want %q", r.asked, want)
	}
	h = resolve(t, c, Query{Host: "direct"})
	if want := []string{filepath.Join(c.home, ".ssh", "direct.example.com-direct"), filepath.Join(c.home, ".ssh", "esa_key")}; !slices.Equal(h.IdentityFiles, want) {
		t.Errorf("identity files %q, want %q", h.IdentityFiles, want)
	}
	c = load(t, strings.Replace(text, "yes", "always", 1))
	c.resolver = &stubResolver{hosts: hosts}
	h = resolve(t, c, Query{Host: "target"})
	if len(h.Jumps) != 2 || h.Jumps[1].HostName != "j2.example.com" || h.Jumps[1].User != "admin" {
		t.Errorf("always: jumps %+v", h.Jumps)
	}
	if h := resolve(t, c, Query{Host: "cmd"}); h.ProxyCommand != "nc cmd.example.com 22" {
		t.Errorf("always: ProxyCommand %q", h.ProxyCommand)
	}
}
