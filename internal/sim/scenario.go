package sim

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/netip"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed scenarios/*.yaml
var builtin embed.FS

// Scenario is one simulated site: an SMA, its ESAs and maybe a cluster.
type Scenario struct {
	Name        string          `yaml:"-"`
	Source      string          `yaml:"-"`
	Description string          `yaml:"description"`
	PVOPort     int             `yaml:"pvo_port"`
	SpamPort    int             `yaml:"spam_port"`
	SMA         *ApplianceSpec  `yaml:"sma"`
	ESAs        []ApplianceSpec `yaml:"esas"`
	Cluster     *ClusterSpec    `yaml:"cluster"`
	AsyncOS     DialectSpec     `yaml:"asyncos"`
}

// ApplianceSpec is one appliance's starting state (see doc.go for fields).
type ApplianceSpec struct {
	Hostname           string             `yaml:"hostname"`
	Version            string             `yaml:"version"`
	Model              string             `yaml:"model"`
	Serial             string             `yaml:"serial"`
	Banner             string             `yaml:"banner"`
	Status             string             `yaml:"status"`
	TransfersSuspended bool               `yaml:"transfers_suspended"`
	Users              []UserSpec         `yaml:"users"`
	Interfaces         []InterfaceSpec    `yaml:"interfaces"`
	Listeners          []string           `yaml:"listeners"`
	PVOInterface       string             `yaml:"pvo_interface"`
	AnonymousCiphers   bool               `yaml:"anonymous_ciphers"`
	Certificate        *bool              `yaml:"certificate"`
	Delivery           DeliverySpec       `yaml:"delivery"`
	Reach              map[string]string  `yaml:"reach"`
	ReachSpam          map[string]string  `yaml:"reach_spam"`
	AutoInterface      string             `yaml:"auto_interface"`
	SSL                map[string]SSLSpec `yaml:"ssl"`
	FeatureKeys        []FeatureKeySpec   `yaml:"feature_keys"`
	MailLogs           []string           `yaml:"mail_logs"`
	role               string             // "esa" or "sma", set by LoadScenario
	dialect            *DialectSpec       // the scenario's, set by check
	ver                version            // parsed Version
	prefixes           map[string]netip.Prefix

	// Beyond the six (PVO-101 and up); see cmd_pvo.go.
	PVOListener   *bool                `yaml:"pvo_listener"`
	PVOPortActual int                  `yaml:"pvo_port_actual"`
	Managed       []ManagedSpec        `yaml:"managed"`
	ReachFromSMA  string               `yaml:"reach_from_sma"`
	DiskQuota     map[string]QuotaSpec `yaml:"disk_quota"`
	DiskAvailable float64              `yaml:"disk_available"`
	Quarantines   QuarantinesSpec      `yaml:"quarantines"`
}

type UserSpec struct {
	Name           string   `yaml:"name"`
	Password       string   `yaml:"password"`
	Role           string   `yaml:"role"`
	FullName       string   `yaml:"full_name"`
	AuthorizedKeys []string `yaml:"authorized_keys"`
	// PasswordExpiry is "", reminder (a change-now question before the
	// first prompt), reminder-password (the same, then the password asked
	// again, as IAF answers it [unknown]) or forced (Old/New/Retype
	// Password first) [C-IAF].
	PasswordExpiry string `yaml:"password_expiry"`
}

type InterfaceSpec struct {
	Name     string `yaml:"name"`
	Address  string `yaml:"address"` // a.b.c.d/prefix
	Hostname string `yaml:"hostname"`
	Port     string `yaml:"port"` // the physical port interfaceconfig shows
}

type DeliverySpec struct {
	Interface         string `yaml:"interface"`
	PossibleDelivery  *bool  `yaml:"possible_delivery"`
	MaxConcurrency    int    `yaml:"max_concurrency"`
	TLSMaxConcurrency int    `yaml:"tls_max_concurrency"`
}

type SSLSpec struct {
	Method   string   `yaml:"method"`
	Ciphers  string   `yaml:"ciphers"`
	Versions []string `yaml:"versions"`
}

type FeatureKeySpec struct {
	Module     string `yaml:"module"`
	Quantity   string `yaml:"quantity"`
	Remaining  string `yaml:"remaining"`
	Expiration string `yaml:"expiration"`
}

type ClusterSpec struct {
	Name         string              `yaml:"name"`
	Groups       []GroupSpec         `yaml:"groups"`
	Disconnected []string            `yaml:"disconnected"`
	Levels       map[string][]string `yaml:"levels"`
}

type GroupSpec struct {
	Name     string   `yaml:"name"`
	Machines []string `yaml:"machines"`
}

// The settings whose cluster level matters for PVO, with the command
// that shows each.
var levelSettings = []struct{ key, command string }{
	{"content_filters", "policyconfig"},
	{"message_filters", "filters"},
	{"dlp", "dlpconfig"},
	{"dmarc", "dmarcconfig"},
	{"pvo", "quarantineconfig"},
}

var (
	reachValues  = []string{"connect", "refused", "timeout", "hang"}
	statusValues = []string{"Online", "Offline", "Receiving suspended", "Delivery suspended", "Receiving and Delivery suspended"}
	sslServices  = []string{"gui", "inbound", "outbound"}
)

// Scenarios lists the built-in scenario names, sorted.
func Scenarios() []string {
	entries, err := builtin.ReadDir("scenarios")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// LoadScenario loads a built-in scenario by name, or a YAML file by path.
func LoadScenario(nameOrPath string) (*Scenario, error) {
	if data, err := builtin.ReadFile("scenarios/" + nameOrPath + ".yaml"); err == nil && !strings.ContainsAny(nameOrPath, `/\`) {
		return ParseScenario(nameOrPath+".yaml", strings.TrimSuffix(nameOrPath, ".yaml"), data)
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !strings.ContainsAny(nameOrPath, `/\.`) {
			return nil, fmt.Errorf("unknown scenario %q (built-in: %s)", nameOrPath, strings.Join(Scenarios(), ", "))
		}
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(nameOrPath, `\`, "/")), ".yaml")
	return ParseScenario(nameOrPath, name, data)
}

// ParseScenario decodes and checks scenario YAML; file names the source in
// errors ("file:line: problem").
func ParseScenario(file, name string, data []byte) (*Scenario, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s:%s", file, yamlMessage(err))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	sc := &Scenario{}
	if err := dec.Decode(sc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty scenario", file)
		}
		return nil, fmt.Errorf("%s:%s", file, yamlMessage(err))
	}
	sc.Name, sc.Source = name, file
	v := &validator{root: &root}
	sc.check(v)
	if v.err != nil {
		return nil, fmt.Errorf("%s:%w", file, v.err)
	}
	return sc, nil
}

// yamlMessage turns yaml.v3's "yaml: line 3: x" or multi-line unmarshal
// errors into "3: x" so the caller can prefix the file name.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	msg = strings.Join(parts, "; ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		return rest
	}
	return " " + msg
}

// validator records the first semantic error with the line of the YAML node
// it concerns.
type validator struct {
	root *yaml.Node
	err  error
}

func (v *validator) failf(at []any, format string, args ...any) {
	if v.err == nil {
		v.err = fmt.Errorf("%d: %s", lineOf(v.root, at), fmt.Sprintf(format, args...))
	}
}

// lineOf follows a path of mapping keys (string) and sequence indexes (int)
// as far as it exists and returns that node's line.
func lineOf(root *yaml.Node, at []any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, step := range at {
		next := (*yaml.Node)(nil)
		switch s := step.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return n.Line
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)-(\d+)$`)

// version keeps the text it was parsed from, since builds print with
// their leading zeros (7.6.3-023).
type version struct {
	major, minor, patch, build int
	text                       string
}

func (v version) atLeast(major, minor int) bool {
	return v.major > major || v.major == major && v.minor >= minor
}

func (v version) String() string {
	if v.text != "" {
		return v.text
	}
	return fmt.Sprintf("%d.%d.%d-%d", v.major, v.minor, v.patch, v.build)
}

func (sc *Scenario) check(v *validator) {
	if sc.PVOPort == 0 {
		sc.PVOPort = 7025
	}
	if sc.SpamPort == 0 {
		sc.SpamPort = 6025
	}
	if sc.SMA == nil {
		v.failf(nil, "missing sma")
		return
	}
	if len(sc.ESAs) == 0 {
		v.failf(nil, "no esas")
		return
	}
	seen := map[string]bool{}
	sc.SMA.check(v, "sma", []any{"sma"}, seen)
	for i := range sc.ESAs {
		sc.ESAs[i].check(v, "esa", []any{"esas", i}, seen)
	}
	if v.err != nil {
		return
	}
	smaIf := sc.SMA.pvoInterface()
	if sc.SMA.PVOInterface != "" && smaIf == nil {
		v.failf([]any{"sma", "pvo_interface"}, "pvo_interface %q is not an interface of %s", sc.SMA.PVOInterface, sc.SMA.Hostname)
	}
	sc.checkBeyond(v)
	sc.AsyncOS.check(v)
	sc.SMA.dialect = &sc.AsyncOS
	for i := range sc.ESAs {
		sc.ESAs[i].dialect = &sc.AsyncOS
	}
	if c := sc.Cluster; c != nil {
		sc.checkCluster(v)
	}
}

func (a *ApplianceSpec) check(v *validator, role string, at []any, seen map[string]bool) {
	a.role = role
	sub := func(more ...any) []any { return append(append([]any{}, at...), more...) }
	if a.Hostname == "" {
		v.failf(at, "%s without hostname", role)
		return
	}
	if seen[a.Hostname] {
		v.failf(sub("hostname"), "hostname %s used twice", a.Hostname)
	}
	seen[a.Hostname] = true
	if a.Version == "" {
		a.Version = "14.2.0-620"
	}
	m := versionRE.FindStringSubmatch(a.Version)
	if m == nil {
		v.failf(sub("version"), "version %q is not major.minor.patch-build", a.Version)
		return
	}
	n := func(s string) int { i, _ := strconv.Atoi(s); return i }
	a.ver = version{n(m[1]), n(m[2]), n(m[3]), n(m[4]), a.Version}
	if a.Model == "" {
		a.Model = map[string]string{"esa": "C100V", "sma": "M100V"}[role]
	}
	if a.Serial == "" {
		h := fnv.New64a()
		h.Write([]byte(a.Hostname))
		a.Serial = fmt.Sprintf("4229A0B1C2D3-%012X", h.Sum64()&0xffffffffffff)
	}
	if a.Status == "" {
		a.Status = "Online"
	}
	if !oneOf(a.Status, statusValues) {
		v.failf(sub("status"), "status %q is not one of %s", a.Status, strings.Join(statusValues, ", "))
	}
	if len(a.Users) == 0 {
		a.Users = []UserSpec{{Name: "admin", Password: "ironport", Role: "Administrator"}}
	}
	for i := range a.Users {
		u := &a.Users[i]
		if u.Name == "" {
			v.failf(sub("users", i), "user without name")
		}
		if u.Password == "" && len(u.AuthorizedKeys) == 0 {
			v.failf(sub("users", i), "user %s has neither password nor authorized_keys", u.Name)
		}
		if !oneOf(u.PasswordExpiry, []string{"", "reminder", "reminder-password", "forced"}) {
			v.failf(sub("users", i, "password_expiry"), "password_expiry %q is not reminder, reminder-password or forced", u.PasswordExpiry)
		}
		if u.Role == "" {
			u.Role = "Administrator"
		}
		if u.FullName == "" {
			u.FullName = u.Role
		}
		for j, k := range u.AuthorizedKeys {
			if _, _, _, _, err := parseAuthorizedKey(k); err != nil {
				v.failf(sub("users", i, "authorized_keys", j), "bad authorized key: %v", err)
			}
		}
	}
	if len(a.Interfaces) == 0 {
		v.failf(at, "%s %s has no interfaces", role, a.Hostname)
		return
	}
	a.prefixes = map[string]netip.Prefix{}
	for i, ifc := range a.Interfaces {
		p, err := netip.ParsePrefix(ifc.Address)
		if err != nil || !p.Addr().Is4() {
			v.failf(sub("interfaces", i, "address"), "interface address %q is not an IPv4 a.b.c.d/len", ifc.Address)
			continue
		}
		if ifc.Name == "" || strings.EqualFold(ifc.Name, "Auto") {
			v.failf(sub("interfaces", i), "interface needs a name other than Auto")
		}
		if _, dup := a.prefixes[strings.ToLower(ifc.Name)]; dup {
			v.failf(sub("interfaces", i, "name"), "interface %s defined twice", ifc.Name)
		}
		a.prefixes[strings.ToLower(ifc.Name)] = p
		if ifc.Hostname == "" {
			a.Interfaces[i].Hostname = a.Hostname
		}
	}
	if a.Certificate == nil {
		t := true
		a.Certificate = &t
	}
	if role == "esa" && len(a.Listeners) == 0 {
		a.Listeners = []string{"InboundMail", "OutboundMail"}
	}
	d := &a.Delivery
	if d.Interface == "" {
		d.Interface = "Auto"
	}
	if !strings.EqualFold(d.Interface, "Auto") && a.iface(d.Interface) == nil {
		v.failf(sub("delivery", "interface"), "delivery interface %q is neither Auto nor an interface", d.Interface)
	}
	if d.PossibleDelivery == nil {
		t := true
		d.PossibleDelivery = &t
	}
	if d.MaxConcurrency == 0 {
		d.MaxConcurrency = 10000
	}
	if d.TLSMaxConcurrency == 0 {
		d.TLSMaxConcurrency = 10000
	}
	for key, reach := range map[string]map[string]string{"reach": a.Reach, "reach_spam": a.ReachSpam} {
		for ifc, r := range reach {
			if !strings.EqualFold(ifc, "Auto") && a.iface(ifc) == nil {
				v.failf(sub(key, ifc), "%s names unknown interface %q", key, ifc)
			}
			if !oneOf(r, reachValues) {
				v.failf(sub(key, ifc), "%s %q is not one of %s", key, r, strings.Join(reachValues, ", "))
			}
		}
	}
	if a.AutoInterface != "" && a.iface(a.AutoInterface) == nil {
		v.failf(sub("auto_interface"), "auto_interface %q is not an interface", a.AutoInterface)
	}
	for svc := range a.SSL {
		if !oneOf(svc, sslServices) {
			v.failf(sub("ssl", svc), "ssl service %q is not one of gui, inbound, outbound", svc)
		}
	}
	if a.FeatureKeys == nil {
		a.FeatureKeys = defaultFeatureKeys()
	}
	for i, k := range a.FeatureKeys {
		if k.Module == "" {
			v.failf(sub("feature_keys", i), "feature key without module")
		}
	}
}

func (sc *Scenario) checkCluster(v *validator) {
	c := sc.Cluster
	if c.Name == "" {
		v.failf([]any{"cluster"}, "cluster without name")
		return
	}
	if len(c.Groups) == 0 {
		c.Groups = []GroupSpec{{Name: "Main_Group"}}
		for _, e := range sc.ESAs {
			c.Groups[0].Machines = append(c.Groups[0].Machines, e.Hostname)
		}
	}
	member := map[string]bool{}
	for i, g := range c.Groups {
		if g.Name == "" {
			v.failf([]any{"cluster", "groups", i}, "group without name")
		}
		for j, m := range g.Machines {
			if sc.esa(m) == nil {
				v.failf([]any{"cluster", "groups", i, "machines", j}, "cluster machine %s is not an esa", m)
			}
			if member[m] {
				v.failf([]any{"cluster", "groups", i, "machines", j}, "machine %s is in two groups", m)
			}
			member[m] = true
		}
	}
	for i, m := range c.Disconnected {
		if !member[m] {
			v.failf([]any{"cluster", "disconnected", i}, "disconnected machine %s is not in the cluster", m)
		}
	}
	for key, defs := range c.Levels {
		known := false
		for _, s := range levelSettings {
			known = known || s.key == key
		}
		if !known {
			v.failf([]any{"cluster", "levels", key}, "unknown setting %q (want content_filters, message_filters, dlp, dmarc or pvo)", key)
			continue
		}
		for i, d := range defs {
			if _, err := c.levelKey(d, member); err != nil {
				v.failf([]any{"cluster", "levels", key, i}, "%v", err)
			}
		}
	}
}

// levelKey turns "cluster", "group NAME" or "machine HOST" into the store's
// level key.
func (c *ClusterSpec) levelKey(def string, member map[string]bool) (string, error) {
	kind, name, _ := strings.Cut(strings.TrimSpace(def), " ")
	name = strings.TrimSpace(name)
	switch strings.ToLower(kind) {
	case "cluster":
		return "cluster", nil
	case "group":
		for _, g := range c.Groups {
			if g.Name == name {
				return "group:" + name, nil
			}
		}
		return "", fmt.Errorf("level %q names no group of the cluster", def)
	case "machine":
		if member[name] {
			return "machine:" + name, nil
		}
		return "", fmt.Errorf("level %q names no machine of the cluster", def)
	}
	return "", fmt.Errorf("level %q is not cluster, group NAME or machine HOST", def)
}

func (sc *Scenario) esa(host string) *ApplianceSpec {
	for i := range sc.ESAs {
		if sc.ESAs[i].Hostname == host {
			return &sc.ESAs[i]
		}
	}
	return nil
}

func (a *ApplianceSpec) iface(name string) *InterfaceSpec {
	for i := range a.Interfaces {
		if strings.EqualFold(a.Interfaces[i].Name, name) {
			return &a.Interfaces[i]
		}
	}
	return nil
}

func (a *ApplianceSpec) pvoInterface() *InterfaceSpec {
	if a.PVOInterface == "" {
		return &a.Interfaces[0]
	}
	return a.iface(a.PVOInterface)
}

func oneOf(s string, list []string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func defaultFeatureKeys() []FeatureKeySpec {
	const exp = "Sun Sep 12 00:00:00 2027"
	return []FeatureKeySpec{
		{"Data Loss Prevention", "1", "287 days", exp},
		{"Outbreak Filters", "1", "287 days", exp},
		{"Sophos Anti-Virus", "1", "287 days", exp},
		{"IronPort Anti-Spam", "1", "287 days", exp},
		{"Incoming Mail Handling", "1", "Perpetual", "Perpetual"},
	}
}
