package sim

import (
	"fmt"
	"net/netip"
	"strings"
)

// This file holds the scenario fields of the causes beyond the six
// (PVO-101 and up) and the listener model they share: which ports an
// appliance answers on and what the SMA's managed-appliance list holds.

// ManagedSpec is one row of the SMA's applianceconfig list.
type ManagedSpec struct {
	// Name is how the appliance was added; a scenario ESA's hostname ties
	// the row to that ESA.
	Name string `yaml:"name"`
	// Address is the IP or hostname it was added by (default: the ESA's
	// interface on the SMA's subnet, else its first).
	Address string `yaml:"address"`
	// Services maps pvo, safelist, reporting, tracking to enabled.
	Services map[string]bool `yaml:"services"`
	// Test is what applianceconfig TEST says: success, auth_failure or
	// cannot_connect (default success for a scenario ESA, else cannot_connect).
	Test string `yaml:"test"`
}

// QuotaSpec is one diskquotaconfig row in GB; unset fields keep the default.
type QuotaSpec struct {
	Usage *float64 `yaml:"usage"`
	Quota *float64 `yaml:"quota"`
}

// QuarantinesSpec is what ESA quarantineconfig shows.
type QuarantinesSpec struct {
	Centralized bool           `yaml:"centralized"`
	Delayed     bool           `yaml:"delayed"` // dqconfig: Delayed Quarantine on
	Messages    map[string]int `yaml:"messages"`
}

// smaServices are the SERVICES questions in AsyncOS order, with their
// defaults for a newly added ESA.
var smaServices = []struct {
	key, label string
	def        bool
}{
	{"pvo", "Centralized Policy Quarantine", true},
	{"safelist", "Safelist/Blocklist", false},
	{"reporting", "Email Reporting", true},
	{"tracking", "Tracking", true},
}

var testValues = []string{"success", "auth_failure", "cannot_connect"}

// quotaServices are the diskquotaconfig rows with healthy defaults.
var quotaServices = []struct {
	key, label   string
	usage, quota float64
}{
	{"euq", "Spam Quarantine (EUQ)", 0.4, 5},
	{"pvo", "Policy, Virus & Outbreak Quarantines", 1.0, 10},
	{"reporting", "Reporting", 12.0, 50},
	{"tracking", "Tracking", 3.1, 20},
	{"misc", "Miscellaneous Files", 0.2, 5},
}

// pvoQuarantines are the ESA's system quarantines as quarantineconfig
// lists them.
var pvoQuarantines = []struct{ name, retention, action string }{
	{"Outbreak", "12h", "Release"},
	{"Policy", "10d", "Delete"},
	{"Unclassified", "30d", "Release"},
	{"Virus", "30d", "Delete"},
	{"File Analysis", "1h", "Release"},
}

// checkBeyond validates and defaults the PVO-101+ fields once every
// appliance has passed its own check.
func (sc *Scenario) checkBeyond(v *validator) {
	if v.err != nil {
		return
	}
	sma := sc.SMA
	if sma.ReachFromSMA != "" {
		v.failf([]any{"sma", "reach_from_sma"}, "reach_from_sma is an esa field")
	}
	if sma.Quarantines.Centralized || sma.Quarantines.Delayed || sma.Quarantines.Messages != nil {
		v.failf([]any{"sma", "quarantines"}, "quarantines is an esa field")
	}
	if sma.PVOListener == nil {
		on := true
		sma.PVOListener = &on
	}
	if sma.PVOPortActual == 0 {
		sma.PVOPortActual = sc.PVOPort
	}
	if p := sma.PVOPortActual; p < 1 || p > 65535 || p == sc.SpamPort {
		v.failf([]any{"sma", "pvo_port_actual"}, "pvo_port_actual %d is not a free port from 1 to 65535", p)
	}
	for i := range sc.ESAs {
		e := &sc.ESAs[i]
		at := func(more ...any) []any { return append([]any{"esas", i}, more...) }
		for key, set := range map[string]bool{"pvo_listener": e.PVOListener != nil, "pvo_port_actual": e.PVOPortActual != 0, "managed": e.Managed != nil} {
			if set {
				v.failf(at(key), "%s is an sma field", key)
			}
		}
		if e.ReachFromSMA == "" {
			e.ReachFromSMA = "connect"
		}
		if !oneOf(e.ReachFromSMA, reachValues) {
			v.failf(at("reach_from_sma"), "reach_from_sma %q is not one of %s", e.ReachFromSMA, strings.Join(reachValues, ", "))
		}
		for name, n := range e.Quarantines.Messages {
			if quarantineIndex(name) < 0 {
				v.failf(at("quarantines", "messages", name), "quarantine %q is not one of Outbreak, Policy, Unclassified, Virus, File Analysis", name)
			}
			if n < 0 {
				v.failf(at("quarantines", "messages", name), "message count %d is negative", n)
			}
		}
	}
	sc.checkManaged(v)
	apps := []struct {
		a  *ApplianceSpec
		at []any
	}{{sma, []any{"sma"}}}
	for i := range sc.ESAs {
		apps = append(apps, struct {
			a  *ApplianceSpec
			at []any
		}{&sc.ESAs[i], []any{"esas", i}})
	}
	for _, x := range apps {
		x.a.checkDiskQuota(v, x.at)
		x.a.defaultPorts()
	}
}

func (sc *Scenario) checkManaged(v *validator) {
	sma := sc.SMA
	if sma.Managed == nil {
		for _, e := range sc.ESAs {
			sma.Managed = append(sma.Managed, ManagedSpec{Name: e.Hostname})
		}
	}
	seen := map[string]bool{}
	for i := range sma.Managed {
		m := &sma.Managed[i]
		at := func(more ...any) []any { return append([]any{"sma", "managed", i}, more...) }
		if m.Name == "" {
			v.failf(at(), "managed appliance without name")
			continue
		}
		if seen[strings.ToLower(m.Name)] {
			v.failf(at("name"), "managed appliance %s listed twice", m.Name)
		}
		seen[strings.ToLower(m.Name)] = true
		esa := sc.esa(m.Name)
		if m.Address == "" {
			if esa == nil {
				v.failf(at(), "managed appliance %s is no esa of the scenario and has no address", m.Name)
				continue
			}
			m.Address = esa.addressFor(sma.pvoInterface())
		}
		for key := range m.Services {
			if serviceIndex(key) < 0 {
				v.failf(at("services", key), "service %q is not one of pvo, safelist, reporting, tracking", key)
			}
		}
		if m.Test == "" {
			m.Test = "success"
			if esa == nil {
				m.Test = "cannot_connect"
			}
		}
		if !oneOf(m.Test, testValues) {
			v.failf(at("test"), "test %q is not one of %s", m.Test, strings.Join(testValues, ", "))
		}
	}
}

func (a *ApplianceSpec) checkDiskQuota(v *validator, at []any) {
	sub := func(more ...any) []any { return append(append([]any{}, at...), more...) }
	for key, q := range a.DiskQuota {
		if quotaIndex(key) < 0 {
			v.failf(sub("disk_quota", key), "disk quota %q is not one of euq, pvo, reporting, tracking, misc", key)
			continue
		}
		if q.Usage != nil && *q.Usage < 0 || q.Quota != nil && *q.Quota <= 0 {
			v.failf(sub("disk_quota", key), "disk quota %s needs usage >= 0 and quota > 0", key)
		}
	}
	if a.DiskQuota == nil {
		a.DiskQuota = map[string]QuotaSpec{}
	}
	for _, d := range quotaServices {
		q := a.DiskQuota[d.key]
		if q.Usage == nil {
			u := d.usage
			q.Usage = &u
		}
		if q.Quota == nil {
			n := d.quota
			q.Quota = &n
		}
		a.DiskQuota[d.key] = q
	}
	if a.DiskAvailable == 0 {
		a.DiskAvailable = 200
	}
	if a.DiskAvailable < 0 {
		v.failf(sub("disk_available"), "disk_available %g is negative", a.DiskAvailable)
	}
}

// defaultPorts names the physical ports interfaceconfig shows: Management
// for an interface of that name, else Data1, Data2, ... in order.
func (a *ApplianceSpec) defaultPorts() {
	n := 0
	for i := range a.Interfaces {
		ifc := &a.Interfaces[i]
		if ifc.Port != "" {
			continue
		}
		if strings.EqualFold(ifc.Name, "Management") {
			ifc.Port = "Management"
			continue
		}
		n++
		ifc.Port = fmt.Sprintf("Data%d", n)
	}
}

// addressFor is the IP of the interface on target's subnet, else the
// first: how an SMA on that interface would have added this ESA.
func (a *ApplianceSpec) addressFor(target *InterfaceSpec) string {
	if t, err := netip.ParseAddr(target.addr()); err == nil {
		for i := range a.Interfaces {
			if a.prefixes[strings.ToLower(a.Interfaces[i].Name)].Contains(t) {
				return a.Interfaces[i].addr()
			}
		}
	}
	return a.Interfaces[0].addr()
}

func serviceIndex(key string) int {
	for i, s := range smaServices {
		if s.key == key {
			return i
		}
	}
	return -1
}

func quotaIndex(key string) int {
	for i, q := range quotaServices {
		if q.key == key {
			return i
		}
	}
	return -1
}

func quarantineIndex(name string) int {
	for i, q := range pvoQuarantines {
		if strings.EqualFold(q.name, name) {
			return i
		}
	}
	return -1
}

// servicesConfig seeds the SMA's store with each managed appliance's
// services, so SERVICES answers are pending changes like any other.
func servicesConfig(a *ApplianceSpec) map[string]string {
	kv := map[string]string{}
	for _, m := range a.Managed {
		for _, svc := range smaServices {
			on, ok := m.Services[svc.key]
			if !ok {
				on = svc.def
			}
			kv[serviceKey(m.Name, svc.key)] = onOff(on)
		}
	}
	return kv
}

func serviceKey(name, svc string) string { return "appliance." + name + "." + svc }

func onOff(on bool) string { return map[bool]string{true: "Enabled", false: "Disabled"}[on] }

// listens reports whether the appliance accepts a connection on port. The
// SMA's cpq_listener runs only while it is Online and its PVO service is
// on, and then on its actual port, which need not be the one the ESAs use.
func (a *appliance) listens(port int) bool {
	sc := a.site.sc
	if !a.isSMA() {
		return port == 22 || port == 25 || port == sc.PVOPort
	}
	if port == 22 {
		return true
	}
	a.mu.Lock()
	online := a.status == "Online"
	a.mu.Unlock()
	return online && (port == sc.SpamPort || a.pvoListening() && port == a.spec.PVOPortActual)
}

func (a *appliance) pvoListening() bool { return a.spec.PVOListener == nil || *a.spec.PVOListener }

// reachESA says what a connection to an ESA does. Only the SMA's path to
// the ESA's PVO listener (releases) is scenario-controlled.
func (a *appliance) reachESA(esa *appliance, port int) string {
	if !esa.listens(port) {
		return "refused"
	}
	if a.isSMA() && port == a.site.sc.PVOPort {
		return esa.spec.ReachFromSMA
	}
	return "connect"
}

// transfersLine is the [I] line `status detail` adds on an SMA.
func transfersLine(suspended bool) string {
	state := "Active"
	if suspended {
		state = "Suspended"
	}
	return "Centralized transfers:         " + state + "\n"
}
