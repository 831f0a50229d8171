package diagnose

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/fix"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// Config is one live diagnosis: which appliances, where the ESAs should
// reach the SMA's PVO listener, how to log in, and how long each part may
// take.
type Config struct {
	// Targets are the appliances, as ParseTarget resolved them.
	Targets []Identity
	// PVO is --sma-pvo-host: where the ESAs reach the SMA's PVO listener.
	// An empty host means where the SMA's tcpservices shows its
	// cpq_listener, else the SMA's SSH address (see pvoGate); without an
	// SMA the probes are skipped.
	PVO  session.Address
	Dial session.Options

	ProbeTimeout time.Duration
	StepTimeout  time.Duration
	// TestTimeout bounds one applianceconfig TEST on the SMA (0:
	// DefaultTestTimeout); SessionsPerAppliance bounds the SMA's sessions,
	// its first included (0: DefaultSessions).
	TestTimeout          time.Duration
	SessionsPerAppliance int
	// Timeout bounds one collection of the whole site.
	Timeout time.Duration
	// Concurrency bounds the appliances in session at the same time.
	Concurrency int
	// Progress, when set, is told each appliance's step as it starts.
	Progress func(Event)
}

// Event is one step of one appliance's collection; Done ends them all.
type Event struct {
	Appliance string // role and spec, e.g. "esa admin@mx1:22"
	Step      string
	Done      bool
}

// StepRunTimeout is the error step of every appliance whose collection
// the whole run's deadline (--timeout) cut short.
const StepRunTimeout = "run timeout"

// TimedOut reports whether --timeout cut the collection of site short.
func TimedOut(site *facts.Site) bool {
	for _, a := range append([]*facts.Appliance{site.SMA}, site.ESAs...) {
		if a == nil {
			continue
		}
		for _, e := range a.Errors {
			if e.Step == StepRunTimeout {
				return true
			}
		}
	}
	return false
}

// LostAppliance reports whether a failed step (a CollectError's Step) lost
// the whole appliance: it never got its turn, or no session was opened.
func LostAppliance(step string) bool {
	switch step {
	case "queue", session.StepConnect, session.StepShell, session.StepTranscript, session.StepLogin:
		return true
	}
	return false
}

// Collect logs into every appliance at once (bounded by Concurrency) and
// collects each one's facts. A failing appliance never stops the others.
// tag names this collection's transcripts ("" for the first check).
func Collect(parent context.Context, cfg Config, tag string) *facts.Site {
	ctx, cancel := context.WithTimeout(parent, cfg.Timeout)
	defer cancel()
	site := &facts.Site{}
	ids := append([]Identity(nil), cfg.Targets...)
	pvo := newPVOGate(cfg, ids)
	apps := make([]*facts.Appliance, len(ids))
	cut := make([]bool, len(ids)) // the run's deadline came before this one's end
	conc := cfg.Concurrency
	if conc < 1 {
		conc = 1
	}
	sem := make(chan struct{}, conc)
	acquire := func(ctx context.Context) bool {
		select {
		case sem <- struct{}{}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// The SMA's session waits, through checked, until every ESA has said
	// which names and addresses it goes by (or has ended), and then reads
	// only those appliances' SERVICES and TEST. It gives its concurrency
	// slot back while it waits, so the ESAs can always run.
	var wg, esasKnown sync.WaitGroup
	var keyMu sync.Mutex
	keys := []string{}
	for _, id := range ids {
		if id.Role == facts.RoleESA {
			keys = append(keys, id.Addr.Host)
		}
	}
	esas := len(keys)
	early := earlyKeys{
		known: func() []string {
			keyMu.Lock()
			defer keyMu.Unlock()
			return append([]string(nil), keys...)
		},
		hint: func(k []string) {
			keyMu.Lock()
			keys = append(keys, k...)
			keyMu.Unlock()
		},
	}
	for i, id := range ids {
		wg.Add(1)
		var once sync.Once
		identified := func(k []string) {
			once.Do(func() {
				keyMu.Lock()
				keys = append(keys, k...)
				keyMu.Unlock()
				esasKnown.Done()
			})
		}
		if id.Role == facts.RoleESA {
			esasKnown.Add(1)
		}
		go func() {
			defer wg.Done()
			if id.Role == facts.RoleESA {
				defer func() { identified(IdentityKeys(apps[i])) }()
			} else {
				// An SMA that never read its tcpservices still lets the
				// ESAs probe: its SSH address.
				defer pvo.fromListeners(nil)
			}
			held := acquire(ctx)
			defer func() {
				if held {
					<-sem
				}
			}()
			if !held {
				apps[i] = failed(id, "queue", fmt.Errorf("run timed out (--timeout %s) before this appliance's turn", cfg.Timeout))
				return
			}
			checked := func(ctx context.Context) []string {
				<-sem
				held = false
				waitGroup(ctx, &esasKnown)
				held = acquire(ctx)
				keyMu.Lock()
				defer keyMu.Unlock()
				return append([]string(nil), keys...)
			}
			// An ESA waits for the SMA's PVO endpoint the same way, slot
			// given back, so the SMA can always get its turn.
			endpoint := func(ctx context.Context) (session.Address, bool) {
				select {
				case <-pvo.ready:
					return pvo.wait(ctx)
				default:
				}
				<-sem
				held = false
				a, ok := pvo.wait(ctx)
				held = acquire(ctx)
				return a, ok && held
			}
			apps[i] = collectOne(ctx, cfg, id, tag, hooks{checked, identified, endpoint, pvo.fromListeners, early, esas})
			cut[i] = errors.Is(ctx.Err(), context.DeadlineExceeded)
		}()
	}
	wg.Wait()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
		// The whole run's deadline, not one step's: say which flag.
		for i, a := range apps {
			if a != nil && cut[i] {
				a.Errors = append(a.Errors, facts.CollectError{Step: StepRunTimeout,
					Message: fmt.Sprintf("the run took longer than --timeout %s; what was collected until then is reported (raise --timeout)", cfg.Timeout)})
			}
		}
	}
	if cfg.Progress != nil {
		cfg.Progress(Event{Done: true})
	}
	site.PVOHost, site.PVOPort, site.PVOSource = pvo.addr.Host, pvo.addr.Port, pvo.why
	for i, a := range apps {
		ids[i].resolve(a)
		if a.Role == facts.RoleSMA {
			site.SMA = a
		} else {
			site.ESAs = append(site.ESAs, a)
		}
	}
	return site
}

// waitGroup waits for wg or the end of ctx, whichever comes first.
func waitGroup(ctx context.Context, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func failed(id Identity, step string, err error) *facts.Appliance {
	return &facts.Appliance{Role: id.Role, Address: id.Spec,
		Errors: []facts.CollectError{{Step: step, Message: err.Error()}}}
}

// open logs into one appliance; a failure says which step failed.
func open(ctx context.Context, cfg Config, id Identity, tag string, progress func(string)) (*session.Session, string, error) {
	s, err := session.Open(ctx, cfg.Dial, session.Target{Name: id.transcriptBase(), Label: id.Spec, User: id.User, Addr: id.Addr,
		SSH: id.SSH, PasswordEnv: id.PasswordEnv}, tag, progress)
	if err != nil {
		var se *session.Error
		if errors.As(err, &se) {
			return nil, se.Step, se.Err
		}
		return nil, session.StepConnect, err
	}
	return s, "", nil
}

// hooks are how one appliance's collection meets the others' (see Plan).
type hooks struct {
	checked    func(context.Context) []string
	identified func([]string)
	endpoint   func(context.Context) (session.Address, bool)
	listeners  func(*facts.TCPServices)
	early      earlyKeys // smawalk.go
	esas       int       // how many ESAs the check examines
}

// collectOne runs one appliance's whole session: dial, log in, collect,
// leave. Errors become the appliance's Errors, each naming the step.
func collectOne(ctx context.Context, cfg Config, id Identity, tag string, h hooks) *facts.Appliance {
	label := id.label()
	progress := func(step string) {
		if cfg.Progress != nil {
			cfg.Progress(Event{Appliance: label, Step: step})
		}
	}
	if id.Role == facts.RoleSMA {
		cfg = smaConfig(cfg)
	}
	s, step, err := open(ctx, cfg, id, tag, progress)
	if err != nil {
		return failed(id, step, err)
	}
	defer s.Close()
	more := moreSessions(cfg, id, tag, s)
	if id.Role == facts.RoleESA {
		h.early.hint(promptKeys(s.Prompt()))
	}
	return collect(ctx, s, Plan{
		TestTimeout:  cfg.TestTimeout,
		Sessions:     cfg.SessionsPerAppliance,
		ESAs:         h.esas,
		Open:         more,
		Role:         id.Role,
		Address:      id.Spec,
		StepTimeout:  cfg.StepTimeout,
		ProbeTimeout: cfg.ProbeTimeout,
		Progress:     progress,
		Checked:      h.checked,
		Known:        h.early.known,
		Identified:   h.identified,
		Endpoint:     h.endpoint,
		Listeners:    h.listeners,
	})
}

// Committed reports whether a fix of o was applied (and so committed).
func (o Outcome) Committed() bool {
	for _, f := range o.Fixes {
		if f.Status == fix.Applied || f.Status == fix.Verified {
			return true
		}
	}
	return false
}
