package inventory

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// maxSize bounds what is read: an inventory is a few kilobytes.
const maxSize = 1 << 20

// Inventory is a parsed inventory file.
type Inventory struct {
	File  string
	Sites []*Site
}

// Site is one deployment: at most one SMA and its ESAs.
type Site struct {
	Name     string
	SMA      *Appliance
	ESAs     []Appliance // standalone ESAs and cluster members, in file order
	Clusters []Cluster
	At       string // file:line of the site
}

// Cluster is ESAs that form one AsyncOS cluster.
type Cluster struct {
	Name    string
	Members []string // the members' Key, in file order
	At      string
}

// Appliance is one appliance with the site's and cluster's defaults
// applied. Empty and zero fields were not given anywhere: the command line
// or ssh_config decides them.
type Appliance struct {
	Role        string // "esa" or "sma"
	Host        string // an address or an ssh_config alias
	Port        int
	User        string
	PasswordEnv string // environment variable holding the password
	Jump        string // ProxyJump syntax: [user@]host[:port][,…]; "none" = direct
	Cluster     string // the cluster's name, for members
	At          string // file:line where it is named
}

// Key identifies an appliance for spotting duplicates and conflicts:
// lower-case host and port (22 when not given).
func (a Appliance) Key() string {
	port := a.Port
	if port == 0 {
		port = 22
	}
	return strings.ToLower(a.Host) + ":" + strconv.Itoa(port)
}

// Spec is the appliance as --esa/--sma would name it: [USER@]HOST[:PORT].
func (a Appliance) Spec() string {
	s := a.Host
	if strings.Contains(s, ":") {
		s = "[" + s + "]"
	}
	if a.Port != 0 {
		s += ":" + strconv.Itoa(a.Port)
	} else if strings.HasPrefix(s, "[") {
		s = a.Host // a bare IPv6 address needs no brackets without a port
	}
	if a.User != "" {
		s = a.User + "@" + s
	}
	return s
}

// Load reads and parses an inventory file.
func Load(file string) (*Inventory, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("inventory %s: not a regular file", file)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("inventory %s: larger than %d bytes", file, maxSize)
	}
	return Parse(file, data)
}

// Site returns the site called name; "" is the only site of a file that
// has one.
func (inv *Inventory) Site(name string) (*Site, error) {
	if name == "" {
		if len(inv.Sites) == 1 {
			return inv.Sites[0], nil
		}
		return nil, fmt.Errorf("%s holds %d sites (%s): choose one with --site", inv.File, len(inv.Sites), strings.Join(inv.SiteNames(), ", "))
	}
	for _, s := range inv.Sites {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%s has no site %q (it has %s)", inv.File, name, strings.Join(inv.SiteNames(), ", "))
}

// SiteNames lists the sites in file order, for --site completion.
func (inv *Inventory) SiteNames() []string {
	var names []string
	for _, s := range inv.Sites {
		names = append(names, s.Name)
	}
	return names
}

// yamlLine is how yaml.v3 places a syntax error.
var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): `)

// Parse reads an inventory; name is the file name used in messages.
func Parse(name string, data []byte) (*Inventory, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", name, m[1], msg[len(m[0]):])
		}
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
	}
	p := &parser{file: name}
	inv := &Inventory{File: name}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty inventory: want a sites: mapping", name)
	}
	top := doc.Content[0]
	fields, err := p.mapping(top, "inventory", "sites")
	if err != nil {
		return nil, err
	}
	sites := fields["sites"]
	if sites == nil {
		return nil, p.errorf(top, "no sites: mapping")
	}
	if sites.Kind != yaml.MappingNode || len(sites.Content) == 0 {
		return nil, p.errorf(sites, "sites: want a mapping of site names to sites")
	}
	for i := 0; i < len(sites.Content); i += 2 {
		if err := p.once(sites, i, "sites"); err != nil {
			return nil, err
		}
		s, err := p.site(sites.Content[i], sites.Content[i+1])
		if err != nil {
			return nil, err
		}
		inv.Sites = append(inv.Sites, s)
	}
	return inv, nil
}

type parser struct{ file string }

func (p *parser) at(n *yaml.Node) string { return fmt.Sprintf("%s:%d", p.file, n.Line) }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s: %s", p.at(n), fmt.Sprintf(format, args...))
}

// mapping reads a mapping whose keys must be among allowed.
func (p *parser) mapping(n *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "%s: want a mapping (%s)", what, strings.Join(allowed, ", "))
	}
	out := map[string]*yaml.Node{}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(allowed, k.Value) {
			return nil, p.errorf(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(allowed, ", "))
		}
		if err := p.once(n, i, what); err != nil {
			return nil, err
		}
		out[k.Value] = v
	}
	return out, nil
}

// once refuses a key given twice in one mapping: YAML parsers differ on
// which one wins, so neither may.
func (p *parser) once(n *yaml.Node, i int, what string) error {
	k := n.Content[i]
	for j := 0; j < i; j += 2 {
		if n.Content[j].Value == k.Value {
			return p.errorf(k, "%q is given twice in %s (first at line %d)", k.Value, what, n.Content[j].Line)
		}
	}
	return nil
}

func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errorf(n, "%s: want a single value", what)
	}
	return strings.TrimSpace(n.Value), nil
}

// defaults are the settings a site or cluster passes to its appliances.
type defaults struct {
	user, passwordEnv, jump string
	port                    int
}

var defaultKeys = []string{"user", "port", "password_env", "jump"}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// settings reads the keys defaultKeys names into d, over what d had.
func (p *parser) settings(fields map[string]*yaml.Node, what string, d defaults) (defaults, error) {
	if n := fields["user"]; n != nil {
		u, err := p.str(n, what+" user")
		if err != nil {
			return d, err
		}
		if u == "" || strings.ContainsAny(u, "@ \t") {
			return d, p.errorf(n, "%s user %q: want a plain account name", what, u)
		}
		d.user = u
	}
	if n := fields["port"]; n != nil {
		s, err := p.str(n, what+" port")
		if err != nil {
			return d, err
		}
		port, err := strconv.Atoi(s)
		if err != nil || port < 1 || port > 65535 {
			return d, p.errorf(n, "%s port %q: want 1 to 65535", what, s)
		}
		d.port = port
	}
	if n := fields["password_env"]; n != nil {
		s, err := p.str(n, what+" password_env")
		if err != nil {
			return d, err
		}
		if !envName.MatchString(s) {
			return d, p.errorf(n, "%s password_env %q: want an environment variable name, not the password", what, s)
		}
		d.passwordEnv = s
	}
	if n := fields["jump"]; n != nil {
		s, err := p.str(n, what+" jump")
		if err != nil {
			return d, err
		}
		if err := checkJump(s); err != nil {
			return d, p.errorf(n, "%s jump: %v", what, err)
		}
		d.jump = s
	}
	return d, nil
}

// checkJump accepts what ProxyJump accepts.
func checkJump(s string) error {
	if strings.EqualFold(s, "none") {
		return nil
	}
	for _, hop := range strings.Split(s, ",") {
		if _, err := sshconfig.ParseJump(hop); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) site(key, n *yaml.Node) (*Site, error) {
	name, err := p.str(key, "site name")
	if err != nil {
		return nil, err
	}
	if name == "" || strings.ContainsAny(name, " \t,") {
		return nil, p.errorf(key, "site name %q: want a word", name)
	}
	what := "site " + name
	fields, err := p.mapping(n, what, append([]string{"sma", "esas", "clusters"}, defaultKeys...)...)
	if err != nil {
		return nil, err
	}
	d, err := p.settings(fields, what, defaults{})
	if err != nil {
		return nil, err
	}
	s := &Site{Name: name, At: p.at(key)}
	seen := map[string]string{} // key -> where
	add := func(a Appliance) error {
		if prev, dup := seen[a.Key()]; dup {
			return fmt.Errorf("%s: %s is named twice in %s (first at %s)", a.At, a.Key(), what, prev)
		}
		seen[a.Key()] = a.At
		return nil
	}
	if n := fields["sma"]; n != nil {
		a, err := p.appliance(n, "sma", what+" sma", d)
		if err != nil {
			return nil, err
		}
		if err := add(a); err != nil {
			return nil, err
		}
		s.SMA = &a
	}
	if n := fields["esas"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			return nil, p.errorf(n, "%s esas: want a list", what)
		}
		for _, e := range n.Content {
			a, err := p.appliance(e, "esa", what+" esa", d)
			if err != nil {
				return nil, err
			}
			if err := add(a); err != nil {
				return nil, err
			}
			s.ESAs = append(s.ESAs, a)
		}
	}
	if n := fields["clusters"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			return nil, p.errorf(n, "%s clusters: want a list", what)
		}
		for _, c := range n.Content {
			cl, members, err := p.cluster(c, what, d)
			if err != nil {
				return nil, err
			}
			if slices.ContainsFunc(s.Clusters, func(o Cluster) bool { return o.Name == cl.Name }) {
				return nil, p.errorf(c, "cluster %q is named twice in %s", cl.Name, what)
			}
			for _, m := range members {
				if err := add(m); err != nil {
					return nil, err
				}
				cl.Members = append(cl.Members, m.Key())
				s.ESAs = append(s.ESAs, m)
			}
			s.Clusters = append(s.Clusters, cl)
		}
	}
	if s.SMA == nil && len(s.ESAs) == 0 {
		return nil, p.errorf(key, "%s names no appliance: want sma:, esas: or clusters:", what)
	}
	return s, nil
}

func (p *parser) cluster(n *yaml.Node, site string, d defaults) (Cluster, []Appliance, error) {
	fields, err := p.mapping(n, site+" cluster", append([]string{"name", "members"}, defaultKeys...)...)
	if err != nil {
		return Cluster{}, nil, err
	}
	nameNode := fields["name"]
	if nameNode == nil {
		return Cluster{}, nil, p.errorf(n, "%s cluster: no name:", site)
	}
	name, err := p.str(nameNode, site+" cluster name")
	if err != nil || name == "" {
		return Cluster{}, nil, p.errorf(nameNode, "%s cluster: empty name", site)
	}
	what := site + " cluster " + name
	if d, err = p.settings(fields, what, d); err != nil {
		return Cluster{}, nil, err
	}
	mn := fields["members"]
	if mn == nil || mn.Kind != yaml.SequenceNode || len(mn.Content) == 0 {
		return Cluster{}, nil, p.errorf(n, "%s: want members: a list of its ESAs", what)
	}
	var members []Appliance
	for _, m := range mn.Content {
		a, err := p.appliance(m, "esa", what+" member", d)
		if err != nil {
			return Cluster{}, nil, err
		}
		a.Cluster = name
		members = append(members, a)
	}
	return Cluster{Name: name, At: p.at(nameNode)}, members, nil
}

// appliance reads one appliance: a mapping, or the short form
// "[user@]host[:port]" as --esa takes it.
func (p *parser) appliance(n *yaml.Node, role, what string, d defaults) (Appliance, error) {
	a := Appliance{Role: role, At: p.at(n)}
	if n.Kind == yaml.ScalarNode {
		s, err := p.str(n, what)
		if err != nil {
			return a, err
		}
		t, err := ParseSpec(s)
		if err != nil {
			return a, p.errorf(n, "%s %v", what, err)
		}
		a.Host, a.Port, a.User = t.Host, t.Port, t.User
	} else {
		fields, err := p.mapping(n, what, append([]string{"host"}, defaultKeys...)...)
		if err != nil {
			return a, err
		}
		hn := fields["host"]
		if hn == nil {
			return a, p.errorf(n, "%s: no host:", what)
		}
		h, err := p.str(hn, what+" host")
		if err != nil {
			return a, err
		}
		if h == "" || strings.ContainsAny(h, "@ \t/") {
			return a, p.errorf(hn, "%s host %q: want an address or ssh_config alias", what, h)
		}
		a.Host = h
		own, err := p.settings(fields, what, defaults{})
		if err != nil {
			return a, err
		}
		a.Port, a.User, a.PasswordEnv, a.Jump = own.port, own.user, own.passwordEnv, own.jump
	}
	a.fill(d)
	return a, nil
}

// fill takes from d what a does not set itself.
func (a *Appliance) fill(d defaults) {
	if a.Port == 0 {
		a.Port = d.port
	}
	if a.User == "" {
		a.User = d.user
	}
	if a.PasswordEnv == "" {
		a.PasswordEnv = d.passwordEnv
	}
	if a.Jump == "" {
		a.Jump = d.jump
	}
}
