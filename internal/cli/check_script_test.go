package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ssh"

	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// TestCheckScripts runs testdata/check/*.txtar: end-to-end runs of the real
// pvo-doctor binary (this test binary, see TestMain) against the simulator,
// which the `sim` script command starts inside the test process on
// 127.0.0.1.
func TestCheckScripts(t *testing.T) {
	sessions, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sessions"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "check"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SESSIONS", sessions)
			// A -race binary waits a second at exit for late reports;
			// every exec in a script would pay it.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exits":   cmdExits,
			"sim":     cmdSim,
			"fixplan": cmdFixPlan,
			"expand":  cmdExpand,
		},
		RequireExplicitExec: true,
	})
}

type scriptSim struct {
	site      *sim.Site
	snapshots map[string]string
	pub       ssh.PublicKey // the script's key, $KEY
	jumps     map[string]*jumpHost
}

// scriptSims keeps each script's running simulator between its commands;
// scripts run in parallel.
var (
	scriptSimsMu sync.Mutex
	scriptSims   = map[*testscript.TestScript]*scriptSim{}
)

func simOf(ts *testscript.TestScript) *scriptSim {
	scriptSimsMu.Lock()
	defer scriptSimsMu.Unlock()
	return scriptSims[ts]
}

// cmdSim drives the simulator from a script:
//
//	sim start SCENARIO [latency=D] [mode=shell|silent] [legacy] [drop=PROMPT] [extra=PROMPT] [stall=PROMPT]
//	    serves the scenario and sets $ESA (first ESA as user@127.0.0.1:port),
//	    $ESA1.. for every ESA, $SMA, $PVOHOST, $KNOWN_HOSTS (a file with every
//	    appliance's key), $KEY (an identity file the simulator accepts),
//	    $PASSWORD (the scenario's password) and $ESA_ADDR, $SMA_ADDR (no user).
//	sim unchanged      every appliance's committed and pending state is as at start
//	sim changed HOST [KEY...]
//	                   HOST has nothing pending, and exactly these snapshot keys
//	                   differ from the start (none: unchanged); a key is
//	                   "[level]name" for a configuration line, e.g.
//	                   [machine:mx.example.com]delivery.interface, else the
//	                   label before ":", e.g. status
//	sim mark           takes the current state as the new start
//	sim pending HOST   HOST has pending changes (negate with !)
//	sim jump NAME      starts a jump host taking $KEY (see simJump): $NAME, $NAME_PORT
//	sim forwarded NAME N  the jump host NAME forwarded exactly N connections
//	                   and was never offered a password
//	sim waitforwards NAME N  waits until NAME forwarded N more connections
//	sim closedport     sets $CLOSED to a 127.0.0.1 port nothing listens on
//	sim silentport     sets $SILENT to a port that accepts TCP and never speaks
func cmdSim(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: sim start|unchanged|changed|mark|pending|closedport|silentport")
	}
	switch args[0] {
	case "start":
		simStart(ts, args[1:])
	case "unchanged":
		s := simOf(ts)
		if s == nil {
			ts.Fatalf("sim unchanged: no simulator started")
		}
		for host, before := range s.snapshots {
			after := s.site.Snapshot(host)
			if after != before {
				ts.Fatalf("state of %s changed:\n--- before\n%s\n--- after\n%s", host, before, after)
			}
			if s.site.Pending(host) {
				ts.Fatalf("%s has pending changes", host)
			}
		}
	case "changed":
		s := simOf(ts)
		if s == nil || len(args) < 2 || neg {
			ts.Fatalf("usage: sim changed HOST [KEY...] (after sim start)")
		}
		host := args[1]
		before, ok := s.snapshots[host]
		if !ok {
			ts.Fatalf("sim changed: no appliance %s", host)
		}
		after := s.site.Snapshot(host)
		if s.site.Pending(host) {
			ts.Fatalf("%s has pending changes:\n%s", host, after)
		}
		got := snapshotDiff(before, after)
		want := append([]string{}, args[2:]...)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			ts.Fatalf("%s: changed keys %v, want %v\n--- before\n%s\n--- after\n%s", host, got, want, before, after)
		}
	case "mark":
		s := simOf(ts)
		if s == nil {
			ts.Fatalf("sim mark: no simulator started")
		}
		for host := range s.snapshots {
			s.snapshots[host] = s.site.Snapshot(host)
		}
	case "pending":
		s := simOf(ts)
		if s == nil || len(args) != 2 {
			ts.Fatalf("usage: sim pending HOST (after sim start)")
		}
		if got := s.site.Pending(args[1]); got == neg {
			ts.Fatalf("pending(%s) = %v", args[1], got)
		}
	case "jump":
		s := simOf(ts)
		if s == nil || len(args) != 2 {
			ts.Fatalf("usage: sim jump NAME (after sim start)")
		}
		simJump(ts, s, args[1])
	case "forwarded":
		s := simOf(ts)
		if s == nil || len(args) != 3 || s.jumps[args[1]] == nil {
			ts.Fatalf("usage: sim forwarded NAME N (after sim jump NAME)")
		}
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		if got := s.jumps[args[1]].forwarded(); (got == want) == neg {
			ts.Fatalf("jump host %s forwarded %d connections, want %d", args[1], got, want)
		}
		if n := s.jumps[args[1]].passwordAttempts(); n > 0 {
			ts.Fatalf("jump host %s was offered a password %d times", args[1], n)
		}
	case "waitforwards":
		s := simOf(ts)
		if s == nil || len(args) != 3 || s.jumps[args[1]] == nil || neg {
			ts.Fatalf("usage: sim waitforwards NAME N (after sim jump NAME)")
		}
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		ts.Check(s.jumps[args[1]].waitForwards(n, time.Minute))
	case "closedport":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		addr := ln.Addr().String()
		ts.Check(ln.Close())
		ts.Setenv("CLOSED", addr)
	case "silentport":
		s := startSite(ts, "healthy", sim.Options{Mode: "silent"})
		ts.Setenv("SILENT", s.Appliances()[0].Addr)
	default:
		ts.Fatalf("sim: unknown subcommand %q", args[0])
	}
}

func simStart(ts *testscript.TestScript, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: sim start SCENARIO [options]")
	}
	var opts sim.Options
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "latency":
			d, err := time.ParseDuration(v)
			ts.Check(err)
			opts.Latency = d
		case "mode":
			opts.Mode = v
		case "legacy":
			opts.Legacy = true
		case "drop":
			opts.Fault.DropAt = v
		case "extra":
			opts.Fault.ExtraPrompt = v
		case "stall":
			opts.Fault.StallAt = v
		default:
			ts.Fatalf("sim start: unknown option %q", a)
		}
	}
	keyFile, sshPub, err := sim.WriteLoginKey(ts.MkAbs("."), "script")
	ts.Check(err)
	opts.AuthorizedKeys = []ssh.PublicKey{sshPub}

	site := startSite(ts, args[0], opts)
	kh := ts.MkAbs("known_hosts")
	ts.Check(os.WriteFile(kh, site.KnownHosts(), 0o600))
	ts.Setenv("KNOWN_HOSTS", kh)
	ts.Setenv("KEY", keyFile)
	ts.Setenv("PVOHOST", site.SMAPVOHost())
	s := &scriptSim{site: site, snapshots: map[string]string{}, pub: sshPub, jumps: map[string]*jumpHost{}}
	n := 0
	for _, a := range site.Appliances() {
		s.snapshots[a.Hostname] = site.Snapshot(a.Hostname)
		spec := a.User + "@" + a.Addr
		if a.Role == "sma" {
			ts.Setenv("SMA", spec)
			ts.Setenv("SMA_ADDR", a.Addr)
			ts.Setenv("SMA_PORT", a.Addr[strings.LastIndex(a.Addr, ":")+1:])
			ts.Setenv("PASSWORD", a.Password)
			continue
		}
		n++
		ts.Setenv("ESA"+strconv.Itoa(n), spec)
		ts.Setenv("ESA"+strconv.Itoa(n)+"_PORT", a.Addr[strings.LastIndex(a.Addr, ":")+1:])
		if n == 1 {
			ts.Setenv("ESA", spec)
			ts.Setenv("ESA_ADDR", a.Addr)
			ts.Setenv("ESA_PORT", a.Addr[strings.LastIndex(a.Addr, ":")+1:])
		}
	}
	scriptSimsMu.Lock()
	scriptSims[ts] = s
	scriptSimsMu.Unlock()
	ts.Defer(func() {
		scriptSimsMu.Lock()
		delete(scriptSims, ts)
		scriptSimsMu.Unlock()
	})
}

func startSite(ts *testscript.TestScript, scenario string, opts sim.Options) *sim.Site {
	sc, err := sim.LoadScenario(scenario)
	if err != nil {
		ts.Fatalf("sim start: %v", err)
	}
	site, err := sim.Start(context.Background(), sc, opts)
	if err != nil {
		ts.Fatalf("sim start: %v", err)
	}
	ts.Defer(func() {
		if err := site.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "sim close: %v\n", err)
		}
	})
	return site
}

var snapshotLineRE = regexp.MustCompile(`^\s*\[([^\]]+)\] (\S+) = `)

// snapshotDiff lists, sorted, the keys whose line differs between two
// sim.Site snapshots (added, removed or changed).
func snapshotDiff(before, after string) []string {
	keyed := func(snap string) map[string]string {
		m := map[string]string{}
		for _, l := range strings.Split(snap, "\n") {
			key := ""
			if sm := snapshotLineRE.FindStringSubmatch(l); sm != nil {
				key = "[" + sm[1] + "]" + sm[2]
			} else if k, _, ok := strings.Cut(l, ":"); ok {
				key = strings.TrimSpace(k)
			}
			if key != "" {
				m[key] = l
			}
		}
		return m
	}
	b, a := keyed(before), keyed(after)
	var out []string
	for k, l := range a {
		if b[k] != l {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// planAddressRE is the address in a fix plan's appliance heading,
// "mx.example.com (ESA admin@127.0.0.1:2222):": a live check names the
// appliance by its SSH address, analyze by its session file.
var planAddressRE = regexp.MustCompile(`(?m)^(\S+ \((?:ESA|SMA)) [^)]*\)`)

// cmdFixPlan is `fixplan FILE OUT`: it copies the fix plan FILE (e.g.
// stderr) shows, from "Fix plan:" to its last line, into OUT with each
// appliance's address replaced by <address>, so a live check's plan and a
// saved session's can be compared with cmp.
func cmdFixPlan(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fixplan FILE OUT")
	}
	text := ts.ReadFile(args[0])
	i := strings.Index(text, "Fix plan:")
	if i < 0 {
		ts.Fatalf("fixplan: no fix plan in %s:\n%s", args[0], text)
	}
	plan := text[i:]
	for _, end := range []string{"\n--dry-run: nothing was changed.", "\nApply these changes?", "\nNothing was changed."} {
		if j := strings.Index(plan, end); j >= 0 {
			plan = plan[:j+len(end)]
			break
		}
	}
	plan = planAddressRE.ReplaceAllString(plan, "$1 <address>)")
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(plan+"\n"), 0o644))
}

// cmdExpand is `expand IN OUT`: it writes IN with $VAR and ${VAR} replaced
// by the script's environment into OUT, mode 0600 (ssh_config files must
// not be writable by others).
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand IN OUT")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o600))
}
