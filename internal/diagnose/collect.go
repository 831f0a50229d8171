package diagnose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// Conn is the live CLI a collection runs over; *session.Session is one.
type Conn interface {
	Prompt() string
	Run(ctx context.Context, command string) (string, error)
	Dialog(ctx context.Context, command string, steps ...session.Step) (string, error)
	SetMode(ctx context.Context, mode string) (string, error)
	Interrupt(ctx context.Context) error
	BackOut(ctx context.Context) error
}

// Plan says what to collect from one appliance and how long each step may take.
type Plan struct {
	Role    facts.Role
	Address string // how the user named the appliance; becomes Appliance.Address
	// PVOHost and PVOPort are where an ESA should reach the SMA's PVO
	// listener; an empty host skips the telnet and tlsverify probes.
	PVOHost string
	PVOPort int
	// SpamPort is the SMA's spam quarantine port, probed beside the PVO
	// port when that fails; 0 means 6025.
	SpamPort int
	// StepTimeout bounds each ordinary command; ProbeTimeout bounds a
	// telnet or tlsverify that may hang on a dropped port.
	StepTimeout  time.Duration
	ProbeTimeout time.Duration
	// TestTimeout bounds an SMA's applianceconfig TEST of one ESA (0:
	// DefaultTestTimeout); Sessions bounds the SMA's sessions for its
	// per-ESA reads, its own included (0: DefaultSessions), and Open logs
	// in the extra ones (nil: the one session does them all).
	TestTimeout time.Duration
	Sessions    int
	Open        OpenFunc
	// ESAs, on an SMA, is how many ESAs this check examines: the SMA's
	// extra sessions open at once, sized for their three reads each, rather
	// than after the managed list.
	ESAs int
	// MailLogDCIDs bounds how many recent PVO connections are looked up in
	// mail_logs; 0 means the default, negative skips mail_logs.
	MailLogDCIDs int
	// Progress, when set, is told the name of each step as it starts.
	Progress func(step string)
	// Checked, on an SMA, returns the names and addresses of the ESAs this
	// check examines, waiting until their collection is done. The SMA then
	// reads SERVICES, TEST and its telnet probe only for the appliances it
	// manages that are among them (every one of them, however many): an
	// SMA may manage dozens of ESAs nobody asked about, and each costs
	// about a dozen round trips. nil reads every email appliance.
	Checked func(ctx context.Context) []string
	// Known, on an SMA, returns at once the names and addresses of the
	// examined ESAs known so far (Checked's answer will include them).
	Known func() []string
	// Identified, on an ESA, is told the names and addresses the SMA may
	// know it by (IdentityKeys) as soon as they are known, after the PVO
	// probes listed its interfaces, so the SMA's Checked need not wait for
	// the whole collection.
	Identified func(keys []string)
	// Endpoint, on an ESA, returns where to probe the SMA's PVO listener
	// (replacing PVOHost and PVOPort), waiting until the SMA's session has
	// read its tcpservices; false when the run ended first.
	Endpoint func(ctx context.Context) (session.Address, bool)
	// Listeners, on an SMA, is told its tcpservices as soon as it was read
	// (nil when it could not be), before the SMA waits in Checked.
	Listeners func(*facts.TCPServices)
}

const (
	defaultStepTimeout  = 30 * time.Second
	defaultProbeTimeout = 10 * time.Second
	defaultMailLogDCIDs = 20
	// recoverTimeout bounds the Ctrl-C that brings a stuck step back to
	// the main prompt.
	recoverTimeout = 5 * time.Second
)

// collect runs the read-only collection plan over s and returns what it
// learned. Every command's output is kept as a session log in the shape a
// terminal shows, and parsed by FromSession, so a live check and an offline
// analyze of the same output agree by construction. Steps that fail become
// Errors on the appliance; collect itself never fails.
func collect(ctx context.Context, s Conn, p Plan) *facts.Appliance {
	c := &collector{s: s, p: p}
	if c.p.StepTimeout <= 0 {
		c.p.StepTimeout = defaultStepTimeout
	}
	if c.p.ProbeTimeout <= 0 {
		c.p.ProbeTimeout = defaultProbeTimeout
	}
	if c.p.PVOPort == 0 {
		c.p.PVOPort = facts.DefaultPVOPort
	}
	if c.p.SpamPort == 0 {
		c.p.SpamPort = facts.DefaultSpamPort
	}
	if c.p.MailLogDCIDs == 0 {
		c.p.MailLogDCIDs = defaultMailLogDCIDs
	}
	// The batch, the side session and the SMA's extra sessions start
	// before anything else: each costs a round trip to get going, which
	// they spend beside the first session's own first steps.
	c.batch = c.startBatch(ctx, batchCommands(c.p.Role))
	c.side = c.startSide(ctx)
	if c.p.Role == facts.RoleSMA && c.p.ESAs > 0 {
		c.walkers = c.startWalkers(ctx, 3*c.p.ESAs)
	}
	c.begin(ctx)
	c.collect(ctx)
	c.endBesideSide(ctx)
	if c.walkers != nil {
		// walk has let them go; this covers a collection that never got there.
		c.walkers.add(nil, true)
		c.walkers.wg.Wait()
	}

	app, err := asyncos.FromSession(p.Address, strings.NewReader(c.logSoFar()), p.Role)
	if err != nil {
		app = &facts.Appliance{Role: p.Role}
		c.errs = append(c.errs, facts.CollectError{Step: "parse", Message: err.Error()})
	}
	app.Address = p.Address
	if len(c.mailText) > 0 && c.p.PVOPort != facts.DefaultPVOPort {
		// The session parser reads mail_logs for the default port; this
		// site's PVO listener moved, and so did the connections to it.
		if ml, err := asyncos.ScanMailLog(strings.NewReader(strings.Join(c.mailText, "\n")), c.p.PVOPort); err == nil {
			app.MailLog = ml
		}
	}
	for i := range app.Probes {
		if c.aborted[i] {
			app.Probes[i].Aborted = true
		}
	}
	// Collection errors come first: they explain the parse errors after them.
	app.Errors = append(c.errs, app.Errors...)
	return app
}

type collector struct {
	s    Conn
	p    Plan
	log  strings.Builder
	errs []facts.CollectError
	// aborted[i] is true when the i-th telnet was cut short with Ctrl-C.
	aborted map[int]bool
	probes  int
	dead    bool // the session is gone: skip the remaining steps
	told    bool // Plan.Identified was called
	// mailText holds what the mail_logs greps printed.
	mailText []string
	// paging is true when setttymode was refused and the pager stays on.
	paging bool
	// before is showchanges at the start; nil when it was not read.
	before *pendingRead
	// walked is true once the SMA's SERVICES walk ran, the one read that
	// may stage a change (and whose change the collection clears).
	walked bool
	// refusedServices is true once servicesAllowed said why not.
	refusedServices bool
	side            *side    // a standalone ESA's second session (side.go)
	batch           *batch   // the question-free commands sent as exec requests (batch.go)
	walkers         *walkers // an SMA's extra sessions for its per-ESA reads (smawalk.go)
}

func (c *collector) collect(ctx context.Context) {
	b := c.batch
	var serial string
	if out, ok := c.batched(ctx, b, "version"); ok {
		if v, _, err := asyncos.ParseVersion(out); err == nil && v != nil {
			serial = v.Serial
		}
	}
	if c.p.Role == facts.RoleSMA {
		// tcpservices first: the ESAs wait for the PVO listener it shows.
		out, ok := c.batched(ctx, b, "tcpservices")
		if c.p.Listeners != nil {
			var ts *facts.TCPServices
			if ok {
				ts, _, _ = asyncos.ParseTCPServices(out)
			}
			c.p.Listeners(ts)
		}
		for _, cmd := range []string{"who", "whoami", "status detail"} {
			// Only `status detail` shows whether transfers are suspended.
			c.batched(ctx, b, cmd)
		}
		c.sma(ctx, b)
		return
	}
	// The delivery probes come early: they list the ESA's interfaces, which
	// the SMA's session waits for (Identified) before its per-ESA reads.
	startMode := asyncos.ModeOf(c.prompt())
	cl := c.clusterLayout(ctx)
	me := ""
	if cl != nil && !cl.Standalone {
		// A member logs in in cluster mode, which shows cluster-level
		// settings; its own delivery and TLS settings may be overridden at
		// group or machine level, so read them in its machine mode. The
		// prompt names the cluster, not the machine: the serial number
		// `version` showed finds it in the cluster's list.
		me = cl.MachineBySerial(serial)
		if me != "" {
			c.setMode(ctx, "machine "+me)
		}
	}
	c.delivery(ctx)
	c.identified()
	for _, cmd := range []string{"who", "whoami", "status"} {
		c.batched(ctx, b, cmd)
	}
	c.fromSide(ctx, sideSSL, func() { c.run(ctx, "sslconfig") })
	switch {
	case cl == nil:
	case cl.Standalone:
		c.standalone(ctx)
	default:
		c.members(ctx, cl, me)
	}
	c.restoreMode(ctx, startMode)
	if c.side == nil {
		c.mailLog(ctx)
	}
}

// delivery reads the default delivery interface and probes the SMA's PVO
// port from it (and from Auto when it fails), then TLS to it.
func (c *collector) delivery(ctx context.Context) {
	out, ok := c.run(ctx, "deliveryconfig")
	defer c.side.endpoint(c.p, false) // side.go: whatever happens below
	if c.p.Endpoint != nil {
		c.progress("waiting for the SMA's PVO address")
		a, ok := c.p.Endpoint(ctx)
		if !ok {
			return
		}
		c.p.PVOHost, c.p.PVOPort = a.Host, a.Port
	}
	c.side.endpoint(c.p, true)
	if c.p.PVOHost == "" {
		return
	}
	iface := "Auto"
	if d, _, err := asyncos.ParseDeliveryConfig(out); ok && err == nil && d.DefaultInterface != "" {
		iface = d.DefaultInterface
	}
	connected := c.telnet(ctx, iface, c.p.PVOHost, c.p.PVOPort)
	// The telnet dialog listed the interfaces: the SMA can start on us.
	c.identified()
	if !connected && !strings.EqualFold(iface, "Auto") {
		// Whether Auto connects decides which fix PVO-003 offers.
		iface = "Auto"
		connected = c.telnet(ctx, iface, c.p.PVOHost, c.p.PVOPort)
	}
	if !connected {
		// "Spam quarantine works" misleads: show the spam port beside it.
		c.telnet(ctx, iface, c.p.PVOHost, c.p.SpamPort)
	}
	c.fromSide(ctx, sideTLS, func() { c.tlsverify(ctx) })
}

// identified tells Plan.Identified, once, what the collection so far says
// this ESA is called and where it is.
func (c *collector) identified() {
	if c.p.Identified == nil || c.told {
		return
	}
	c.told = true
	if a, err := asyncos.FromSession(c.p.Address, strings.NewReader(c.logSoFar()), c.p.Role); err == nil {
		c.p.Identified(IdentityKeys(a))
	}
}

// sma reads what the SMA knows of its ESAs: the managed list, each email
// appliance's services and TEST result, the PVO disk quota, and whether it
// can reach each ESA's PVO listener for released messages.
func (c *collector) sma(ctx context.Context, b *batch) {
	out, ok := c.managedList(ctx, b)
	var managed []facts.ManagedAppliance
	if ok {
		if m, _, err := asyncos.ParseApplianceConfig(out); err == nil {
			for _, a := range m.Appliances {
				if a.Product == "" || strings.Contains(strings.ToLower(a.Product), "email") {
					managed = append(managed, a)
				}
			}
		}
	}
	if c.walkers == nil {
		// Nobody said how many ESAs: sized by the managed list instead.
		c.walkers = c.startWalkers(ctx, 3*len(managed))
	}
	// The PVO disk quota is read once the extra sessions have their first
	// jobs: they need not wait for it.
	c.walk(ctx, c.walkers, managed, func() { c.run(ctx, "diskquotaconfig") })
}

// IdentityKeys are the names and addresses an SMA may know ESA a by: its
// hostname and every interface address and hostname a's collection saw
// (every member's, in a cluster).
func IdentityKeys(a *facts.Appliance) []string {
	if a == nil {
		return nil
	}
	keys := []string{a.Hostname}
	for machine, ifs := range a.Interfaces {
		keys = append(keys, machine)
		if ifs == nil {
			continue
		}
		for _, x := range ifs.List {
			keys = append(keys, x.Address, x.Hostname)
		}
	}
	return keys
}

// examined keeps the managed appliances whose name or address is one of keys.
func examined(managed []facts.ManagedAppliance, keys []string) []facts.ManagedAppliance {
	var out []facts.ManagedAppliance
	for _, a := range managed {
		for _, k := range keys {
			if k != "" && (strings.EqualFold(a.Name, k) || strings.EqualFold(a.Address, k)) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// logSoFar is the session log with the prompt the last command returned
// to, as a terminal shows it: without it the last command's output would
// read as cut. A dead session returned to no prompt.
func (c *collector) logSoFar() string {
	if c.dead {
		return c.log.String()
	}
	return c.log.String() + c.prompt()
}

func (c *collector) prompt() string {
	if p := c.s.Prompt(); p != "" {
		return p
	}
	return "> "
}

func (c *collector) progress(step string) {
	if c.p.Progress != nil {
		c.p.Progress(step)
	}
}

// run runs one command that needs no answers (a menu it stops in is backed
// out of). ok is false when the command did not complete.
func (c *collector) run(ctx context.Context, command string) (string, bool) {
	if c.dead {
		return "", false
	}
	if asyncos.ReadDialog(command) != nil {
		return c.readDialog(ctx, command)
	}
	return c.step(ctx, command, func(ctx context.Context) (string, error) { return c.s.Run(ctx, command) })
}

// fail records a step's error and brings the session back to the main
// prompt, or marks it dead when that is impossible.
func (c *collector) fail(ctx context.Context, step string, err error) {
	c.errs = append(c.errs, facts.CollectError{Step: step, Message: err.Error()})
	switch {
	case session.IsClosed(err):
		c.dead = true
	case session.IsRefused(err):
		// AsyncOS refused the command and is back at its prompt.
	default:
		c.recover(ctx)
	}
}

// recover interrupts whatever is running and waits for the main prompt.
// When the run itself ended (Ctrl-C, --timeout), it still interrupts, on a
// short deadline of its own, so that a dialog in progress is left at the
// prompt rather than mid-question, and then stops the collection.
func (c *collector) recover(ctx context.Context) bool {
	if ctx.Err() != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoverTimeout)
		defer cancel()
		_ = c.s.Interrupt(rctx)
		c.dead = true
		return false
	}
	rctx, cancel := context.WithTimeout(ctx, recoverTimeout)
	defer cancel()
	if err := c.s.Interrupt(rctx); err != nil {
		c.errs = append(c.errs, facts.CollectError{Step: "recover", Message: err.Error()})
		c.dead = true
		return false
	}
	return true
}

// telnet probes host:port from one interface (chosen by label) and
// reports whether it connected. A probe that hangs, as a firewall drop does,
// is cut short with Ctrl-C at the probe timeout and counts as timed out.
func (c *collector) telnet(ctx context.Context, iface, host string, port int) bool {
	if c.dead {
		return false
	}
	c.progress(fmt.Sprintf("telnet %s %s %d", iface, host, port))
	prompt := c.prompt()
	pctx, cancel := context.WithTimeout(ctx, c.p.ProbeTimeout)
	out, err := c.s.Dialog(pctx, "telnet", asyncos.TelnetDialog(iface, host, port)...)
	cancel()
	idx := c.probes
	c.probes++
	connected := err == nil && asyncos.TelnetConnected(out)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		// The probe hung: abort it as an administrator would.
		if c.recover(ctx) {
			out = strings.TrimRight(out, "\n") + "\n^C\n"
			if c.aborted == nil {
				c.aborted = map[int]bool{}
			}
			c.aborted[idx] = true
			err = nil
		}
	}
	c.log.WriteString(prompt + "telnet\n" + out + "\n")
	if err != nil {
		c.fail(ctx, "telnet from "+iface, err)
	}
	return connected
}

// tlsverify checks TLS to the SMA's PVO port as the ESA's delivery would.
func (c *collector) tlsverify(ctx context.Context) {
	if c.dead {
		return
	}
	c.progress("tlsverify")
	prompt := c.prompt()
	pctx, cancel := context.WithTimeout(ctx, c.p.ProbeTimeout)
	out, err := c.s.Dialog(pctx, "tlsverify", asyncos.TLSVerifyDialog(c.p.PVOHost, c.p.PVOHost, c.p.PVOPort)...)
	cancel()
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		if c.recover(ctx) {
			out = strings.TrimRight(out, "\n") + "\n^C\n"
			c.errs = append(c.errs, facts.CollectError{Step: "tlsverify",
				Message: fmt.Sprintf("no answer within %s; interrupted", c.p.ProbeTimeout)})
			err = nil
		}
	}
	c.log.WriteString(prompt + "tlsverify\n" + out + "\n")
	if err != nil {
		c.fail(ctx, "tlsverify", err)
	}
}

// clusterLayout runs clusterconfig (in cluster mode, where it is allowed)
// and returns the layout; nil when it could not be read.
func (c *collector) clusterLayout(ctx context.Context) *facts.Cluster {
	if c.dead {
		return nil
	}
	c.progress("clusterconfig")
	out, err := c.clusterconfig(ctx)
	if session.IsRestricted(err) {
		// Logged in below cluster mode: clusterconfig runs in cluster mode only.
		if !c.setMode(ctx, "cluster") {
			return nil
		}
		out, err = c.clusterconfig(ctx)
	}
	if err != nil {
		c.fail(ctx, "clusterconfig", err)
		return nil
	}
	cl, _, perr := asyncos.ParseClusterConfig(out)
	if perr != nil {
		return nil
	}
	return cl
}

// standalone reads, on an ESA outside any cluster, what a cluster member's
// collection reads per machine. The telnet dialog already listed the
// interfaces (see TelnetInterfaces), so interfaceconfig runs only when no
// telnet did.
func (c *collector) standalone(ctx context.Context) {
	c.fromSide(ctx, sideFeatureKey, func() { c.run(ctx, "featurekey") })
	if c.probes == 0 {
		c.run(ctx, "interfaceconfig")
	}
	c.fromSide(ctx, sideQuarantine, func() { c.run(ctx, "quarantineconfig") })
}

func (c *collector) clusterconfig(ctx context.Context) (string, error) {
	prompt := c.prompt()
	sctx, cancel := context.WithTimeout(ctx, c.p.StepTimeout)
	defer cancel()
	// Standalone: leave it standalone (the default). Clustered: list the
	// machines and their connections, then leave the menu.
	out, err := c.s.Dialog(sctx, "clusterconfig", asyncos.ClusterConfigDialog()...)
	if err == nil {
		err = c.s.BackOut(sctx)
	}
	c.log.WriteString(prompt + "clusterconfig\n" + out + "\n")
	return out, err
}

// setMode switches cluster mode ("cluster", "machine esa1.example.com").
func (c *collector) setMode(ctx context.Context, mode string) bool {
	if c.dead {
		return false
	}
	prompt := c.prompt()
	sctx, cancel := context.WithTimeout(ctx, c.p.StepTimeout)
	out, err := c.s.SetMode(sctx, mode)
	cancel()
	c.log.WriteString(prompt + "clustermode " + mode + "\n" + out + "\n")
	if err != nil {
		c.fail(ctx, "clustermode "+mode, err)
		return false
	}
	return true
}

// restoreMode puts the session back in the mode the collection found it in.
func (c *collector) restoreMode(ctx context.Context, mode string) {
	if mode == "" || c.dead || asyncos.ModeOf(c.prompt()) == mode {
		return
	}
	c.setMode(ctx, mode)
}

// mailLog looks up the recent deliveries to the PVO port and their TLS
// outcome, bounded in lines (the last few connections) and time.
func (c *collector) mailLog(ctx context.Context) {
	if c.dead || c.p.MailLogDCIDs < 0 {
		return
	}
	out, ok := c.run(ctx, asyncos.MailLogPortGrep(c.p.PVOPort))
	if !ok {
		return
	}
	c.mailText = append(c.mailText, out)
	if dcids := asyncos.MailLogDCIDs(out, c.p.MailLogDCIDs); len(dcids) > 0 {
		if tls, ok := c.run(ctx, asyncos.MailLogTLSGrep(dcids)); ok {
			c.mailText = append(c.mailText, tls)
		}
	}
}
