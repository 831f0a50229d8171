package sshconfig

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	ssh_config "github.com/kevinburke/ssh_config"
)

// DefaultSystemFile is read after the user's file, as ssh(1) does.
const DefaultSystemFile = "/etc/ssh/ssh_config"

// maxInclude bounds Include nesting; ssh(1) allows 16, a loop hits it fast.
const maxInclude = 16

// maxJumps bounds a ProxyJump chain, including hops that name further hops
// in their own ProxyJump, so that a loop is an error and not a hang.
const maxJumps = 8

// Options say which files to read.
type Options struct {
	// File is ssh -F: only this file is read, and it must exist.
	File string
	// Disabled reads nothing (--no-ssh-config); Resolve then returns the
	// name as given.
	Disabled bool
	// Home is the user's home for ~ and ~/.ssh/config; "" = os.UserHomeDir.
	Home string
	// SystemFile is read after ~/.ssh/config unless File is set;
	// "" = DefaultSystemFile, "none" = no system file.
	SystemFile string
	// LocalUser is %u, what Match localuser sees and the user of a jump
	// host no one names; "" = the current user.
	LocalUser string
	// HideEnv names environment variables a Match exec command must not
	// inherit: the run's password variables, which ssh(1) never has.
	HideEnv []string
	// Resolver looks names up for CanonicalizeHostname, and only when the
	// configuration sets it; nil = net.DefaultResolver.
	Resolver Resolver
	// LookupTimeout bounds each of those lookups; 0 = DefaultLookupTimeout.
	LookupTimeout time.Duration
}

// Config is the parsed configuration files, in the order they are consulted.
type Config struct {
	home, localUser string
	hideEnv         []string
	files           []*file
	// execTimeout bounds a Match exec; 0 = defaultExecTimeout.
	execTimeout time.Duration
	ifaddrs     func() ([]netip.Addr, error) // for Match localnetwork
	// resolver and lookupTimeout are for CanonicalizeHostname.
	resolver      Resolver
	lookupTimeout time.Duration
}

type file struct {
	name    string
	system  bool // relative Include paths are under /etc/ssh, not ~/.ssh
	cfg     *ssh_config.Config
	matches map[string]*matchLine // by the sentinel Host pattern
	raw     map[int]string        // Include and ProxyCommand arguments by line
}

// Load reads the files opts names. A syntax error, an unknown Match
// criterion or a file others may write is an error naming the file (and
// line where there is one): ssh(1) refuses those files too. Match exec
// commands run only when a lookup reaches them.
func Load(opts Options) (*Config, error) {
	c := &Config{home: opts.Home, localUser: opts.LocalUser, hideEnv: opts.HideEnv, ifaddrs: interfaceAddrs,
		resolver: opts.Resolver, lookupTimeout: opts.LookupTimeout}
	if c.resolver == nil {
		c.resolver = defaultResolver
	}
	if c.lookupTimeout <= 0 {
		c.lookupTimeout = DefaultLookupTimeout
	}
	if c.home == "" {
		h, err := os.UserHomeDir()
		if err != nil && !opts.Disabled {
			return nil, fmt.Errorf("ssh config: find home directory: %w", err)
		}
		c.home = h
	}
	if c.localUser == "" {
		if u, err := user.Current(); err == nil {
			c.localUser = u.Username
		}
	}
	if opts.Disabled {
		return c, nil
	}
	if opts.File != "" {
		f, err := parseFile(opts.File, false, true)
		if err != nil {
			return nil, err
		}
		c.files = []*file{f}
		return c, nil
	}
	if f, err := parseFile(filepath.Join(c.home, ".ssh", "config"), false, true); err == nil {
		c.files = append(c.files, f)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	sys := opts.SystemFile
	if sys == "" {
		sys = DefaultSystemFile
	}
	if sys != "none" {
		if f, err := parseFile(sys, true, false); err == nil {
			c.files = append(c.files, f)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return c, nil
}

// libraryPos is how ssh_config reports a position: "(line, col): message".
var libraryPos = regexp.MustCompile(`^\((\d+), \d+\): (?:ssh_config: )?`)

func parseFile(name string, system, checkPerm bool) (*file, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("ssh config: %w", err)
	}
	if checkPerm {
		if err := securePermissions(name); err != nil {
			return nil, err
		}
	}
	data, matches, raw, err := rewriteLines(data)
	if err != nil {
		return nil, fmt.Errorf("%s:%w (use --no-ssh-config or -F to skip this file)", name, err)
	}
	cfg, err := ssh_config.DecodeBytes(data)
	if err != nil {
		msg := err.Error()
		if m := libraryPos.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s (use --no-ssh-config or -F to skip this file)", name, m[1], msg[len(m[0]):])
		}
		return nil, fmt.Errorf("%s: %s (use --no-ssh-config or -F to skip this file)", name, msg)
	}
	return &file{name: name, system: system, cfg: cfg, matches: matches, raw: raw}, nil
}

// Query is one destination as the command line gives it.
type Query struct {
	Host string // an alias or an address, without user or port
	User string // from the command line; "" = not given
	Port int    // from the command line; 0 = not given
	// Jump is ssh -J: jump hosts in ProxyJump syntax that replace the
	// configuration's ProxyJump; "none" = direct; "" = the configuration's.
	Jump string
	// DefaultUser is the user when neither the command line nor the config
	// names one; "" = the local user, as ssh(1).
	DefaultUser string
}

// Host is a destination resolved through the configuration. Fields the
// configuration did not set are zero, except HostName, Port and User, which
// always hold what to connect to and as whom.
type Host struct {
	Alias    string // as looked up
	HostName string // HostName, or the alias; lower case and canonicalized, as ssh(1)
	Port     int
	User     string

	// IdentityFiles are the IdentityFile entries, expanded, in order; nil
	// when the configuration names none (ssh(1) then tries the defaults).
	IdentityFiles  []string
	IdentitiesOnly bool
	// KnownHostsFiles is UserKnownHostsFile, expanded; nil when not set.
	KnownHostsFiles []string
	// GlobalKnownHostsFiles is GlobalKnownHostsFile, expanded; nil when
	// not set (ssh(1) then reads /etc/ssh/ssh_known_hosts and
	// ssh_known_hosts2), empty for none.
	GlobalKnownHostsFiles []string
	// HashKnownHosts says new known_hosts lines hide the host's name.
	HashKnownHosts bool
	// StrictHostKeyChecking is "", "yes", "accept-new", "no" or "ask".
	StrictHostKeyChecking string
	ConnectTimeout        time.Duration
	// Jumps are the ProxyJump hosts, each resolved in turn, in the order
	// they are dialled; the last one reaches this host.
	Jumps []Host
	// ProxyCommand is the command that carries the connection, its %h %p
	// %r %n %% expanded; "" = none, or ProxyJump came first. Only the host
	// dialled first can have one: a hop that ssh(1) reaches with -J has
	// its ProxyCommand replaced, as it has its ProxyJump.
	ProxyCommand string
	// IdentityAgent is the agent socket, ~, tokens and ${VAR} expanded and
	// SSH_AUTH_SOCK or $VAR read from the environment; "" = $SSH_AUTH_SOCK,
	// "none" = no agent (also for a $VAR that is not set, as ssh(1)).
	IdentityAgent string
	// HostKeyAlias is the name known_hosts is searched (and written) under
	// instead of HostName and Port; "" = none. ssh(1) expands nothing in it.
	HostKeyAlias string
	// CertificateFiles are the CertificateFile entries, expanded, in
	// order; nil = none, and ssh(1) then looks for IDENTITY-cert.pub
	// beside each identity file instead.
	CertificateFiles []string
	// Source is where each value used above was set, "file:line", by
	// keyword in lower case; for error messages.
	Source map[string]string
}

// Addr is host:port for dialling.
func (h Host) Addr() string { return joinHostPort(h.HostName, h.Port) }

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return fmt.Sprintf("[%s]:%d", host, port)
	}
	return fmt.Sprintf("%s:%d", host, port)
}

// Resolve looks q.Host up. The command line's user and port win over the
// configuration's; hops named in ProxyJump are resolved like any host, and a
// hop's own ProxyJump is followed as ssh(1) follows it (for the first hop).
func (c *Config) Resolve(q Query) (Host, error) {
	return c.resolve(q, 0, true)
}

// resolve looks one host up; follow says whether its own ProxyJump and
// ProxyCommand count.
func (c *Config) resolve(q Query, depth int, follow bool) (Host, error) {
	if q.Host == "" {
		return Host{}, errors.New("ssh config: empty host name")
	}
	v, host, err := c.lookup(q)
	if err != nil {
		return Host{}, err
	}
	h := Host{Alias: q.Host, HostName: host, Source: map[string]string{}}
	if hn, ok := v.first("hostname"); ok {
		h.Source["hostname"] = hn.at
	}
	if ch, ok := v.first("canonicalizehostname"); ok {
		h.Source["canonicalizehostname"] = ch.at
	}

	h.Port = 22
	switch p, ok := v.first("port"); {
	case q.Port != 0:
		h.Port = q.Port
	case ok:
		n, err := strconv.Atoi(p.val)
		if err != nil || n < 1 || n > 65535 {
			return Host{}, p.errorf("bad Port %q", p.val)
		}
		h.Port = n
		h.Source["port"] = p.at
	}

	switch u, ok := v.first("user"); {
	case q.User != "":
		h.User = q.User
	case ok:
		h.User = u.val
		h.Source["user"] = u.at
	case q.DefaultUser != "":
		h.User = q.DefaultUser
	default:
		h.User = c.localUser
	}

	if ka, ok := v.first("hostkeyalias"); ok {
		// ssh(1) lower-cases it, and "none" is a name like any other.
		h.HostKeyAlias = strings.ToLower(ka.val)
		h.Source["hostkeyalias"] = ka.at
	}
	tokens := c.pathTokens(h)
	if h.IdentityFiles, err = c.pathList(v, "identityfile", "IdentityFile", tokens, h.Source); err != nil {
		return Host{}, err
	}
	if h.CertificateFiles, err = c.pathList(v, "certificatefile", "CertificateFile", tokens, h.Source); err != nil {
		return Host{}, err
	}
	if ia, ok := v.first("identityagent"); ok {
		if h.IdentityAgent, err = c.identityAgent(ia.val, tokens); err != nil {
			return Host{}, ia.errorf("IdentityAgent: %w", err)
		}
		h.Source["identityagent"] = ia.at
	}
	if io, ok := v.first("identitiesonly"); ok {
		b, err := yesNo(io)
		if err != nil {
			return Host{}, err
		}
		h.IdentitiesOnly = b
		h.Source["identitiesonly"] = io.at
	}
	for _, kf := range []struct {
		keyword, name string
		dst           *[]string
	}{
		{"userknownhostsfile", "UserKnownHostsFile", &h.KnownHostsFiles},
		{"globalknownhostsfile", "GlobalKnownHostsFile", &h.GlobalKnownHostsFiles},
	} {
		kh, ok := v.first(kf.keyword)
		if !ok {
			continue
		}
		*kf.dst = []string{} // "none" alone: no file at all
		for _, f := range strings.Fields(kh.val) {
			if strings.EqualFold(f, "none") {
				continue
			}
			p, err := c.expandPath(f, tokens)
			if err != nil {
				return Host{}, kh.errorf("%s: %w", kf.name, err)
			}
			*kf.dst = append(*kf.dst, p)
		}
		h.Source[kf.keyword] = kh.at
	}
	if hk, ok := v.first("hashknownhosts"); ok {
		b, err := yesNo(hk)
		if err != nil {
			return Host{}, err
		}
		h.HashKnownHosts = b
		h.Source["hashknownhosts"] = hk.at
	}
	if sk, ok := v.first("stricthostkeychecking"); ok {
		switch strings.ToLower(sk.val) {
		case "yes":
			h.StrictHostKeyChecking = "yes"
		case "accept-new":
			h.StrictHostKeyChecking = "accept-new"
		case "no", "off":
			h.StrictHostKeyChecking = "no"
		case "ask":
			h.StrictHostKeyChecking = "ask"
		default:
			return Host{}, sk.errorf("bad StrictHostKeyChecking %q (want yes, accept-new, no or ask)", sk.val)
		}
		h.Source["stricthostkeychecking"] = sk.at
	}
	if ct, ok := v.first("connecttimeout"); ok && !strings.EqualFold(ct.val, "none") {
		d, err := parseTime(ct.val)
		if err != nil {
			return Host{}, ct.errorf("bad ConnectTimeout %q", ct.val)
		}
		h.ConnectTimeout = d
		h.Source["connecttimeout"] = ct.at
	}

	if !follow {
		return h, nil
	}
	pj, hasJump := v.first("proxyjump")
	if q.Jump != "" {
		// ssh -J also sets ProxyCommand none, so the file's is not used.
		pj, hasJump = value{val: q.Jump, at: "jump host " + q.Jump, order: -1}, true
	}
	proxyTokens := tokenSet{'h': h.HostName, 'n': q.Host, 'p': strconv.Itoa(h.Port), 'r': h.User}
	// ssh(1) takes whichever of the two comes first, "none" included.
	if pc, ok := v.first("proxycommand"); ok && (!hasJump || pc.before(pj)) {
		if pc.val != "none" {
			// ssh(1) expands %k in ProxyCommand too, though its manual
			// does not say so.
			cmdTokens := maps.Clone(proxyTokens)
			cmdTokens['k'] = c.pathTokens(h)['k']
			s, err := c.expand(pc.val, cmdTokens)
			if err != nil {
				return Host{}, pc.errorf("ProxyCommand: %w", err)
			}
			h.ProxyCommand = s
			h.Source["proxycommand"] = pc.at
		}
		return h, nil
	}
	if hasJump && !strings.EqualFold(pj.val, "none") {
		h.Source["proxyjump"] = pj.at
		s, err := c.expand(pj.val, proxyTokens)
		if err != nil {
			return Host{}, pj.errorf("ProxyJump: %w", err)
		}
		specs := strings.Split(s, ",")
		for i, spec := range specs {
			if depth+len(specs) > maxJumps {
				return Host{}, pj.errorf("ProxyJump: more than %d jump hosts (a loop?)", maxJumps)
			}
			jq, err := ParseJump(spec)
			if err != nil {
				return Host{}, pj.errorf("ProxyJump: %w", err)
			}
			// ssh(1) reaches hop i with -J hops[:i], which replaces that
			// hop's own ProxyJump; only the first hop keeps its own.
			jq.Jump = strings.Join(specs[:i], ",")
			hop, err := c.resolve(jq, depth+len(specs), i == 0)
			if err != nil {
				return Host{}, fmt.Errorf("jump host %s: %w", spec, err)
			}
			h.Jumps = append(h.Jumps, hop.Jumps...)
			hop.Jumps = nil
			h.Jumps = append(h.Jumps, hop)
		}
	}
	return h, nil
}

// ParseJump reads one ProxyJump or -J hop: [user@]host[:port], [v6]:port or
// ssh://[user@]host[:port].
func ParseJump(spec string) (Query, error) {
	s := strings.TrimSpace(spec)
	s = strings.TrimPrefix(s, "ssh://")
	var q Query
	if i := strings.LastIndex(s, "@"); i >= 0 {
		q.User, s = s[:i], s[i+1:]
		if q.User == "" {
			return q, fmt.Errorf("%q: empty user before @", spec)
		}
	}
	host := s
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.Index(s, "]")
		if end < 0 {
			return q, fmt.Errorf("%q: no closing ]", spec)
		}
		host = s[1:end]
		if rest := s[end+1:]; rest != "" {
			p, ok := strings.CutPrefix(rest, ":")
			if !ok {
				return q, fmt.Errorf("%q: bad address", spec)
			}
			if err := q.setPort(p, spec); err != nil {
				return q, err
			}
		}
	case strings.Count(s, ":") == 1:
		var p string
		host, p, _ = strings.Cut(s, ":")
		if err := q.setPort(p, spec); err != nil {
			return q, err
		}
	}
	if host == "" {
		return q, fmt.Errorf("%q: no host", spec)
	}
	q.Host = host
	return q, nil
}

func (q *Query) setPort(p, spec string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: bad port %q", spec, p)
	}
	q.Port = n
	return nil
}

func yesNo(v value) (bool, error) {
	switch strings.ToLower(v.val) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, v.errorf("want yes or no, not %q", v.val)
}

// parseTime reads ssh_config's time format: seconds, or units s m h d w
// run together ("1m30s").
func parseTime(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	units := map[byte]time.Duration{'s': time.Second, 'S': time.Second, 'm': time.Minute, 'M': time.Minute,
		'h': time.Hour, 'H': time.Hour, 'd': 24 * time.Hour, 'D': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'W': 7 * 24 * time.Hour}
	var total time.Duration
	num := ""
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= '0' && b <= '9' {
			num += string(b)
			continue
		}
		u, ok := units[b]
		if !ok || num == "" {
			return 0, fmt.Errorf("bad time %q", s)
		}
		n, _ := strconv.Atoi(num)
		total += time.Duration(n) * u
		num = ""
	}
	if num != "" {
		n, _ := strconv.Atoi(num)
		total += time.Duration(n) * time.Second
	}
	return total, nil
}

// value is one keyword's value with where it was set.
type value struct {
	val   string
	at    string // file:line
	order int    // position in the walk, to tell which came first
}

func (v value) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", v.at, fmt.Errorf(format, args...))
}

func (v value) before(o value) bool { return v.order < o.order }

// values collects, for one host, every value in the order ssh(1) meets them.
type values struct {
	byKey map[string][]value
	n     int
}

func (vs *values) add(key string, v value) {
	v.order = vs.n
	vs.n++
	vs.byKey[key] = append(vs.byKey[key], v)
}

func (vs *values) first(key string) (value, bool) {
	l := vs.byKey[key]
	if len(l) == 0 {
		return value{}, false
	}
	return l[0], true
}

func (vs *values) all(key string) []value { return vs.byKey[key] }

// lookup walks every file's blocks in order and keeps what applies to q,
// and returns the host name to connect to: HostName with %h, or the name
// as given, in lower case and canonicalized as CanonicalizeHostname says.
// A Match final or canonical, or CanonicalizeHostname, asks for a second
// pass as in ssh(1): Host lines and Match host then match that name, which
// no longer changes, and values already set still win.
func (c *Config) lookup(q Query) (*values, string, error) {
	vs := &values{byKey: map[string][]value{}}
	mt := &matcher{q: q, subject: q.Host}
	if err := c.walkAll(vs, mt); err != nil {
		return nil, "", err
	}
	host, err := c.matchHost(vs, mt)
	if err != nil {
		return nil, "", err
	}
	host = strings.ToLower(host)
	mode, err := canonicalizeMode(vs)
	if err != nil {
		return nil, "", err
	}
	if mode != canonNo {
		rules, err := readCanonRules(vs, q, mode)
		if err != nil {
			return nil, "", err
		}
		if host, err = c.canonicalize(host, rules); err != nil {
			return nil, "", err
		}
		mt.wantFinal = true
	}
	if !mt.wantFinal {
		return vs, host, nil
	}
	mt.final, mt.subject = true, host
	if err := c.walkAll(vs, mt); err != nil {
		return nil, "", err
	}
	return vs, host, nil
}

func (c *Config) walkAll(vs *values, mt *matcher) error {
	for _, f := range c.files {
		if err := c.walk(f, vs, mt, 0); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) walk(f *file, vs *values, mt *matcher, depth int) error {
	for i, h := range f.cfg.Hosts {
		// The parser opens every file with an implicit "Host *" block.
		ok, err := i == 0, error(nil)
		if i > 0 {
			ok, err = c.blockMatches(f, h, vs, mt)
		}
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		for _, n := range h.Nodes {
			switch n := n.(type) {
			case *ssh_config.KV:
				key := strings.ToLower(n.Key)
				switch {
				case key == includeKey:
					if err := c.include(f, n.Pos().Line, vs, mt, depth); err != nil {
						return err
					}
					continue
				case mt.final && key == "hostname":
					continue
				}
				at := fmt.Sprintf("%s:%d", f.name, n.Pos().Line)
				val := n.Value
				if key == "proxycommand" {
					val = f.raw[n.Pos().Line]
				}
				vs.add(key, value{val: val, at: at})
			}
		}
	}
	return nil
}

// blockMatches decides a Host or Match block. Host patterns are matched
// against the name as given (the HostName in the final pass); Match lines
// were set aside by rewriteLines and are evaluated here.
func (c *Config) blockMatches(f *file, h *ssh_config.Host, vs *values, mt *matcher) (bool, error) {
	var pats []string
	for _, p := range h.Patterns {
		// The library splits Host lines on spaces only; ssh(1) on tabs too.
		pats = append(pats, strings.Fields(p.String())...)
	}
	if len(pats) == 1 {
		if m, ok := f.matches[pats[0]]; ok {
			return c.evalMatch(f, m, vs, mt)
		}
	}
	if len(pats) == 0 {
		return false, fmt.Errorf("%s: empty Host line", f.name)
	}
	return matchList(mt.subject, pats), nil
}

// matchList is ssh(1)'s pattern list: any positive match, and no negated one.
func matchList(s string, pats []string) bool {
	found := false
	for _, p := range pats {
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if glob(neg, s) {
				return false
			}
			continue
		}
		if glob(p, s) {
			found = true
		}
	}
	return found
}

// glob is ssh(1)'s match_pattern: * any run, ? exactly one, case-sensitive.
func glob(pat, s string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if glob(pat[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			pat, s = pat[1:], s[1:]
		default:
			if s == "" || s[0] != pat[0] {
				return false
			}
			pat, s = pat[1:], s[1:]
		}
	}
	return s == ""
}

// include reads an Include's files the way ssh(1) finds them: relative
// paths under ~/.ssh (or /etc/ssh for the system file), globs in sorted order.
func (c *Config) include(f *file, line int, vs *values, mt *matcher, depth int) error {
	if depth >= maxInclude {
		return fmt.Errorf("%s:%d: Include nested too deeply", f.name, line)
	}
	pats, err := splitArgs(f.raw[line])
	if err != nil {
		return fmt.Errorf("%s:%d: Include: %w", f.name, line, err)
	}
	for _, pat := range pats {
		switch {
		case strings.HasPrefix(pat, "~/"):
			pat = filepath.Join(c.home, pat[2:])
		case filepath.IsAbs(pat):
		case f.system:
			pat = filepath.Join("/etc/ssh", pat)
		default:
			pat = filepath.Join(c.home, ".ssh", pat)
		}
		matches, err := filepath.Glob(pat)
		if err != nil {
			return fmt.Errorf("%s:%d: Include %s: %w", f.name, line, pat, err)
		}
		slices.Sort(matches)
		for _, m := range matches {
			sub, err := parseFile(m, f.system, !f.system)
			if err != nil {
				return err
			}
			if err := c.walk(sub, vs, mt, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// tokenSet maps a %-token letter to its value.
type tokenSet map[byte]string

// pathTokens are the tokens of IdentityFile, CertificateFile, IdentityAgent,
// UserKnownHostsFile and Match exec.
func (c *Config) pathTokens(h Host) tokenSet {
	local, _ := os.Hostname()
	short, _, _ := strings.Cut(local, ".")
	port := strconv.Itoa(h.Port)
	alias := h.HostKeyAlias
	if alias == "" {
		alias = h.Alias
	}
	// %C is ssh(1)'s connection hash: SHA-1 of %l%h%p%r, in hex.
	hash := sha1.Sum([]byte(local + h.HostName + port + h.User))
	return tokenSet{
		'd': c.home, 'h': h.HostName, 'n': h.Alias, 'p': port, 'r': h.User,
		'u': c.localUser, 'l': local, 'L': short, 'i': strconv.Itoa(os.Getuid()),
		'k': alias, 'C': hex.EncodeToString(hash[:]),
	}
}

// pathList expands every value of a keyword that lists files (IdentityFile,
// CertificateFile), skipping repeats as ssh(1) does; nil when none is set.
// IdentityFile none is skipped; ssh(1) keeps CertificateFile none as a file
// name, and so it still turns off the IDENTITY-cert.pub defaults.
func (c *Config) pathList(v *values, key, name string, tokens tokenSet, source map[string]string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range v.all(key) {
		// The final pass repeats every value that matched before.
		if key == "identityfile" && strings.EqualFold(f.val, "none") || seen[f.val] {
			continue
		}
		seen[f.val] = true
		p, err := c.expandPath(f.val, tokens)
		if err != nil {
			return nil, f.errorf("%s: %w", name, err)
		}
		out = append(out, p)
		if _, ok := source[key]; !ok {
			source[key] = f.at
		}
	}
	return out, nil
}

// envName is what ssh(1) accepts after IdentityAgent's legacy $.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// identityAgent reads IdentityAgent as ssh(1): none, SSH_AUTH_SOCK (the
// variable), $VAR (another variable; unset = no agent) or a path.
func (c *Config) identityAgent(val string, tokens tokenSet) (string, error) {
	switch {
	case val == "none":
		return "none", nil
	case val == "SSH_AUTH_SOCK":
		return "", nil
	case strings.HasPrefix(val, "$") && !strings.HasPrefix(val, "${"):
		if !envName.MatchString(val[1:]) {
			return "", fmt.Errorf("bad environment variable name %q", val)
		}
		if sock := os.Getenv(val[1:]); sock != "" {
			return sock, nil
		}
		return "none", nil
	}
	return c.expandPath(val, tokens)
}

// expand replaces %-tokens; a token the keyword does not accept is an error,
// as in ssh(1).
func (c *Config) expand(s string, t tokenSet) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", errors.New("% at the end")
		}
		i++
		if s[i] == '%' {
			b.WriteByte('%')
			continue
		}
		v, ok := t[s[i]]
		if !ok {
			return "", fmt.Errorf("unsupported token %%%c", s[i])
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandPath is for IdentityFile and UserKnownHostsFile: ~, ${VAR} and
// tokens. A relative path stays relative to the working directory, as in ssh(1).
func (c *Config) expandPath(s string, t tokenSet) (string, error) {
	var envErr error
	s = envRef.ReplaceAllStringFunc(s, func(m string) string {
		name := envRef.FindStringSubmatch(m)[1]
		v, ok := os.LookupEnv(name)
		if !ok && envErr == nil {
			envErr = fmt.Errorf("environment variable %s is not set", name)
		}
		return v
	})
	if envErr != nil {
		return "", envErr
	}
	s, err := c.expand(s, t)
	if err != nil {
		return "", err
	}
	switch {
	case s == "~":
		s = c.home
	case strings.HasPrefix(s, "~/"):
		s = filepath.Join(c.home, s[2:])
	case strings.HasPrefix(s, "~"):
		return "", fmt.Errorf("%s: ~user is not supported", s)
	}
	return s, nil
}
