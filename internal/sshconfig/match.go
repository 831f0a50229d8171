package sshconfig

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultExecTimeout bounds one Match exec command: ssh(1) waits forever,
// but a check that hangs on a config file's command helps no one.
const defaultExecTimeout = 5 * time.Second

// matchSentinel replaces each Match line before the library parses the
// file (it knows only Match all and Match host, and reads "host a user b"
// as three host patterns); the line number keeps positions intact and
// finds the criteria again.
const matchSentinel = "pvo-doctor.match.line."

// includeKey replaces the Include keyword, which the library would follow
// itself, with its own parser that refuses the Match lines above.
const includeKey = "pvo-doctor.include"

// criterion is one Match criterion: "all", "canonical" and "final" have
// no argument, the others one.
type criterion struct {
	name   string // lower case
	negate bool
	arg    string
	cidrs  []netip.Prefix // localnetwork
}

// matchLine is one Match line's criteria, ANDed.
type matchLine struct {
	line  int
	crits []criterion
}

// rewriteLines swaps every Match line of a file for a Host line the
// library accepts and every Include for a keyword it leaves alone, and
// returns the parsed criteria by sentinel and the raw arguments of Include
// and ProxyCommand lines by line. A ProxyCommand is the rest of its line
// as ssh(1) reads it, a # included, which the library would cut off.
func rewriteLines(data []byte) ([]byte, map[string]*matchLine, map[int]string, error) {
	var out bytes.Buffer
	matches := map[string]*matchLine{}
	raw := map[int]string{}
	for n, line := range bytes.SplitAfter(data, []byte("\n")) {
		body := bytes.TrimRight(line, "\r\n")
		s := strings.TrimLeft(string(body), " \t")
		end := strings.IndexAny(s, " \t=")
		if end < 0 {
			out.Write(line)
			continue
		}
		rest := strings.TrimLeft(s[end:], " \t")
		if r, ok := strings.CutPrefix(rest, "="); ok {
			rest = r
		}
		switch {
		case strings.EqualFold(s[:end], "match"):
			crits, err := parseMatch(rest)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%d: %w", n+1, err)
			}
			name := matchSentinel + strconv.Itoa(n+1)
			matches[name] = &matchLine{line: n + 1, crits: crits}
			out.WriteString("Host " + name)
		case strings.EqualFold(s[:end], "include"):
			raw[n+1] = rest
			out.WriteString(includeKey + s[end:])
		case strings.EqualFold(s[:end], "proxycommand"):
			raw[n+1] = strings.TrimRight(rest, " \t")
			out.WriteString(s[:end] + " -")
		default:
			out.Write(body)
		}
		out.Write(line[len(body):])
	}
	return out.Bytes(), matches, raw, nil
}

// parseMatch checks a Match line's criteria the way ssh(1)'s
// match_cfg_line does before it evaluates any of them.
func parseMatch(s string) ([]criterion, error) {
	args, err := splitArgs(s)
	if err != nil {
		return nil, err
	}
	var crits []criterion
	for i := 0; i < len(args); i++ {
		c := criterion{name: strings.ToLower(args[i])}
		c.name, c.negate = strings.CutPrefix(c.name, "!")
		switch c.name {
		case "all":
			// ssh(1) allows all after at most one other criterion.
			if len(crits) > 1 || i+1 < len(args) {
				return nil, fmt.Errorf("Match %s cannot be combined with other criteria", args[i])
			}
		case "canonical", "final":
		case "host", "originalhost", "user", "localuser", "tagged", "exec", "localnetwork":
			if i+1 == len(args) || args[i+1] == "" {
				return nil, fmt.Errorf("Match %s needs an argument", args[i])
			}
			i++
			c.arg = args[i]
			if c.name == "localnetwork" {
				if c.cidrs, err = parseCIDRList(c.arg); err != nil {
					return nil, fmt.Errorf("Match localnetwork: %w", err)
				}
			}
		default:
			return nil, fmt.Errorf("unsupported Match criterion %q", args[i])
		}
		crits = append(crits, c)
	}
	if len(crits) == 0 {
		return nil, errors.New("Match needs a criterion")
	}
	return crits, nil
}

// splitArgs is ssh(1)'s argv_split: words split on blanks, "..." and
// '...' quote, \ escapes a quote, \ or blank, and a word that starts with
// # ends the line.
func splitArgs(s string) ([]string, error) {
	var args []string
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			continue
		}
		if s[i] == '#' {
			break
		}
		var arg strings.Builder
		var quote byte
		for ; i < len(s); i++ {
			b := s[i]
			switch {
			case b == '\\' && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"' || s[i+1] == '\\' || quote == 0 && s[i+1] == ' '):
				i++
				arg.WriteByte(s[i])
				continue
			case quote == 0 && (b == ' ' || b == '\t'):
			case quote == 0 && (b == '"' || b == '\''):
				quote = b
				continue
			case quote != 0 && b == quote:
				quote = 0
				continue
			default:
				arg.WriteByte(b)
				continue
			}
			break
		}
		if quote != 0 {
			return nil, errors.New("unterminated quote")
		}
		args = append(args, arg.String())
	}
	return args, nil
}

// parseCIDRList is ssh(1)'s addr_match_cidr_list syntax: addresses or
// networks, comma-separated, no negation, no wildcards, no host bits.
func parseCIDRList(s string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, e := range strings.Split(s, ",") {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			a, aerr := netip.ParseAddr(e)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("bad network %q", e)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Masked() != p {
			return nil, fmt.Errorf("network %q has host bits set", e)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// matcher is what Match criteria are evaluated against during one lookup.
type matcher struct {
	q     Query
	final bool
	// subject is what Host lines match: the name as given, and in the
	// final pass the HostName found in the first (canonicalized), as
	// ssh(1) re-parses.
	subject   string
	wantFinal bool
}

// evalMatch decides one Match line. Criteria are ANDed; an exec after a
// false criterion is not run, as in ssh(1), but the others are still
// looked at so that a Match final anywhere asks for the final pass.
func (c *Config) evalMatch(f *file, m *matchLine, vs *values, mt *matcher) (bool, error) {
	result := true
	for _, cr := range m.crits {
		var ok bool
		switch cr.name {
		case "all":
			return result && !cr.negate, nil
		case "canonical", "final":
			// As in ssh(1), both are true exactly in the second pass,
			// which canonicalization also asks for.
			if cr.name == "final" {
				mt.wantFinal = true
			}
			ok = mt.final
		case "host":
			h, err := c.matchHost(vs, mt)
			if err != nil {
				return false, err
			}
			ok = matchHostname(h, cr.arg)
		case "originalhost":
			ok = matchHostname(mt.q.Host, cr.arg)
		case "user":
			ok = matchList(c.remoteUser(vs, mt.q), strings.Split(cr.arg, ","))
		case "localuser":
			ok = matchList(c.localUser, strings.Split(cr.arg, ","))
		case "tagged":
			tag, _ := vs.first("tag")
			ok = matchList(tag.val, strings.Split(cr.arg, ","))
		case "localnetwork":
			addrs, err := c.ifaddrs()
			if err != nil {
				return false, fmt.Errorf("%s:%d: Match localnetwork: %w", f.name, m.line, err)
			}
			ok = inNetworks(addrs, cr.cidrs)
		case "exec":
			if !result {
				continue
			}
			cmd, err := c.expand(cr.arg, c.execTokens(vs, mt))
			if err != nil {
				return false, fmt.Errorf("%s:%d: Match exec: %w", f.name, m.line, err)
			}
			if ok, err = c.runExec(cmd); err != nil {
				return false, fmt.Errorf("%s:%d: Match exec: %w", f.name, m.line, err)
			}
		}
		if ok == cr.negate {
			result = false
		}
	}
	return result, nil
}

// matchHostname is ssh(1)'s match_hostname: a pattern list, both sides
// lower-cased (unlike Host lines, which are case-sensitive).
func matchHostname(s, list string) bool {
	return matchList(strings.ToLower(s), strings.Split(strings.ToLower(list), ","))
}

// matchHost is the host Match host sees: HostName so far with %h, or the
// name as given; in the final pass the name the first pass settled, in
// lower case and canonicalized.
func (c *Config) matchHost(vs *values, mt *matcher) (string, error) {
	if mt.final {
		return mt.subject, nil
	}
	hn, ok := vs.first("hostname")
	if !ok {
		return mt.q.Host, nil
	}
	s, err := c.expand(hn.val, tokenSet{'h': mt.q.Host})
	if err != nil {
		return "", hn.errorf("HostName: %w", err)
	}
	return s, nil
}

// remoteUser is the user so far, in the order resolve settles it: the
// command line, then User, then pvo-doctor's default. (ssh(1) has no
// --user default and uses the local user there.)
func (c *Config) remoteUser(vs *values, q Query) string {
	if q.User != "" {
		return q.User
	}
	if u, ok := vs.first("user"); ok {
		return u.val
	}
	if q.DefaultUser != "" {
		return q.DefaultUser
	}
	return c.localUser
}

// execTokens are ssh(1)'s tokens for Match exec, from what is known so far.
func (c *Config) execTokens(vs *values, mt *matcher) tokenSet {
	host, err := c.matchHost(vs, mt)
	if err != nil {
		host = mt.q.Host
	}
	port := 22
	if mt.q.Port != 0 {
		port = mt.q.Port
	} else if p, ok := vs.first("port"); ok {
		if n, err := strconv.Atoi(p.val); err == nil {
			port = n
		}
	}
	jump := mt.q.Jump
	if jump == "" {
		if pj, ok := vs.first("proxyjump"); ok {
			jump = pj.val
		}
	}
	if strings.EqualFold(jump, "none") {
		jump = ""
	}
	keyAlias := host
	if ka, ok := vs.first("hostkeyalias"); ok {
		keyAlias = ka.val
	}
	t := c.pathTokens(Host{Alias: mt.q.Host, HostName: host, Port: port, User: c.remoteUser(vs, mt.q)})
	sum := sha1.Sum([]byte(t['l'] + host + t['p'] + t['r'] + jump))
	t['C'] = hex.EncodeToString(sum[:])
	t['k'] = keyAlias
	t['j'] = jump
	return t
}

// runExec runs a Match exec command as ssh(1) does, with the user's shell,
// no input and its output discarded, and says whether it exited 0. One
// that outlives the timeout is killed and counts as no match.
func (c *Config) runExec(command string) (bool, error) {
	timeout := c.execTimeout
	if timeout <= 0 {
		timeout = defaultExecTimeout
	}
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, "-c", command)
	cmd.Env = EnvWithout(os.Environ(), c.hideEnv...)
	killGroup(cmd)
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case ctx.Err() != nil:
		return false, nil
	case errors.As(err, &exit) && exit.Exited():
		return false, nil
	}
	return false, fmt.Errorf("%q: %w", command, err)
}

// interfaceAddrs lists the addresses of the interfaces that are up, as
// ssh(1)'s check_match_ifaddrs reads them.
func interfaceAddrs() ([]netip.Addr, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		as, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range as {
			if n, ok := a.(*net.IPNet); ok {
				if ip, ok := netip.AddrFromSlice(n.IP); ok {
					addrs = append(addrs, ip.Unmap())
				}
			}
		}
	}
	return addrs, nil
}

func inNetworks(addrs []netip.Addr, nets []netip.Prefix) bool {
	for _, a := range addrs {
		for _, n := range nets {
			if n.Contains(a) {
				return true
			}
		}
	}
	return false
}

// EnvWithout is env (NAME=value entries) less the variables names lists:
// what a command this configuration runs (Match exec, ProxyCommand) may
// see of pvo-doctor's environment.
func EnvWithout(env []string, names ...string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if name == "" || !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}
