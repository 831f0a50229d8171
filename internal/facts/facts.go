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

// Evidence is the exact output a fact was read from, so a finding can quote it.
type Evidence struct {
	Command string   `json:"command"`
	Lines   []string `json:"lines"`
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
	// SMA's PVO listener on (--sma-pvo-host, default the SMA's address, :7025).
	PVOHost string
	PVOPort int
}

// Appliance holds the facts read from one appliance. A nil pointer, nil map
// or nil slice means "not collected"; a non-nil empty value means
// "collected, and there was nothing".
type Appliance struct {
	Role     Role
	Address  string // host[:port] for a live check, the file name for analyze
	Hostname string // from the prompt or `version`

	Errors   []CollectError
	Warnings []Warning

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

// IsAdministrator answers from the role, or failing that from the groups.
// known is false when neither says anything.
func (a *Account) IsAdministrator() (admin, known bool) {
	if a == nil {
		return false, false
	}
	if a.Role != "" {
		return strings.EqualFold(a.Role, "Administrator"), true
	}
	if a.Groups != nil {
		for _, g := range a.Groups {
			if strings.EqualFold(g, "admin") {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

// SystemStatus is the `status` output that matters for PVO.
type SystemStatus struct {
	Value   string // "Online", "Offline", "Receiving suspended", ...
	UpSince string
	// TransfersSuspended is nil when the output does not say (how AsyncOS
	// shows `suspendtransfers` is not confirmed).
	TransfersSuspended *bool
	Evidence
}

// Online is true only for the literal value Online (case-insensitive).
func (s *SystemStatus) Online() bool {
	return s != nil && strings.EqualFold(strings.TrimSpace(s.Value), "Online")
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
	Evidence
}

// IsAuto reports whether the default delivery interface is Auto.
func (d *Delivery) IsAuto() bool {
	return d != nil && strings.EqualFold(strings.TrimSpace(d.DefaultInterface), "Auto")
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
	Evidence
}

// AnonymousCipher reports whether the negotiated cipher has no authentication.
func (t *TLSVerify) AnonymousCipher() bool {
	if t == nil {
		return false
	}
	c := strings.ToUpper(t.Cipher)
	return strings.HasPrefix(c, "ADH-") || strings.HasPrefix(c, "AECDH-") || strings.Contains(c, "ANON")
}

// Tri is a three-valued answer for questions a parser may be unable to decide.
type Tri string

const (
	TriUnknown Tri = "unknown"
	TriYes     Tri = "yes"
	TriNo      Tri = "no"
)

// CipherVerdict is the cipher analyser's answer to "does this string admit
// anonymous (aNULL) suites?".
type CipherVerdict struct {
	AdmitsANULL Tri
	Reason      string
}

// SSLService is one service block in `sslconfig`.
type SSLService struct {
	Name      string   // as printed: "Outbound SMTP", "Inbound SMTP", "GUI HTTPS"
	Method    string   // e.g. "sslv3tlsv1", "tlsv1/tlsv1.2"; "" when the release uses VERSIONS
	Ciphers   string   // colon-joined, whatever the era printed
	Versions  []string // from the VERSIONS variant, when shown
	Anonymous CipherVerdict
}

// SSLConfig is the `sslconfig` settings block.
type SSLConfig struct {
	Era      string // "pre-9.5" (colon-joined, sslv3tlsv1 methods) or "9.5+" (one token per line)
	Services []SSLService
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
)

// ClusterSettings lists the settings PVO-006 looks at, in report order.
var ClusterSettings = []Setting{SettingContentFilters, SettingMessageFilters, SettingDLP, SettingDMARC}

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
)

type CommitResult struct {
	Outcome CommitOutcome
	When    string // the date after "Changes committed:"
	Evidence
}
