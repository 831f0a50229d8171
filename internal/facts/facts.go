package facts

import "strings"

// Role tells an Email Security Appliance from a Security Management Appliance.
type Role string

const (
	RoleESA Role = "esa"
	RoleSMA Role = "sma"
)

// DefaultPVOPort is where the SMA's cpq_listener accepts centralized PVO traffic
// unless an administrator moved it.
const DefaultPVOPort = 7025

// DefaultSpamPort is the SMA's spam quarantine (euq_listener) port. A probe
// to it is shown beside the PVO port's, since "spam quarantine works"
// misleads administrators into thinking the PVO path does too.
const DefaultSpamPort = 6025

// Evidence is the exact output a fact was read from, so a finding can quote it.
type Evidence struct {
	Command string   `json:"command"`
	Lines   []string `json:"lines"`
	// Incomplete says why the block did not end where the command's output
	// ends (cut paste, lost session, timeout); "" means it did. A rule that
	// reads an incomplete block cannot pass on it.
	Incomplete string `json:"incomplete,omitempty"`
}

// CollectError records a step that could not be completed on one appliance:
// a connection failure, a command refusal, output that did not parse.
type CollectError struct {
	Step    string `json:"step"`
	Message string `json:"message"`
}

// Warning is a line a parser did not recognise. It never decides a rule;
// it is shown so a surprising appliance can be reported.
type Warning struct {
	Command string `json:"command"`
	Line    int    `json:"line"`
	Text    string `json:"text"`
}

// Site is everything known about one deployment: the SMA and its ESAs.
type Site struct {
	SMA  *Appliance
	ESAs []*Appliance
	// PVOHost and PVOPort are the address the ESAs were asked to reach the
	// SMA's PVO listener on (--sma-pvo-host, else where the SMA's tcpservices
	// shows its cpq_listener, else the SMA's address, :7025).
	PVOHost string
	PVOPort int
	// PVOSource says why the ESAs probed that address: --sma-pvo-host, the
	// SMA's own tcpservices listener, or the fallback to its SSH address.
	PVOSource string `json:",omitempty"`
}

// ApplianceID is an appliance's stable key: findings, fixes and reports
// refer to an appliance by it, never by a display string. It is resolved
// once, early, by whoever builds the Site.
type ApplianceID string

// Appliance holds the facts read from one appliance. A nil pointer, nil map
// or nil slice means "not collected"; a non-nil empty value means
// "collected, and there was nothing".
type Appliance struct {
	ID       ApplianceID `json:",omitempty"`
	Role     Role
	Address  string // host[:port] for a live check, the file name for analyze
	Hostname string // from the prompt or `version`
	// Machine is the cluster member the session ran on, found once by the
	// serial number `version` showed; "" when standalone or unknown.
	Machine string `json:",omitempty"`

	Errors   []CollectError
	Warnings []Warning
	// Notes say how the facts were read where a report's reader must
	// know it to weigh them: outputs pasted without prompts, several
	// sessions merged. Unlike Warnings, reports show them.
	Notes []string `json:",omitempty"`

	Version     *Version
	Account     *Account
	Status      *SystemStatus
	Resume      *ResumeResult
	TCPServices *TCPServices
	Delivery    *Delivery
	// Probes are `telnet` attempts from this appliance; nil when none ran.
	Probes    []Probe
	TLSVerify *TLSVerify
	SSL       *SSLConfig
	Cluster   *Cluster
	// FeatureKeys is keyed by the machine's hostname: in a cluster one
	// session can read every member's keys through `clustermode machine`.
	FeatureKeys map[string]*FeatureKeys
	// SettingLevels says at which cluster level each clusterable setting is
	// defined; keyed by setting. Only meaningful in a cluster.
	SettingLevels map[Setting]*SettingLevel
	MailLog       *MailLog
	Commits       []CommitResult

	// Managed is the SMA's `applianceconfig`: the appliances it manages,
	// with their services and TEST results where those were read.
	Managed *ManagedAppliances
	// DiskQuota is `diskquotaconfig`.
	DiskQuota *DiskQuota
	// Quarantines is the ESA's `quarantineconfig` table.
	Quarantines *Quarantines
	// Interfaces is keyed by machine hostname, like FeatureKeys.
	Interfaces map[string]*Interfaces
	// Pending is each `showchanges` read, in order: the proof that a
	// read-only session staged nothing, or what was pending before it.
	Pending []PendingChanges `json:",omitempty"`
	// DelayedQuarantine is the ESA's `dqconfig` (13.0.3 and later).
	DelayedQuarantine *DelayedQuarantine `json:",omitempty"`
}

// PendingChanges is one `showchanges`: the session's uncommitted changes.
type PendingChanges struct {
	Pending bool
	// Keys are the pending settings, sorted: mode ("standalone", or a
	// cluster mode as AsyncOS names it), mode name ("" standalone), key.
	Keys []PendingKey
	Evidence
}

// KeyNames are the pending settings' keys, in order.
func (p PendingChanges) KeyNames() []string {
	ks := make([]string, len(p.Keys))
	for i, k := range p.Keys {
		ks[i] = k.Key
	}
	return ks
}

// PendingKey is one pending setting of `showchanges`.
type PendingKey struct {
	Mode, Name, Key string
}

// DelayedQuarantine is what `dqconfig` says. PVOCentralized is nil when
// the output does not tell (or the release has no dqconfig).
type DelayedQuarantine struct {
	PVOCentralized *bool
	// Enabled is nil unless PVO is centralized.
	Enabled *bool
	Evidence
}

// Notice is a clusterable command's first line in a cluster mode where it
// has no settings: "not defined at this mode".
type Notice struct {
	Mode LevelDefinition // the mode the command ran in
	// Question is "yes_no" (start a new, empty configuration?) or "menu"
	// (What would you like to do?); "" when the block ends before it.
	Question string
	// SettingsAt is the mode item 1 ("Switch modes to edit at mode …")
	// names, where the menu form says the settings live; nil otherwise.
	SettingsAt *LevelDefinition
	Evidence
}

// StatusFeature is one "Feature - <name>: <time remaining>" line of
// `status`.
type StatusFeature struct {
	Name      string
	Remaining string
}

// Name is how findings and errors refer to the appliance: its hostname when
// known, else its address.
func (a *Appliance) Name() string {
	if a == nil {
		return ""
	}
	if a.Hostname != "" {
		return a.Hostname
	}
	return a.Address
}

// Version is the `version` command's Current Version block.
type Version struct {
	Product string
	Model   string
	Raw     string // e.g. "14.2.0-620"
	Major   int
	Minor   int
	Patch   int
	Build   int
	// Serial names a cluster member whose prompt shows only the cluster.
	Serial string
	Evidence
}

// Account is the role of the account the session is logged in as, from
// `who` (Role column) and/or `whoami` (Groups).
type Account struct {
	User     string
	FullName string
	Role     string   // from `who`, e.g. "Administrator", "Operator"; "" if not shown
	Groups   []string // from `whoami`, e.g. ["admin"]
	Evidence
}

// SystemStatus is the `status` output that matters for PVO.
type SystemStatus struct {
	Value   string // "Online", "Offline", "Receiving suspended", ...
	UpSince string
	// TransfersSuspended is nil when the output does not say (how AsyncOS
	// shows `suspendtransfers` is not confirmed).
	TransfersSuspended *bool
	// Features are the "Feature - <name>: <remaining>" lines, in order.
	Features []StatusFeature `json:",omitempty"`
	// Sections are the `status detail` tables seen: Counters, Rates,
	// Gauges (a block without the last one may have been cut).
	Sections []string `json:",omitempty"`
	Evidence
}

// ResumeOutcome is what `resume` or `resumetransfers` reported.
type ResumeOutcome string

const (
	ResumeResumed     ResumeOutcome = "resumed"
	ResumeNothingToDo ResumeOutcome = "nothing_suspended"
	ResumeError       ResumeOutcome = "error"
)

type ResumeResult struct {
	Outcome   ResumeOutcome
	Listeners []string // e.g. euq_listener, cpq_listener
	Evidence
}

// Delivery is the `deliveryconfig` settings block.
type Delivery struct {
	DefaultInterface  string // "Auto" or an interface (group) name
	PossibleDelivery  string
	MaxConcurrency    string
	TLSMaxConcurrency string
	// Staged is a SETUP the session entered and no commit applied, as
	// deliveryconfig re-printed it; the fields above are what runs.
	Staged *Delivery `json:",omitempty"`
	Evidence
}

// ProbeOutcome is the result of a `telnet` from an appliance.
type ProbeOutcome string

const (
	ProbeConnected  ProbeOutcome = "connected"
	ProbeRefused    ProbeOutcome = "refused"
	ProbeTimedOut   ProbeOutcome = "timed_out"   // the appliance said so, or we aborted it
	ProbeDNSFailure ProbeOutcome = "dns_failure" // hostname nor servname provided, or not known
	ProbeFailed     ProbeOutcome = "failed"      // "Unable to connect" with no reason given
	ProbeInvalid    ProbeOutcome = "invalid"     // Invalid arguments when processing telnet
)

// Probe is one `telnet` attempt.
type Probe struct {
	Interface string // the label chosen: "Auto", "In", "Management", ...
	Host      string
	Port      int
	Outcome   ProbeOutcome
	Banner    string // the 220 line when connected
	Detail    string // the line that decided the outcome
	// Aborted is true when pvo-doctor gave up waiting and sent Ctrl-C.
	Aborted bool
	Evidence
}

// TLSVerify is the `tlsverify` result against the SMA's PVO port.
type TLSVerify struct {
	Domain    string
	Host      string
	Port      int
	Connected bool // the TCP connection was made
	Interface string
	Protocol  string // e.g. TLSv1, TLSv1.2
	Cipher    string // e.g. ADH-CAMELLIA256-SHA
	// NoCertificate is true when the peer sent no certificate.
	NoCertificate bool
	Verified      bool
	Failure       string // the failure reason, e.g. "verify error"
	// Superseded says why the probe no longer describes the ESA: the same
	// session committed an outbound cipher change after it. "" when it does.
	Superseded string `json:",omitempty"`
	Evidence
}

// SSLService is one service block in `sslconfig`.
type SSLService struct {
	Name     string   // as printed: "Outbound SMTP", "Inbound SMTP", "GUI HTTPS"
	Method   string   // e.g. "sslv3tlsv1", "tlsv1/tlsv1.2"; "" when the release uses VERSIONS
	Ciphers  string   // colon-joined, whatever the era printed
	Versions []string // from the VERSIONS variant, when shown
}

// SSLConfig is the `sslconfig` settings block: Services and Evidence are
// the settings in force.
type SSLConfig struct {
	Era      string // "pre-9.5" (colon-joined, sslv3tlsv1 methods) or "9.5+" (one token per line)
	Services []SSLService
	// Staged is what a session entered in sslconfig and no commit applied,
	// as the command re-printed it: AsyncOS runs the settings shown before
	// the edit until a commit, and drops the edit at clearchanges or
	// logout. Nil when nothing is staged.
	Staged *SSLConfig `json:",omitempty"`
	// Committed says where the session committed the outbound ciphers in
	// force ("line N"); "" when it did not change them. A probe from an
	// earlier session describes the ciphers before that change.
	Committed string `json:",omitempty"`
	Evidence
}

// Service finds a service by a case-insensitive name prefix, e.g. "outbound".
func (s *SSLConfig) Service(prefix string) *SSLService {
	if s == nil {
		return nil
	}
	for i := range s.Services {
		if strings.HasPrefix(strings.ToLower(s.Services[i].Name), strings.ToLower(prefix)) {
			return &s.Services[i]
		}
	}
	return nil
}

// Cluster is what `clusterconfig` showed.
type Cluster struct {
	Standalone bool
	Name       string
	Groups     []ClusterGroup
	Evidence
}

type ClusterGroup struct {
	Name     string
	Machines []ClusterMachine
}

type ClusterMachine struct {
	Name   string
	Serial string
	// Connection is "" when CONNSTATUS was not read, else e.g. "Connected (via SSH)".
	Connection string
}

// MachineBySerial names the member with this serial number; "" if none.
// A session logged in in cluster mode shows the cluster's name in its
// prompt, not the machine's: the serial number is what finds the machine.
func (c *Cluster) MachineBySerial(serial string) string {
	_, m := c.find(func(m ClusterMachine) bool { return serial != "" && strings.EqualFold(m.Serial, serial) })
	return m
}

// GroupOf names the group machine belongs to; "" if none.
func (c *Cluster) GroupOf(machine string) string {
	g, _ := c.find(func(m ClusterMachine) bool { return machine != "" && strings.EqualFold(m.Name, machine) })
	return g
}

// find returns the group and name of the first member match accepts.
func (c *Cluster) find(match func(ClusterMachine) bool) (group, machine string) {
	if c == nil {
		return "", ""
	}
	for _, g := range c.Groups {
		for _, m := range g.Machines {
			if match(m) {
				return g.Name, m.Name
			}
		}
	}
	return "", ""
}

// Members lists every machine name in the cluster.
func (c *Cluster) Members() []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, g := range c.Groups {
		for _, m := range g.Machines {
			out = append(out, m.Name)
		}
	}
	return out
}

// FeatureKey is one row of `featurekey`.
type FeatureKey struct {
	Module     string
	Quantity   string
	Remaining  string // "Perpetual", "30 days", "Dormant", ...
	Expiration string
}

// KeyState is a feature key's remaining time read as a state.
type KeyState string

const (
	KeyActive    KeyState = "active"    // N years/weeks/days/hours/mins/secs left
	KeyPerpetual KeyState = "perpetual" // never expires
	KeyDormant   KeyState = "dormant"   // installed, not activated
	KeyExpired   KeyState = "expired"   // contains "expired", or no time left
	KeyUnknown   KeyState = "unknown"
)

// State reads Remaining as Cisco's test library does, without regard to
// case: Perpetual, Dormant, anything containing "expired", or a time.
func (k FeatureKey) State() KeyState {
	r := strings.ToLower(strings.TrimSpace(k.Remaining))
	switch {
	case r == "perpetual":
		return KeyPerpetual
	case r == "dormant":
		return KeyDormant
	case strings.Contains(r, "expired"):
		return KeyExpired
	}
	f := strings.Fields(r)
	if len(f) < 2 || len(f)%2 != 0 {
		return KeyUnknown
	}
	left := false
	for i := 0; i < len(f); i += 2 {
		unit := strings.TrimSuffix(f[i+1], "s")
		if strings.Trim(f[i], "0123456789") != "" || !oneOfUnits(unit) {
			return KeyUnknown
		}
		left = left || strings.Trim(f[i], "0") != ""
	}
	if !left {
		return KeyExpired
	}
	return KeyActive
}

func oneOfUnits(u string) bool {
	switch u {
	case "year", "week", "day", "hour", "min", "sec":
		return true
	}
	return false
}

type FeatureKeys struct {
	Machine string
	Keys    []FeatureKey
	Evidence
}

// Setting names a clusterable configuration whose level matters for PVO.
type Setting string

const (
	SettingContentFilters Setting = "content_filters"
	SettingMessageFilters Setting = "message_filters"
	SettingDLP            Setting = "dlp"
	SettingDMARC          Setting = "dmarc"
	// SettingPVO is the PVO quarantine settings (`quarantineconfig`); it is
	// not one of ClusterSettings, which PVO-006 judges.
	SettingPVO Setting = "pvo_quarantines"
	// SettingDelivery (`deliveryconfig`) and SettingOutboundTLS
	// (`sslconfig`) are what --fix changes; their level says where.
	SettingDelivery    Setting = "delivery"
	SettingOutboundTLS Setting = "ssl"
)

// ClusterSettings lists the settings PVO-006 looks at, in report order.
var ClusterSettings = []Setting{SettingContentFilters, SettingMessageFilters, SettingDLP, SettingDMARC}

// SettingCommands is the one map from a clusterable setting to the AsyncOS
// command that configures it (and whose NOTICE in a cluster mode says "not
// defined here"): PVO-006's four first, in report order, then the two
// --fix changes and the PVO quarantines' own (PVO-103). It is data about
// the CLI, not a judgement, so parsers, rules and fixes all read it here.
var SettingCommands = []struct {
	Setting Setting
	Command string
}{
	{SettingContentFilters, "policyconfig"},
	{SettingMessageFilters, "filters"},
	{SettingDLP, "dlpconfig"},
	{SettingDMARC, "dmarcconfig"},
	{SettingDelivery, "deliveryconfig"},
	{SettingOutboundTLS, "sslconfig"},
	{SettingPVO, "quarantineconfig"},
}

// Command is the command that configures s; "" if none.
func (s Setting) Command() string {
	for _, sc := range SettingCommands {
		if sc.Setting == s {
			return sc.Command
		}
	}
	return ""
}

// Level is a cluster configuration level.
type Level string

const (
	LevelCluster Level = "cluster"
	LevelGroup   Level = "group"
	LevelMachine Level = "machine"
)

// LevelDefinition is one place a setting is defined: a level and the name of
// the mode at that level (cluster, group or machine name).
type LevelDefinition struct {
	Level Level
	Name  string
}

// SettingLevel lists every level at which a setting is defined.
type SettingLevel struct {
	Setting     Setting
	Definitions []LevelDefinition
	// Mode is the clustermode the line was read in ("cluster", "machine
	// m"); "" when the session's prompt did not say.
	Mode string `json:",omitempty"`
	Evidence
}

// Listener is one row of `tcpservices`.
type Listener struct {
	Process string
	Proto   string
	Address string
	Port    int
}

type TCPServices struct {
	Listeners []Listener
	Evidence
}

// ListeningOn reports whether anything listens on the port.
func (t *TCPServices) ListeningOn(port int) bool {
	if t == nil {
		return false
	}
	for _, l := range t.Listeners {
		if l.Port == port {
			return true
		}
	}
	return false
}

// MailLog holds what mail_logs said about deliveries to the PVO port.
type MailLog struct {
	Connections []PVOConnection
	Evidence
}

// PVOConnection is one DCID to the PVO port and what happened to its TLS.
type PVOConnection struct {
	Time      string
	DCID      string
	Interface string
	Address   string
	Port      int
	// TLS is "success", "failed" or "" when no TLS line was seen.
	TLS       string
	TLSDetail string // reason after "TLS failed:", or protocol/cipher on success
	Lines     []string
}

// CommitOutcome is what `commit` or `clearchanges` reported.
type CommitOutcome string

const (
	CommitCommitted CommitOutcome = "committed"
	CommitNothing   CommitOutcome = "nothing_to_commit"
	CommitCleared   CommitOutcome = "cleared"
	CommitFailed    CommitOutcome = "failed"
	// CommitDiscarded is commit's "Are you ready to discard all of your
	// changes?" answered yes: nothing was committed and nothing is pending.
	CommitDiscarded CommitOutcome = "discarded"
)

type CommitResult struct {
	Outcome CommitOutcome
	When    string // the date after "Changes committed:"
	Evidence
}

// TestOutcome is what the SMA's `applianceconfig` TEST said about one
// managed appliance.
type TestOutcome string

const (
	TestSucceeded     TestOutcome = "succeeded"
	TestAuthFailed    TestOutcome = "authentication_failed"
	TestCannotConnect TestOutcome = "cannot_connect"
)

// ApplianceTest is one TEST result.
type ApplianceTest struct {
	Outcome TestOutcome
	Detail  string // the line that decided it
}

// ManagedAppliance is one row of the SMA's appliance list.
type ManagedAppliance struct {
	Name    string
	Address string // the IP or hostname it was added by
	Product string // e.g. "Email"
	// PVOService is nil when SERVICES was not read for this appliance.
	PVOService *bool
	// Services maps each SERVICES question's service label to its current
	// state (the default in brackets); nil when not read.
	Services map[string]bool
	Test     *ApplianceTest
	// Authenticated is `applianceconfig list`'s column; nil when not read.
	Authenticated *bool `json:",omitempty"`
	Evidence
}

// ManagedAppliances is the SMA's `applianceconfig`; an empty list means
// "No appliances have been added".
type ManagedAppliances struct {
	Appliances []ManagedAppliance
	Evidence
}

// Find returns the managed appliance whose name or address equals any of
// keys (case-insensitive), or nil.
func (m *ManagedAppliances) Find(keys ...string) *ManagedAppliance {
	if m == nil {
		return nil
	}
	for i := range m.Appliances {
		a := &m.Appliances[i]
		for _, k := range keys {
			k = strings.TrimSpace(k)
			if k != "" && (strings.EqualFold(a.Name, k) || strings.EqualFold(a.Address, k)) {
				return a
			}
		}
	}
	return nil
}

// QuotaRow is one `diskquotaconfig` row, in GB.
type QuotaRow struct {
	Service string
	Usage   float64
	Quota   float64
}

type DiskQuota struct {
	Rows []QuotaRow
	Evidence
}

// Row finds a row by a case-insensitive service-name prefix.
func (d *DiskQuota) Row(prefix string) *QuotaRow {
	if d == nil {
		return nil
	}
	for i := range d.Rows {
		if strings.HasPrefix(strings.ToLower(d.Rows[i].Service), strings.ToLower(prefix)) {
			return &d.Rows[i]
		}
	}
	return nil
}

// QuarantineRow is one quarantine in `quarantineconfig`.
type QuarantineRow struct {
	Name     string
	Messages int
}

// Quarantines is the ESA's `quarantineconfig` table.
type Quarantines struct {
	// Centralized is true when the output notes that the PVO quarantines
	// are centralized on an SMA (CentralizedOn names it).
	Centralized   bool
	CentralizedOn string
	Rows          []QuarantineRow
	Evidence
}

// PVOQuarantines are the system quarantines that move to the SMA when PVO
// is centralized.
var PVOQuarantines = []string{"Policy", "Virus", "Outbreak", "Unclassified", "File Analysis"}

// Interface is one row of `interfaceconfig`.
type Interface struct {
	Name      string // e.g. "Data 1", "Management"
	Address   string // IP without the prefix length
	PrefixLen int
	Port      string // the physical port, e.g. "Data1"
	Hostname  string
}

// Interfaces is one machine's `interfaceconfig`.
type Interfaces struct {
	Machine string
	List    []Interface
	Evidence
}
