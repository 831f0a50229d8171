package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// store holds configuration by level as flat key/value pairs. A standalone
// appliance has one level, "machine:<host>"; a cluster's members share one
// store with "cluster", "group:<name>" and "machine:<host>" levels. Each
// session's uncommitted changes live beside the committed values, keyed by
// session, so Snapshot can show both and commit merges only what changed.
//
// Keys: delivery.interface, delivery.possible, delivery.max, delivery.tlsmax,
// ssl.<gui|inbound|outbound>.<method|ciphers|versions|renegotiation>, and
// level.<setting> ("defined") for the four cluster-level settings.
type store struct {
	mu        sync.Mutex
	committed map[string]map[string]string
	pending   map[int]*pendingSet
}

type pendingSet struct {
	host   string // appliance whose session made the changes
	levels map[string]map[string]string
}

// deleted marks a pending removal of a key at a level.
const deleted = "\x00deleted"

func newStore() *store {
	return &store{committed: map[string]map[string]string{}, pending: map[int]*pendingSet{}}
}

func (st *store) setCommitted(level, key, val string) {
	if st.committed[level] == nil {
		st.committed[level] = map[string]string{}
	}
	st.committed[level][key] = val
}

// get resolves key through the chain of levels, the session's pending
// changes first at each level. sid < 0 reads committed values only.
func (st *store) get(sid int, chain []string, key string) (string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, lvl := range chain {
		if p := st.pending[sid]; sid >= 0 && p != nil {
			if v, ok := p.levels[lvl][key]; ok {
				if v == deleted {
					continue
				}
				return v, true
			}
		}
		if v, ok := st.committed[lvl][key]; ok {
			return v, true
		}
	}
	return "", false
}

func (st *store) set(sid int, host, level, key, val string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.pending[sid]
	if p == nil {
		p = &pendingSet{host: host, levels: map[string]map[string]string{}}
		st.pending[sid] = p
	}
	if p.levels[level] == nil {
		p.levels[level] = map[string]string{}
	}
	p.levels[level][key] = val
}

// definedAt reports whether key is set at exactly this level, pending
// changes of the session included.
func (st *store) definedAt(sid int, level, key string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if p := st.pending[sid]; p != nil {
		if v, ok := p.levels[level][key]; ok {
			return v != deleted
		}
	}
	_, ok := st.committed[level][key]
	return ok
}

// definedPrefixAt reports whether any key starting with prefix is set at
// exactly this level, pending changes of the session included.
func (st *store) definedPrefixAt(sid int, level, prefix string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	keys := map[string]bool{}
	for k := range st.committed[level] {
		keys[k] = true
	}
	if p := st.pending[sid]; p != nil {
		for k, v := range p.levels[level] {
			keys[k] = v != deleted
		}
	}
	for k, on := range keys {
		if on && strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func (st *store) hasPending(sid int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.pending[sid] != nil
}

// commit merges the session's pending changes into the committed levels.
func (st *store) commit(sid int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.pending[sid]
	if p == nil {
		return false
	}
	for lvl, kv := range p.levels {
		for k, v := range kv {
			if v == deleted {
				delete(st.committed[lvl], k)
				continue
			}
			if st.committed[lvl] == nil {
				st.committed[lvl] = map[string]string{}
			}
			st.committed[lvl][k] = v
		}
	}
	delete(st.pending, sid)
	return true
}

// discard drops the session's pending changes; it reports whether there
// were any.
func (st *store) discard(sid int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, ok := st.pending[sid]
	delete(st.pending, sid)
	return ok
}

// dump renders the given levels' committed values and every pending change
// made from host's sessions, sorted, for Snapshot.
func (st *store) dump(host string, levels []string) (committed, pending []string, any bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, lvl := range levels {
		for _, k := range sortedKeys(st.committed[lvl]) {
			committed = append(committed, fmt.Sprintf("  [%s] %s = %s", lvl, k, st.committed[lvl][k]))
		}
	}
	sids := make([]int, 0, len(st.pending))
	for sid, p := range st.pending {
		if p.host == host {
			sids = append(sids, sid)
		}
	}
	sort.Ints(sids)
	for _, sid := range sids {
		p := st.pending[sid]
		lvls := make([]string, 0, len(p.levels))
		for l := range p.levels {
			lvls = append(lvls, l)
		}
		sort.Strings(lvls)
		for _, lvl := range lvls {
			for _, k := range sortedKeys(p.levels[lvl]) {
				v := p.levels[lvl][k]
				if v == deleted {
					v = "(deleted)"
				}
				pending = append(pending, fmt.Sprintf("  [%s] %s = %s", lvl, k, v))
			}
		}
	}
	return committed, pending, len(sids) > 0
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// cluster is the state the members of one cluster share in-process.
type cluster struct {
	spec    *ClusterSpec
	store   *store
	members []*appliance // in group order, as LIST shows them
	groupOf map[string]string
}

func (c *cluster) member(host string) *appliance {
	for _, m := range c.members {
		if strings.EqualFold(m.spec.Hostname, host) {
			return m
		}
	}
	return nil
}

// configOf flattens an appliance spec's configuration into store keys,
// with era-appropriate SSL defaults where the scenario says nothing.
func configOf(a *ApplianceSpec) map[string]string {
	kv := map[string]string{}
	d := a.Delivery
	kv["delivery.interface"] = d.Interface
	if iface := a.iface(d.Interface); iface != nil {
		kv["delivery.interface"] = iface.Name
	} else {
		kv["delivery.interface"] = "Auto"
	}
	kv["delivery.possible"] = map[bool]string{true: "Enabled", false: "Disabled"}[*d.PossibleDelivery]
	kv["delivery.max"] = strconv.Itoa(d.MaxConcurrency)
	kv["delivery.tlsmax"] = strconv.Itoa(d.TLSMaxConcurrency)
	if a.role == "esa" && a.ver.atLeast(12, 0) && a.dialect != nil && a.dialect.DeliveryNoTLS != "off" {
		kv["delivery.notls"] = "Yes"
	}
	if a.Quarantines.Delayed {
		kv["dq.enabled"] = "Yes"
	}
	for _, svc := range sslServices {
		def := defaultSSL(a.ver, svc)
		spec := a.SSL[svc]
		if spec.Method == "" {
			spec.Method = def.Method
		}
		if spec.Ciphers == "" {
			spec.Ciphers = def.Ciphers
		}
		if spec.Versions == nil {
			spec.Versions = def.Versions
		}
		iaf := a.dialect != nil && *a.dialect.SSLMethod
		if !a.ver.atLeast(12, 0) || iaf {
			if spec.Method == "" {
				spec.Method = "tlsv1/tlsv1.2"
			}
			kv["ssl."+svc+".method"] = spec.Method
		}
		if a.ver.atLeast(12, 0) {
			kv["ssl."+svc+".versions"] = strings.Join(spec.Versions, ", ")
			kv["ssl."+svc+".renegotiation"] = "No"
		}
		kv["ssl."+svc+".ciphers"] = spec.Ciphers
	}
	return kv
}

func defaultSSL(v version, svc string) SSLSpec {
	switch {
	case !v.atLeast(9, 5):
		return SSLSpec{Method: "sslv3tlsv1", Ciphers: "RC4-SHA:RC4-MD5:ALL:-aNULL"}
	case !v.atLeast(12, 0):
		return SSLSpec{Method: "tlsv1/tlsv1.2", Ciphers: "MEDIUM:HIGH:-SSLv2:-aNULL:!RC4:@STRENGTH:-EXPORT"}
	}
	versions := []string{"TLSv1.1", "TLSv1.2"}
	if svc == "gui" {
		versions = []string{"TLSv1.2"}
	}
	return SSLSpec{Ciphers: "MEDIUM:HIGH:-SSLv2:-aNULL:!RC4:@STRENGTH:-EXPORT", Versions: versions}
}

// copyPrefix stages, at level to, every key under prefix that level from
// holds (the session's pending view): a NOTICE's "copy settings".
func (st *store) copyPrefix(sid int, host, from, to, prefix string) {
	st.mu.Lock()
	kv := map[string]string{}
	for k, v := range st.committed[from] {
		if strings.HasPrefix(k, prefix) {
			kv[k] = v
		}
	}
	if p := st.pending[sid]; p != nil {
		for k, v := range p.levels[from] {
			if strings.HasPrefix(k, prefix) {
				kv[k] = v
			}
		}
	}
	st.mu.Unlock()
	if len(kv) == 0 {
		kv[prefix] = emptyConfig
	}
	for k, v := range kv {
		st.set(sid, host, to, k, v)
	}
}

// pythonDict renders the session's pending changes as showchanges does, a
// Python literal: {'standalone': {”: {'key': 'value'}}} on a standalone
// appliance; in a cluster the mode kind and its name ([I]), e.g.
// {'machine': {'esa2.example.com': {...}}}. A removal is None; nothing
// pending is {}.
func (st *store) pythonDict(sid int, clusterName string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.pending[sid]
	if p == nil {
		return "{}"
	}
	modes := map[string]map[string]map[string]string{}
	for lvl, kv := range p.levels {
		kind, name, _ := strings.Cut(lvl, ":")
		switch {
		case clusterName == "":
			kind, name = "standalone", ""
		case kind == "cluster":
			name = clusterName
		}
		if modes[kind] == nil {
			modes[kind] = map[string]map[string]string{}
		}
		modes[kind][name] = kv
	}
	var b strings.Builder
	b.WriteString("{")
	for i, kind := range sortedKeys(modes) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyStr(kind) + ": {")
		for j, name := range sortedKeys(modes[kind]) {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyStr(name) + ": {")
			kv := modes[kind][name]
			for k, key := range sortedKeys(kv) {
				if k > 0 {
					b.WriteString(", ")
				}
				v := pyStr(kv[key])
				if kv[key] == deleted {
					v = "None"
				}
				b.WriteString(pyStr(key) + ": " + v)
			}
			b.WriteString("}")
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	return b.String()
}

// pyStr is Python's repr of a plain string.
func pyStr(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// noOp reports whether the session's pending changes would leave every
// committed value as it is.
func (st *store) noOp(sid int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.pending[sid]
	if p == nil {
		return false
	}
	for lvl, kv := range p.levels {
		for k, v := range kv {
			old, ok := st.committed[lvl][k]
			if v == deleted && ok || v != deleted && (!ok || old != v) {
				return false
			}
		}
	}
	return true
}
