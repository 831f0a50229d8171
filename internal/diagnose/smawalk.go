package diagnose

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// DefaultSessions is how many CLI sessions an SMA's per-ESA reads may use
// at once when Plan.Sessions is 0: a handful, since some sites alert on
// logins, and AsyncOS allows several concurrent CLI sessions.
const DefaultSessions = 4

// DefaultTestTimeout bounds one applianceconfig TEST: AsyncOS may take up
// to 120 s to give up on an ESA it cannot reach.
const DefaultTestTimeout = 150 * time.Second

// OpenFunc logs in once more to the appliance a collection runs on; the
// n-th extra session (from 1) names its own transcript. closeFn leaves it.
type OpenFunc func(ctx context.Context, n int) (conn Conn, closeFn func() error, err error)

// walkJob is one of the SMA's reads about one ESA. Each runs on whichever
// session is free, and keeps its own log, so the merged session log is in
// job order whichever session ran it.
type walkJob struct {
	kind jobKind
	app  facts.ManagedAppliance
	apps []facts.ManagedAppliance // jobBoth: SERVICES and TEST of each

	log     string
	errs    []facts.CollectError
	aborted []bool // per telnet in log: cut short with Ctrl-C
}

type jobKind int

const (
	jobTest jobKind = iota // first: it may take the longest
	jobServices
	jobTelnet
	// jobBoth walks SERVICES and TEST of several appliances in one
	// applianceconfig menu: 8 round trips each instead of 14 apart.
	jobBoth
)

// walkers are the SMA's extra sessions, logged in while the SMA's own
// session still reads its other settings and waits for the ESAs. Jobs
// come in up to two lots (the ESAs known at once, then the rest).
type walkers struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	cond   *sync.Cond
	jobs   []*walkJob
	next   int
	closed bool // no more jobs will come
}

// add queues jobs; last says none will follow.
func (w *walkers) add(jobs []*walkJob, last bool) {
	w.mu.Lock()
	w.jobs = append(w.jobs, jobs...)
	w.closed = w.closed || last
	w.cond.Broadcast()
	w.mu.Unlock()
}

// take hands out the next job not yet taken, waiting for one while more
// may come; nil when none is left.
func (w *walkers) take() *walkJob {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.next >= len(w.jobs) && !w.closed {
		w.cond.Wait()
	}
	if w.next >= len(w.jobs) {
		return nil
	}
	w.next++
	return w.jobs[w.next-1]
}

// work runs jobs on c's session until none is left or the session is gone
// (its last job then failed and says why; the others carry on).
func (w *walkers) work(ctx context.Context, c *collector) {
	for !c.dead {
		j := w.take()
		if j == nil {
			return
		}
		c.runJob(ctx, j)
	}
}

// startWalkers logs in, in the background, up to Sessions-1 extra sessions
// for at most jobs jobs. Each waits for the job list, then takes jobs until
// none is left, and logs out.
func (c *collector) startWalkers(ctx context.Context, jobs int) *walkers {
	w := &walkers{}
	w.cond = sync.NewCond(&w.mu)
	n := min(c.sessions()-1, jobs-1)
	if c.p.Open == nil || c.dead {
		n = 0
	}
	p := c.p // copied here: c's goroutine owns c
	for i := 1; i <= n; i++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			conn, closeFn, err := p.Open(ctx, i)
			if err != nil {
				// The SMA's own session and the other extra ones do
				// this one's share: a refused login costs time, no verdict.
				if p.Progress != nil {
					p.Progress(fmt.Sprintf("extra session %d: %v", i, err))
				}
				return
			}
			defer closeFn()
			w.work(ctx, &collector{s: conn, p: p})
		}()
	}
	return w
}

// walk reads, for each managed ESA examined, its services, its TEST result
// and whether the SMA reaches its PVO listener, spread over the SMA's own
// session and the extra ones, then adds the results to c's log in order.
// The extra sessions start at once on the ESAs already known by name (a
// standalone ESA's prompt names it as soon as it logs in); the rest wait
// until every ESA has said what it goes by (Plan.Checked). own runs on c's
// session once the first jobs are out.
func (c *collector) walk(ctx context.Context, w *walkers, managed []facts.ManagedAppliance, own func()) {
	var early []facts.ManagedAppliance
	if c.p.Checked != nil && c.p.Known != nil && len(managed) > 0 {
		early = examined(managed, c.p.Known())
	}
	w.add(c.walkJobs(early), false)
	own()
	if c.p.Checked != nil && len(managed) > 0 {
		c.progress("waiting for the ESAs")
		managed = examined(managed, c.p.Checked(ctx))
	}
	var rest []facts.ManagedAppliance
	for _, a := range managed {
		if !slices.ContainsFunc(early, func(e facts.ManagedAppliance) bool { return e.Name == a.Name && e.Address == a.Address }) {
			rest = append(rest, a)
		}
	}
	if c.dead {
		rest = nil
	}
	w.add(c.walkJobs(rest), true)
	mine := &collector{s: c.s, p: c.p}
	w.work(ctx, mine)
	w.wg.Wait()
	c.dead = c.dead || mine.dead
	c.walked = c.walked || mine.walked
	for _, j := range w.jobs {
		c.log.WriteString(j.log)
		c.errs = append(c.errs, j.errs...)
		for _, ab := range j.aborted {
			if ab {
				if c.aborted == nil {
					c.aborted = map[int]bool{}
				}
				c.aborted[c.probes] = true
			}
			c.probes++
		}
	}
}

// walkJobs splits the reads of managed into jobs. With fewer appliances
// than sessions, each SERVICES, TEST and telnet is a job of its own, so
// they run side by side; with more, each session walks its share of
// SERVICES and TEST in one menu (fewer round trips in all), and the telnet
// probes fill whichever session is free.
func (c *collector) walkJobs(managed []facts.ManagedAppliance) []*walkJob {
	var jobs []*walkJob
	n := c.sessions()
	kinds := []jobKind{jobTest, jobServices}
	if !c.servicesAllowed() {
		kinds = []jobKind{jobTest}
	} else if len(managed) >= n {
		kinds = nil
		for i := 0; i < n; i++ {
			j := &walkJob{kind: jobBoth}
			for k := i; k < len(managed); k += n {
				j.apps = append(j.apps, managed[k])
			}
			jobs = append(jobs, j)
		}
	}
	for _, k := range append(kinds, jobTelnet) {
		for _, a := range managed {
			if k != jobTelnet || a.Address != "" {
				jobs = append(jobs, &walkJob{kind: k, app: a})
			}
		}
	}
	return jobs
}

// servicesAllowed says whether SERVICES may be walked: its answers may
// stage a change that only clearing everything undoes, so never where
// someone's uncommitted work (or an unread change list) is pending. The
// refusal is recorded once, on the SMA's own session.
func (c *collector) servicesAllowed() bool {
	if c.before != nil && !c.before.Pending {
		return true
	}
	if !c.refusedServices {
		c.refusedServices = true
		c.errs = append(c.errs, facts.CollectError{Step: "applianceconfig SERVICES",
			Message: "not read: showchanges did not show an empty change list before the check, and reading SERVICES may stage a change that only clearing everything undoes"})
	}
	return false
}

func (c *collector) sessions() int {
	if c.p.Sessions > 0 {
		return c.p.Sessions
	}
	return DefaultSessions
}

// runJob runs one job on c's session with a log of its own.
func (c *collector) runJob(ctx context.Context, j *walkJob) {
	c.log.Reset()
	c.errs, c.aborted, c.probes = nil, nil, 0
	switch j.kind {
	case jobServices:
		c.applianceDialog(ctx, "applianceconfig SERVICES", asyncos.ServicesDialog(j.app.Name), c.p.StepTimeout)
	case jobTest:
		c.applianceDialog(ctx, "applianceconfig TEST", asyncos.TestDialog(j.app.Name), c.testTimeout())
	case jobTelnet:
		c.telnet(ctx, "Auto", j.app.Address, facts.DefaultPVOPort)
	case jobBoth:
		names := make([]string, len(j.apps))
		for i, a := range j.apps {
			names[i] = a.Name
		}
		c.applianceDialog(ctx, "applianceconfig SERVICES, TEST", asyncos.ServicesAndTestDialog(names),
			time.Duration(len(names))*(c.testTimeout()+c.p.StepTimeout))
	}
	j.log, j.errs = c.log.String(), c.errs
	for i := 0; i < c.probes; i++ {
		j.aborted = append(j.aborted, c.aborted[i])
	}
}

func (c *collector) testTimeout() time.Duration {
	if c.p.TestTimeout > 0 {
		return c.p.TestTimeout
	}
	return DefaultTestTimeout
}

// applianceDialog walks one applianceconfig operation for one appliance
// under its own deadline (each of its questions also waits at most the
// step timeout, except the TEST's result). AsyncOS records even unchanged
// SERVICES answers as a pending change, so the confirmed clear follows
// whatever SERVICES did: check stays read-only.
func (c *collector) applianceDialog(ctx context.Context, step string, steps []session.Step, timeout time.Duration) {
	if c.dead {
		return
	}
	c.progress(step)
	prompt := c.prompt()
	sctx, cancel := context.WithTimeout(ctx, timeout+c.p.StepTimeout)
	out, err := c.s.Dialog(sctx, "applianceconfig", steps...)
	cancel()
	c.log.WriteString(prompt + "applianceconfig\n" + out + "\n")
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && strings.Contains(step, "TEST") {
			err = fmt.Errorf("%w (applianceconfig TEST can take up to 2 minutes on an SMA: try --test-timeout 150s and a --timeout above it)", err)
		}
		c.fail(ctx, step, err)
	}
	if !strings.Contains(step, "SERVICES") {
		return // TEST stages nothing
	}
	c.walked = true
	if ctx.Err() != nil && !session.IsClosed(err) {
		// The run ended mid-dialog: what SERVICES staged is still cleared,
		// with the confirmed clear (the SMA has no clearchanges).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoverTimeout)
		defer cancel()
		_, _ = c.s.Dialog(rctx, "clear", asyncos.ClearDialog()...)
		return
	}
	c.dialog(ctx, "clear", asyncos.ClearDialog()...)
}

// smaConfig is how an SMA's sessions are opened: each may wait a whole
// TEST for one reply (the ordinary steps stay bounded by their own
// deadlines).
func smaConfig(cfg Config) Config {
	test := cfg.TestTimeout
	if test <= 0 {
		test = DefaultTestTimeout
	}
	cfg.Dial.StepTimeout = max(cfg.Dial.StepTimeout, cfg.StepTimeout, test)
	return cfg
}

// moreSessions opens the n-th extra session on the appliance first as
// another CLI session over first's SSH connection (no new login), else,
// where the server refuses a second channel, with a login of its own. Each
// has its own transcript.
func moreSessions(cfg Config, id Identity, tag string, first *session.Session) OpenFunc {
	return func(ctx context.Context, n int) (Conn, func() error, error) {
		t := fmt.Sprintf("session%d", n+1)
		if tag != "" {
			t = tag + "-" + t
		}
		if s, err := first.Another(ctx, t); err == nil {
			return s, s.Close, nil
		}
		s, _, err := open(ctx, cfg, id, t, nil)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
}

// promptKeys is what a standalone appliance's prompt says it is called,
// e.g. "mx1.example.com" from "mx1.example.com> "; nothing from a cluster
// prompt, which names the cluster or a mode.
func promptKeys(prompt string) []string {
	if asyncos.ModeOf(prompt) != "" {
		return nil
	}
	h := strings.TrimSuffix(strings.TrimSpace(prompt), ">")
	if h == "" || strings.ContainsAny(h, " ()") {
		return nil
	}
	return []string{h}
}

// earlyKeys let the SMA start on the ESAs already known by name: an ESA
// hints its prompt's name as soon as it logs in, and the SMA asks what is
// known without waiting.
type earlyKeys struct {
	known func() []string
	hint  func([]string)
}
