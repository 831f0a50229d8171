package diagnose

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// Config is one live diagnosis: which appliances, where the ESAs should
// reach the SMA's PVO listener, how to log in, and how long each part may
// take.
type Config struct {
	// Targets are the appliances, as ParseTarget resolved them.
	Targets []Identity
	// PVO is where the ESAs should reach the SMA's PVO listener; an empty
	// host skips the probes.
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

// Targets resolves the appliances named on the command line: ESAs first,
// then the SMA. defaultUser applies where a spec names none.
func Targets(esas []string, sma, defaultUser string) ([]Identity, error) {
	if len(esas) == 0 && sma == "" {
		return nil, usagef("name the appliances with --esa and --sma")
	}
	var ids []Identity
	for _, e := range esas {
		id, err := ParseTarget(facts.RoleESA, e, defaultUser)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if sma != "" {
		id, err := ParseTarget(facts.RoleSMA, sma, defaultUser)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// DefaultPVO is the PVO endpoint when --sma-pvo-host is not given: the
// SMA's host, port 7025; no host when there is no SMA.
func DefaultPVO(ids []Identity) session.Address {
	for _, id := range ids {
		if id.Role == facts.RoleSMA {
			return session.Address{Host: id.Addr.Host, Port: facts.DefaultPVOPort}
		}
	}
	return session.Address{Port: facts.DefaultPVOPort}
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
func Collect(ctx context.Context, cfg Config, tag string) *facts.Site {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	site := &facts.Site{PVOHost: cfg.PVO.Host, PVOPort: cfg.PVO.Port}
	ids := append([]Identity(nil), cfg.Targets...)
	apps := make([]*facts.Appliance, len(ids))
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
			apps[i] = collectOne(ctx, cfg, id, tag, checked, identified, early)
		}()
	}
	wg.Wait()
	if cfg.Progress != nil {
		cfg.Progress(Event{Done: true})
	}
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
	s, err := session.Open(ctx, cfg.Dial, session.Target{Name: id.transcriptBase(), Label: id.Spec, User: id.User, Addr: id.Addr}, tag, progress)
	if err != nil {
		var se *session.Error
		if errors.As(err, &se) {
			return nil, se.Step, se.Err
		}
		return nil, session.StepConnect, err
	}
	return s, "", nil
}

// collectOne runs one appliance's whole session: dial, log in, collect,
// leave. Errors become the appliance's Errors, each naming the step.
func collectOne(ctx context.Context, cfg Config, id Identity, tag string,
	checked func(context.Context) []string, identified func([]string), early earlyKeys) *facts.Appliance {
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
		early.hint(promptKeys(s.Prompt()))
	}
	return collect(ctx, s, Plan{
		TestTimeout:  cfg.TestTimeout,
		Sessions:     cfg.SessionsPerAppliance,
		Open:         more,
		Role:         id.Role,
		Address:      id.Spec,
		PVOHost:      cfg.PVO.Host,
		PVOPort:      cfg.PVO.Port,
		StepTimeout:  cfg.StepTimeout,
		ProbeTimeout: cfg.ProbeTimeout,
		Progress:     progress,
		Checked:      checked,
		Known:        early.known,
		Identified:   identified,
	})
}
