package sim

import "sync"

// stallGate holds sessions at Fault.StallAt, like a stopped process: input
// typed meanwhile waits, and nothing is answered until Release or the end
// of the connection. Its zero value is ready.
type stallGate struct {
	mu      sync.Mutex
	stalled chan struct{} // closed when the first session stalls
	release chan struct{} // closed by Release
}

func (g *stallGate) chans() (stalled, release chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stalled == nil {
		g.stalled, g.release = make(chan struct{}), make(chan struct{})
	}
	return g.stalled, g.release
}

// Stalled is closed once a session has reached Fault.StallAt, so a test
// can act on the event rather than on time.
func (s *Site) Stalled() <-chan struct{} {
	st, _ := s.stall.chans()
	return st
}

// Release lets every stalled session, and every later one, go on.
func (s *Site) Release() {
	_, rel := s.stall.chans()
	s.stall.mu.Lock()
	defer s.stall.mu.Unlock()
	select {
	case <-rel:
	default:
		close(rel)
	}
}

// stallHere holds the session until Release, the end of its connection
// (the fault then ends the session: errDropped) or the site's end.
func (s *session) stallHere() error {
	st, rel := s.a.site.stall.chans()
	s.flush()
	s.a.site.stall.mu.Lock()
	select {
	case <-st:
	default:
		close(st)
	}
	s.a.site.stall.mu.Unlock()
	gone := make(chan struct{})
	go func() {
		_ = s.conn.Wait()
		close(gone)
	}()
	select {
	case <-rel:
		return nil
	case <-gone:
		s.err = errDropped
		return errDropped
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}
