package asyncos

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/sessionlog"
)

const (
	// maxConnections is how many PVO connections a scan keeps: the most
	// recent ones tell the current story, and memory stays flat.
	maxConnections = 1000
	// maxLine bounds one mail_logs line; longer lines are skipped whole.
	maxLine = 64 << 10
	// MaxMailLogBytes is how much of one mail log a scan reads: at the
	// scan's speed a few seconds. A scan that stops there says so in the
	// result's Evidence.Incomplete, which a rule cannot pass on.
	MaxMailLogBytes = 1 << 30
)

var (
	dcidTag    = []byte("DCID ")
	newSMTPTag = []byte("New SMTP ")
	connErrTag = []byte("Connection Error: ")
	tlsTag     = []byte("TLS ")
	tlsSuccess = []byte("success")
	tlsFailed  = []byte("failed")
	closeTag   = []byte("close")
	colon      = []byte(":")
)

// mailLogScan joins a port's connections with their later TLS lines.
// Connections live in a ring of maxConnections; open maps a DCID to its
// sequence number in the ring, so an evicted connection is simply stale.
type mailLogScan struct {
	port    int
	portTag []byte // " port P": a cheap first test for New SMTP lines
	ring    []facts.PVOConnection
	total   int
	open    map[string]int
}

func newMailLogScan(port int) *mailLogScan {
	return &mailLogScan{port: port, portTag: []byte(" port " + strconv.Itoa(port)), open: make(map[string]int)}
}

// ScanMailLog streams a mail_logs file (or `grep … mail_logs` output) and
// returns every `New SMTP DCID n interface X address Y port P` with P ==
// port, joined with its later `DCID n TLS success|failed` line, plus the
// `Connection Error: DCID …` lines for that port. Only the last
// maxConnections connections are kept, so memory does not grow with the
// file. Lines that a Markdown paste wrapped (two blanks at the end) are
// rejoined.
func ScanMailLog(r io.Reader, port int) (*facts.MailLog, error) {
	return scanMailLog(r, port, MaxMailLogBytes)
}

func scanMailLog(r io.Reader, port int, limit int64) (*facts.MailLog, error) {
	if port <= 0 || port > 65535 {
		return nil, fmt.Errorf("scan mail log: port %d out of range", port)
	}
	s := newMailLogScan(port)
	capped := &capReader{r: r, left: limit}
	br := bufio.NewReaderSize(capped, maxLine)
	var joined []byte // a record that may go on in the next line
	pending := false
	skipping := false // inside an over-long line
	for {
		l, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			skipping = true
			continue
		}
		if skipping {
			skipping = false
			if err == nil {
				continue
			}
			l = nil
		}
		l = bytes.TrimRight(l, "\r\n")
		wrapped := bytes.HasSuffix(l, []byte("  "))
		switch {
		case pending && isContinuation(l):
			joined = append(joined, ' ')
			joined = append(joined, bytes.TrimSpace(l)...)
			pending = wrapped
			if !pending {
				s.line(joined)
			}
		case wrapped:
			if pending {
				s.line(joined)
			}
			joined = append(joined[:0], bytes.TrimRight(l, " ")...)
			pending = true
		default:
			if pending {
				s.line(joined)
				pending = false
			}
			s.line(l)
		}
		if err != nil {
			if pending {
				s.line(joined)
			}
			switch {
			case err == io.EOF && capped.hit, errors.Is(err, sessionlog.ErrTooLarge):
				ml := s.result()
				ml.Incomplete = fmt.Sprintf("only the first %d MB of the mail log were read (the cap); later lines were not scanned", (limit-capped.left)>>20)
				return ml, nil
			case err == io.EOF:
				return s.result(), nil
			}
			return nil, fmt.Errorf("scan mail log: %w", err)
		}
	}
}

// OpenMailLog opens a mail log the user named for ScanMailLog: a FIFO, a
// device or "-" is read under sessionlog.ReadTimeout, and the stream ends
// at MaxMailLogBytes, which the scan then reports as a cut.
func OpenMailLog(path string) (io.ReadCloser, error) {
	return sessionlog.OpenInput(path, sessionlog.Limits{MaxBytes: MaxMailLogBytes})
}

// capReader ends the stream at the cap and remembers that it did, when
// more was there to read.
type capReader struct {
	r    io.Reader
	left int64
	hit  bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, err := io.ReadFull(c.r, one[:]); n > 0 || errors.Is(err, sessionlog.ErrTooLarge) {
			c.hit = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// line handles one mail_logs line. Most lines fail the first byte search
// and cost nothing more.
func (s *mailLogScan) line(l []byte) {
	i := bytes.Index(l, dcidTag)
	if i < 0 {
		return
	}
	switch {
	case bytes.HasSuffix(l[:i], newSMTPTag):
		s.newConnection(l, i)
	case bytes.HasSuffix(l[:i], connErrTag):
		s.connectionError(l, i)
	default:
		s.event(l, i)
	}
}

// newConnection reads "New SMTP DCID n interface X address Y port P".
func (s *mailLogScan) newConnection(l []byte, i int) {
	rest := l[i+len(dcidTag):]
	if !bytes.Contains(rest, s.portTag) {
		return // another port: most deliveries go elsewhere
	}
	dcid, rest := nextField(rest)
	var iface, addr, port []byte
	for len(rest) > 0 {
		var k, v []byte
		k, rest = nextField(rest)
		v, rest = nextField(rest)
		switch string(k) {
		case "interface":
			iface = v
		case "address":
			addr = v
		case "port":
			port = v
		}
	}
	if len(dcid) == 0 || !s.portMatches(port) {
		return
	}
	c := s.add(l, i-len(newSMTPTag), dcid, iface, addr)
	s.open[c.DCID] = s.total - 1
}

// connectionError reads "Connection Error: DCID n domain: D IP: A port: P
// details: … interface: I reason: …" [I]. It joins an open connection, or
// stands alone when the connection never opened.
func (s *mailLogScan) connectionError(l []byte, i int) {
	rest := l[i+len(dcidTag):]
	dcid, rest := nextField(rest)
	var ip, port, iface []byte
	for len(rest) > 0 {
		var k []byte
		k, rest = nextField(rest)
		switch string(k) {
		case "IP:":
			ip, rest = nextField(rest)
		case "port:":
			port, rest = nextField(rest)
		case "interface:":
			iface, rest = nextField(rest)
		}
	}
	if !s.portMatches(port) {
		return
	}
	detail := "connection error"
	if j := bytes.Index(l, []byte("details: ")); j >= 0 {
		d := l[j+len("details: "):]
		if k := bytes.Index(d, []byte(" interface:")); k >= 0 {
			d = d[:k]
		}
		detail = "connection error: " + string(bytes.TrimSpace(d))
	}
	if c := s.lookup(dcid); c != nil {
		c.Lines = append(c.Lines, string(l))
		if c.TLSDetail == "" {
			c.TLSDetail = detail
		}
		return
	}
	c := s.add(l, i-len(connErrTag), dcid, iface, ip)
	c.TLSDetail = detail
}

// event reads "DCID n TLS success …", "DCID n TLS failed: reason", "DCID n
// close" and keeps other lines of an open connection as evidence.
func (s *mailLogScan) event(l []byte, i int) {
	rest := l[i+len(dcidTag):]
	dcid, rest := nextField(rest)
	if len(dcid) == 0 {
		return
	}
	c := s.lookup(dcid)
	if c == nil {
		return
	}
	c.Lines = append(c.Lines, string(l))
	switch {
	case bytes.HasPrefix(rest, tlsTag):
		r := rest[len(tlsTag):]
		if c.TLS != "" {
			return
		}
		switch {
		case bytes.HasPrefix(r, tlsSuccess):
			c.TLS = "success"
			c.TLSDetail = string(bytes.TrimSpace(r[len(tlsSuccess):]))
		case bytes.HasPrefix(r, tlsFailed):
			c.TLS = "failed"
			c.TLSDetail = string(bytes.TrimSpace(bytes.TrimPrefix(r[len(tlsFailed):], colon)))
		}
	case bytes.HasPrefix(rest, closeTag):
		delete(s.open, string(dcid))
	}
}

func (s *mailLogScan) portMatches(p []byte) bool {
	n, err := strconv.Atoi(string(p)) // no allocation for a short conversion
	return err == nil && n == s.port
}

// lookup finds an open connection by DCID without allocating.
func (s *mailLogScan) lookup(dcid []byte) *facts.PVOConnection {
	seq, ok := s.open[string(dcid)]
	if !ok {
		return nil
	}
	if seq < s.total-maxConnections {
		delete(s.open, string(dcid))
		return nil
	}
	return &s.ring[seq%maxConnections]
}

// add starts a connection in the ring from line l, whose event starts at
// column ev (the time stamp is what comes before it).
func (s *mailLogScan) add(l []byte, ev int, dcid, iface, addr []byte) *facts.PVOConnection {
	c := facts.PVOConnection{
		Time:      timeStamp(l[:max(ev, 0)]),
		DCID:      string(dcid),
		Interface: string(iface),
		Address:   string(addr),
		Port:      s.port,
		Lines:     []string{string(l)},
	}
	if len(s.ring) < maxConnections {
		s.ring = append(s.ring, c)
	} else {
		s.ring[s.total%maxConnections] = c
	}
	s.total++
	if len(s.open) > 2*maxConnections {
		for k, seq := range s.open {
			if seq < s.total-maxConnections {
				delete(s.open, k)
			}
		}
	}
	return &s.ring[(s.total-1)%maxConnections]
}

func (s *mailLogScan) result() *facts.MailLog {
	ml := &facts.MailLog{Connections: []facts.PVOConnection{}, Evidence: facts.Evidence{Command: "mail_logs", Lines: []string{}}}
	start := max(s.total-maxConnections, 0)
	for seq := start; seq < s.total; seq++ {
		c := s.ring[seq%maxConnections]
		ml.Connections = append(ml.Connections, c)
		ml.Evidence.Lines = append(ml.Evidence.Lines, c.Lines...)
	}
	return ml
}

// timeStamp is the prefix before the log level: "Mon Apr 7 15:48:42 2014".
func timeStamp(prefix []byte) string {
	p := bytes.TrimSpace(prefix)
	if bytes.HasSuffix(p, []byte(":")) {
		if j := bytes.LastIndexByte(p, ' '); j >= 0 {
			p = bytes.TrimSpace(p[:j])
		} else {
			p = nil
		}
	}
	return string(p)
}

// isContinuation tells the rest of a wrapped line from a new record: log
// records start with a capitalised day or month name or a digit, wrapped
// prose goes on in lower case.
func isContinuation(l []byte) bool {
	t := bytes.TrimLeft(l, " \t")
	return len(t) > 0 && t[0] >= 'a' && t[0] <= 'z'
}

// nextField splits off the first blank-separated field. It loops by hand:
// bytes.TrimLeft and IndexAny build a set per call on the hot path.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	if j >= len(b) {
		return b[i:], nil
	}
	return b[i:j], b[j+1:]
}
