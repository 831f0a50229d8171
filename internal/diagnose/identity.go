package diagnose

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
	"github.com/pvo-doctor/pvo-doctor/internal/sshconfig"
)

// ErrUsage marks an error as the user's mistake in what they named (exit 2).
var ErrUsage = errors.New("usage")

// usageError wraps a message with ErrUsage; its text is the message alone.
type usageErr struct{ msg string }

func (e usageErr) Error() string        { return e.msg }
func (e usageErr) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error {
	return usageErr{fmt.Sprintf(format, args...)}
}

// Identity is one appliance, resolved once and early: what the user named
// (the spec as given, user, address or file) and, once its session has
// been read, what the appliance says it is (hostname, cluster machine,
// serial number). Findings, fixes and reports refer to it by ID.
type Identity struct {
	ID   facts.ApplianceID
	Role facts.Role
	Spec string // as given: [USER@]HOST[:PORT], or a saved session's file
	User string
	Addr session.Address // zero for a saved session
	// SSH is the appliance as ssh_config resolved it (nil: dial Addr with
	// the run's settings alone); PasswordEnv its own password variable.
	SSH         *sshconfig.Host
	PasswordEnv string

	Hostname string
	Machine  string // the cluster member the session ran on; "" standalone
	Serial   string
}

// ParseTarget reads an appliance named on the command line as
// [USER@]HOST[:PORT] (IPv6 in brackets; a bare IPv6 address takes port 22).
func ParseTarget(role facts.Role, spec, defaultUser string) (Identity, error) {
	id := Identity{Role: role, Spec: spec, User: defaultUser}
	rest := spec
	if u, h, ok := strings.Cut(spec, "@"); ok {
		if u == "" {
			return id, usagef("--%s %q: empty user before @", role, spec)
		}
		id.User, rest = u, h
	}
	addr, err := session.ParseAddress(rest, 22)
	if err != nil {
		return id, usagef("--%s %q: %v", role, spec, err)
	}
	id.Addr = addr
	id.ID = facts.ApplianceID(string(role) + "/" + addr.String())
	return id, nil
}

// ResolvedTarget is an appliance named on the command line or in an
// inventory as spec, and resolved through ssh_config into h: it is
// reached at h's HostName and port, as h's user, with h's settings.
func ResolvedTarget(role facts.Role, spec string, h sshconfig.Host, passwordEnv string) Identity {
	addr := session.Address{Host: h.HostName, Port: h.Port}
	return Identity{Role: role, Spec: spec, User: h.User, Addr: addr, SSH: &h, PasswordEnv: passwordEnv,
		ID: facts.ApplianceID(string(role) + "/" + addr.String())}
}

// SavedIdentity is the identity of a saved session read from path.
func SavedIdentity(role facts.Role, path string) Identity {
	return Identity{Role: role, Spec: path, ID: facts.ApplianceID(string(role) + "/file:" + filepath.Clean(path))}
}

// ParsePVOEndpoint reads where the ESAs reach the SMA's PVO listener,
// HOST[:PORT] with an IPv6 address in brackets (a bare one is a host);
// the port defaults to defaultPort (facts.DefaultPVOPort unless a
// deprecated flag moved it). check and analyze read --sma-pvo-host alike.
func ParsePVOEndpoint(s string, defaultPort int) (session.Address, error) {
	a, err := session.ParseAddress(s, defaultPort)
	if err != nil {
		return a, usagef("--sma-pvo-host %q: %v", s, err)
	}
	return a, nil
}

// resolve completes the identity from the appliance's facts and stamps
// the appliance with it: its ID, and the cluster machine its session ran
// on, which the serial number `version` showed finds (the one place that
// looks it up).
func (id *Identity) resolve(a *facts.Appliance) {
	if a == nil {
		return
	}
	a.ID = id.ID
	if a.Role == "" {
		a.Role = id.Role
	}
	id.Hostname = a.Hostname
	if a.Version != nil {
		id.Serial = a.Version.Serial
	}
	if a.Cluster != nil && !a.Cluster.Standalone {
		id.Machine = a.Cluster.MachineBySerial(id.Serial)
		if id.Machine == "" && a.Cluster.GroupOf(a.Hostname) != "" {
			id.Machine = a.Hostname
		}
	}
	a.Machine = id.Machine
}

// label is how progress names the appliance: its role and spec.
func (id Identity) label() string { return string(id.Role) + " " + id.Spec }

// transcriptBase names the appliance's transcripts: role and address.
func (id Identity) transcriptBase() string { return string(id.Role) + "-" + id.Addr.String() }
