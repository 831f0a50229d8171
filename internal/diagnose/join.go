package diagnose

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// savedInput is one file the user named and the role they gave it ("" to
// let its sessions' own output decide).
type savedInput struct {
	path string
	role facts.Role
}

// expandInputs lists the files of the inputs: a directory stands for the
// regular files in it (sorted, hidden ones skipped), "-" for standard
// input.
func expandInputs(paths []string, role facts.Role) ([]savedInput, error) {
	var out []savedInput
	for _, p := range paths {
		if p == "-" {
			out = append(out, savedInput{p, role})
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, usagef("cannot read %s: %v", p, err)
		}
		if !st.IsDir() {
			out = append(out, savedInput{p, role})
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, usagef("cannot read %s: %v", p, err)
		}
		n := len(out)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
				continue
			}
			out = append(out, savedInput{filepath.Join(p, e.Name()), role})
		}
		if len(out) == n {
			return nil, usagef("%s: a directory with no session file in it", p)
		}
	}
	return out, nil
}

// piece is one appliance session found in one file, in input order.
type piece struct {
	asyncos.FileSession
	path  string
	order int
}

// readPieces splits every input into its appliances' sessions.
func (in Saved) readPieces(inputs []savedInput) ([]piece, error) {
	split := in.FromFile
	if split == nil {
		split = asyncos.FromFile
	}
	var out []piece
	for _, inp := range inputs {
		f, err := openInput(inp.path, asyncos.OpenSession)
		if err != nil {
			return nil, err
		}
		name := inp.path
		if name == "-" {
			name = "stdin" // how the report names what was piped in
		}
		got, err := split(name, f, inp.role)
		f.Close()
		what := "session"
		if inp.role != "" {
			what = string(inp.role) + " session"
		}
		if err != nil {
			err = oneLine(err)
			// The parsers name the file themselves; say it once.
			if strings.HasPrefix(err.Error(), name+":") {
				return nil, usagef("%s %v", what, err)
			}
			return nil, usagef("%s %s: %v", what, name, err)
		}
		if len(got) == 0 {
			return nil, usagef("%s %s: nothing parsed", what, name)
		}
		for _, fs := range got {
			if fs.Appliance == nil {
				continue
			}
			if fs.Appliance.Address == "" {
				fs.Appliance.Address = name
			}
			if inp.role != "" && fs.Appliance.Role == "" {
				fs.Appliance.Role, fs.RoleFrom = inp.role, "given"
			}
			out = append(out, piece{FileSession: fs, path: inp.path, order: len(out)})
		}
	}
	return out, nil
}

// joinPieces groups the sessions of one appliance, whichever file they
// came from: a session is known by its hostname, by the serial number its
// `version` showed (which any file's `clusterconfig` LIST maps to a
// member's name) and, with neither, by its own file. Each group becomes
// one appliance, its sessions merged in time order.
func joinPieces(pieces []piece) ([]*facts.Appliance, error) {
	bySerial := map[string]string{} // serial -> member name, from every clusterconfig
	for _, p := range pieces {
		for _, g := range clusterOf(p.Appliance).Groups {
			for _, m := range g.Machines {
				if m.Serial != "" && m.Name != "" {
					bySerial[strings.ToLower(m.Serial)] = m.Name
				}
			}
		}
	}
	for i := range pieces {
		a := pieces[i].Appliance
		if a.Hostname == "" && pieces[i].Serial != "" {
			a.Hostname = bySerial[strings.ToLower(pieces[i].Serial)]
		}
	}
	// Union-find over the keys each session shows.
	parent := make([]int, len(pieces))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, p := range pieces {
		for _, k := range pieceKeys(p) {
			if j, ok := owner[k]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[k] = i
			}
		}
	}
	groups := map[int][]piece{}
	var roots []int
	for i, p := range pieces {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], p)
	}
	out := make([]*facts.Appliance, 0, len(roots))
	for _, r := range roots {
		a, err := mergePieces(groups[r])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func clusterOf(a *facts.Appliance) *facts.Cluster {
	if a.Cluster == nil {
		return &facts.Cluster{}
	}
	return a.Cluster
}

// pieceKeys are the names a session is known by. An ESA and an SMA are
// never one appliance, whatever their names.
func pieceKeys(p piece) []string {
	var keys []string
	r := string(p.Appliance.Role) + ":"
	if h := strings.ToLower(p.Appliance.Hostname); h != "" {
		keys = append(keys, r+"host:"+h)
	}
	if p.Serial != "" {
		keys = append(keys, r+"serial:"+strings.ToLower(p.Serial))
	}
	if len(keys) == 0 {
		keys = append(keys, "file:"+p.Appliance.Address)
	}
	return keys
}

// mergePieces makes one appliance of the sessions of one: in time order
// (time stamps where the loggers wrote them, else the order the files
// were given), a later read replaces an earlier one, per-machine reads
// are kept per machine, and repeated lists (probes, commits) keep each
// distinct entry once.
func mergePieces(ps []piece) (*facts.Appliance, error) {
	slices.SortStableFunc(ps, func(a, b piece) int {
		if !a.Start.IsZero() && !b.Start.IsZero() {
			if c := a.Start.Compare(b.Start); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.order, b.order)
	})
	var role facts.Role
	var from string
	for _, p := range ps {
		r := p.Appliance.Role
		if r == "" {
			continue
		}
		strong := p.RoleFrom == "version" || p.RoleFrom == "given"
		switch {
		case role == "" || (strong && from != "version" && from != "given"):
			role, from = r, p.RoleFrom
		case r != role && strong && (from == "version" || from == "given"):
			return nil, usagef("%s and %s are the same appliance (%s) but one shows an %s, the other an %s",
				ps[0].Appliance.Address, p.Appliance.Address, name(ps), strings.ToUpper(string(role)), strings.ToUpper(string(r)))
		}
	}
	if role == "" {
		return nil, usagef("%s: cannot tell whether %s is an ESA or an SMA (no version, banner or role-specific command); name the file with --esa or --sma",
			ps[0].Appliance.Address, name(ps))
	}
	out := &facts.Appliance{}
	for _, p := range ps {
		if p.Appliance.Hostname != "" {
			out.Hostname = p.Appliance.Hostname
		}
	}
	for _, p := range ps {
		a := p.Appliance
		if a.Hostname == "" && out.Hostname != "" {
			// A session that never showed the hostname (a paste without
			// prompts) filed its own per-machine reads under its file
			// name: merged, they are the named appliance's.
			a = renameMachine(a, a.Address, out.Hostname)
		}
		mergeInto(reflect.ValueOf(out).Elem(), reflect.ValueOf(a).Elem())
	}
	supersedeAcrossSessions(out, ps)
	out.Role = role
	out.Address = ps[0].Appliance.Address
	if len(ps) > 1 {
		var files []string
		for _, p := range ps {
			if !slices.Contains(files, p.Appliance.Address) {
				files = append(files, p.Appliance.Address)
			}
		}
		merged := fmt.Sprintf("merged %d sessions of this appliance, the later output standing: %s", len(ps), strings.Join(files, ", "))
		out.Warnings = append(out.Warnings, facts.Warning{Text: merged})
		out.Notes = append(out.Notes, merged)
	}
	return out, nil
}

// renameMachine is a with the per-machine reads filed under from filed
// under to; a itself is left as it was.
func renameMachine(a *facts.Appliance, from, to string) *facts.Appliance {
	c := *a
	c.FeatureKeys = renamed(a.FeatureKeys, from, to, func(fk *facts.FeatureKeys) { fk.Machine = to })
	c.Interfaces = renamed(a.Interfaces, from, to, func(ifs *facts.Interfaces) { ifs.Machine = to })
	return &c
}

// renamed is m with the entry under from moved to to, as a copy that set
// marks; m itself when there is no such entry.
func renamed[T any](m map[string]*T, from, to string, set func(*T)) map[string]*T {
	v, ok := m[from]
	if !ok || v == nil {
		return m
	}
	w := *v
	set(&w)
	out := maps.Clone(m)
	delete(out, from)
	out[to] = &w
	return out
}

// supersedeAcrossSessions marks the merged tlsverify as history when a
// later session than the probe's changed the outbound ciphers: it
// committed a change, or it shows other ciphers than the probe's own
// session did. Within one session asyncos marks it already.
func supersedeAcrossSessions(out *facts.Appliance, ps []piece) {
	tv := -1
	for i, p := range ps {
		if p.Appliance.TLSVerify != nil {
			tv = i
		}
	}
	if tv < 0 || out.TLSVerify == nil || out.TLSVerify.Superseded != "" {
		return
	}
	seen := ps[tv].Appliance.SSL.Service("outbound")
	why := ""
	for _, p := range ps[tv+1:] {
		s := p.Appliance.SSL
		later := s.Service("outbound")
		switch {
		case s == nil:
		case s.Committed != "":
			why = fmt.Sprintf("it ran in an earlier session than the outbound cipher change committed in %s (%s)", p.Appliance.Address, s.Committed)
		case seen != nil && later != nil && (seen.Ciphers != later.Ciphers || seen.Method != later.Method):
			why = fmt.Sprintf("it ran in an earlier session, when the outbound ciphers were %s; %s shows %s", seen.Ciphers, p.Appliance.Address, later.Ciphers)
		}
	}
	if why != "" {
		v := *out.TLSVerify
		v.Superseded = why
		out.TLSVerify = &v
	}
}

func name(ps []piece) string {
	for _, p := range ps {
		if p.Appliance.Hostname != "" {
			return p.Appliance.Hostname
		}
	}
	return "the session at line " + fmt.Sprint(ps[0].FirstLine)
}

// mergeInto lays src's facts over dst's: a read (non-nil pointer,
// non-empty string) replaces what dst had, maps merge key by key, and
// slices append the entries dst does not already hold. Reflection keeps
// every fact the parsers add merged without a line here.
func mergeInto(dst, src reflect.Value) {
	for i := 0; i < dst.NumField(); i++ {
		d, s := dst.Field(i), src.Field(i)
		if !d.CanSet() {
			continue
		}
		switch s.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !s.IsNil() {
				d.Set(s)
			}
		case reflect.String:
			if s.String() != "" {
				d.Set(s)
			}
		case reflect.Map:
			if s.IsNil() {
				continue
			}
			if d.IsNil() {
				d.Set(reflect.MakeMap(s.Type()))
			}
			it := s.MapRange()
			for it.Next() {
				d.SetMapIndex(it.Key(), it.Value())
			}
		case reflect.Slice:
			if s.IsNil() {
				continue
			}
			if d.IsNil() {
				d.Set(reflect.MakeSlice(s.Type(), 0, s.Len()))
			}
			// Keyed by their printed form: a log with thousands of
			// warnings merges in linear time.
			have := make(map[string]bool, d.Len())
			for j := 0; j < d.Len(); j++ {
				have[fmt.Sprintf("%#v", d.Index(j).Interface())] = true
			}
			for j := 0; j < s.Len(); j++ {
				k := fmt.Sprintf("%#v", s.Index(j).Interface())
				if !have[k] {
					have[k] = true
					d.Set(reflect.Append(d, s.Index(j)))
				}
			}
		default:
			if !s.IsZero() {
				d.Set(s)
			}
		}
	}
}
