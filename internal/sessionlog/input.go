package sessionlog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// The caps below are stated in the README: a file beyond them is refused
// with one line saying which cap, never read into memory whole.
const (
	// MaxSessionBytes bounds one session file. A CLI session a person typed
	// is kilobytes; mail_logs are streamed separately (--mail-log).
	MaxSessionBytes = 16 << 20
	// MaxLineBytes bounds one line: no AsyncOS command prints a line this
	// long, so such a line means a binary or a runaway file.
	MaxLineBytes = 1 << 20
	// MaxCommands bounds the commands of one file, so the commands' own
	// bookkeeping stays a small multiple of the input however short its
	// lines are.
	MaxCommands = 50_000
	// ReadTimeout bounds reading an input that is not a regular file (a
	// FIFO, a terminal, standard input): no data within it is an error.
	ReadTimeout = 30 * time.Second
)

// Input errors. Each is one line a user can act on; callers test them with
// errors.Is and exit 2.
var (
	// ErrNoPrompt means the input holds no `<prompt> <command>` line, so it
	// is not an AsyncOS CLI session.
	ErrNoPrompt = errors.New("not an AsyncOS CLI session (no prompt found)")
	ErrEmpty    = errors.New("empty file")
	ErrBinary   = errors.New("a binary file, not a saved CLI session")
	ErrTooLarge = errors.New("too large")
	ErrTimeout  = errors.New("no data before the read deadline")
)

// Limits bounds one read of an input.
type Limits struct {
	MaxBytes int64         // 0 means MaxSessionBytes
	Timeout  time.Duration // for non-regular inputs; 0 means ReadTimeout
}

func (l Limits) max() int64 {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return MaxSessionBytes
}

func (l Limits) timeout() time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return ReadTimeout
}

// ReadFile reads a whole input the user named: a regular file, or a FIFO,
// a device or "-" (standard input) under lim's deadline. Neither a FIFO
// without a writer nor an endless device can hang it, and nothing beyond
// lim's size is read.
func ReadFile(path string, lim Limits) ([]byte, error) {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() > lim.max() {
		return nil, tooLarge(lim.max())
	}
	f, err := OpenInput(path, lim)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, lim.max())
}

// OpenInput opens an input for streaming (mail_logs). For a regular file it
// is the file; otherwise every read is bounded by lim's deadline, measured
// from the last data received, and the reader stops with ErrTooLarge past
// lim's size. Opening a FIFO that has no writer is bounded by the deadline
// too.
func OpenInput(path string, lim Limits) (io.ReadCloser, error) {
	if path == "-" {
		d := newDeadlineReader(os.Stdin, lim, false)
		return &limitedFile{r: d, c: d, left: lim.max()}, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, bare(err)
	}
	switch {
	case st.IsDir():
		return nil, errors.New("is a directory")
	case st.Mode().IsRegular():
		f, err := os.Open(path)
		if err != nil {
			return nil, bare(err)
		}
		return &limitedFile{r: f, c: f, left: lim.max(), size: st.Size()}, nil
	}
	f, err := openBounded(path, st, lim.timeout())
	if err != nil {
		return nil, err
	}
	d := newDeadlineReader(f, lim, true)
	return &limitedFile{r: d, c: d, left: lim.max()}, nil
}

// openBounded opens a non-regular file. Opening a FIFO blocks until a
// writer appears; past the deadline the open is released by opening the
// FIFO's write end once, which lets the blocked open return.
func openBounded(path string, st fs.FileInfo, timeout time.Duration) (*os.File, error) {
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		done <- result{f, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, bare(r.err)
		}
		return r.f, nil
	case <-timer.C:
	}
	if st.Mode()&fs.ModeNamedPipe != 0 {
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		if r := <-done; r.f != nil {
			r.f.Close()
		}
	}
	return nil, fmt.Errorf("%w (%s): nothing opened the other end", ErrTimeout, timeout)
}

func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// limitedFile stops a regular file's reader at the size cap.
type limitedFile struct {
	r    io.Reader
	c    io.Closer
	left int64
	size int64 // the file's size when known, to read it in one allocation
}

func (l *limitedFile) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells "exactly at the cap" from "beyond it".
		var one [1]byte
		n, err := l.r.Read(one[:])
		switch {
		case n > 0:
			return 0, ErrTooLarge
		case err == nil || errors.Is(err, io.EOF):
			return 0, io.EOF
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func (l *limitedFile) Close() error { return l.c.Close() }

// deadlineReader bounds every read of a FIFO, device or standard input in
// time; a limitedFile around it bounds the size, which ends an endless
// device. Where the file supports deadlines (pipes, FIFOs) the poller
// enforces them; elsewhere (a terminal, /dev/zero) a reading goroutine is
// abandoned at the deadline, which only a short-lived CLI can afford.
type deadlineReader struct {
	f       *os.File
	timeout time.Duration
	polled  bool
	closeF  bool
	pending chan readResult
}

type readResult struct {
	n   int
	buf []byte
	err error
}

func newDeadlineReader(f *os.File, lim Limits, closeF bool) *deadlineReader {
	d := &deadlineReader{f: f, timeout: lim.timeout(), closeF: closeF}
	d.polled = f.SetReadDeadline(time.Now().Add(d.timeout)) == nil
	return d
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	var n int
	var err error
	if d.polled {
		_ = d.f.SetReadDeadline(time.Now().Add(d.timeout))
		n, err = d.f.Read(p)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("%w (%s)", ErrTimeout, d.timeout)
		}
	} else {
		n, err = d.readAbandoning(p)
	}
	return n, err
}

// readAbandoning reads into a buffer of its own, so a read that outlives
// the deadline never writes into p after Read returned.
func (d *deadlineReader) readAbandoning(p []byte) (int, error) {
	if d.pending == nil {
		ch := make(chan readResult, 1)
		buf := make([]byte, len(p))
		go func() {
			n, err := d.f.Read(buf)
			ch <- readResult{n, buf, err}
		}()
		d.pending = ch
	}
	timer := time.NewTimer(d.timeout)
	defer timer.Stop()
	select {
	case r := <-d.pending:
		d.pending = nil
		n := copy(p, r.buf[:r.n])
		return n, r.err
	case <-timer.C:
		return 0, fmt.Errorf("%w (%s)", ErrTimeout, d.timeout)
	}
}

func (d *deadlineReader) Close() error {
	if d.closeF {
		return d.f.Close()
	}
	return nil
}

// readAll reads r up to max bytes; more is ErrTooLarge.
func readAll(r io.Reader, max int64) ([]byte, error) {
	s, err := readAllString(r, max)
	return []byte(s), err
}

// readAllString reads r up to max bytes into a string without a second
// copy: a session file is held in memory once.
func readAllString(r io.Reader, max int64) (string, error) {
	var sb strings.Builder
	if lf, ok := r.(*limitedFile); ok && lf.size > 0 && lf.size <= max {
		sb.Grow(int(lf.size))
	}
	_, err := io.Copy(&sb, &limitedFile{r: r, left: max})
	if errors.Is(err, ErrTooLarge) {
		return "", tooLarge(max)
	}
	if err != nil {
		return "", err
	}
	return sb.String(), nil
}

func tooLarge(max int64) error {
	return fmt.Errorf("%w: more than %d MB, the cap for one session file", ErrTooLarge, max>>20)
}

// Decode turns a saved session's bytes into text: a UTF-8 byte order mark
// goes, UTF-16 (a Windows export, with or without its mark) becomes UTF-8.
// An empty file and a binary file are errors.
func Decode(b []byte) (string, error) { return decodeString(string(b)) }

func decodeString(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", ErrEmpty
	}
	switch {
	case strings.HasPrefix(s, "\xef\xbb\xbf"):
		s = s[3:]
	case strings.HasPrefix(s, "\xff\xfe"):
		s = utf16ToUTF8(s[2:], false)
	case strings.HasPrefix(s, "\xfe\xff"):
		s = utf16ToUTF8(s[2:], true)
	default:
		if be, ok := looksUTF16(s); ok {
			s = utf16ToUTF8(s, be)
		}
	}
	if strings.TrimSpace(s) == "" {
		return "", ErrEmpty
	}
	if looksBinary(s) {
		return "", ErrBinary
	}
	return s, nil
}

// looksUTF16 spots UTF-16 without a byte order mark: ASCII text in UTF-16
// has a NUL in every other byte.
func looksUTF16(b string) (bigEndian, ok bool) {
	n := min(len(b), 4096) &^ 1
	if n < 8 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*9 && even*10 < half:
		return false, true
	case even*10 >= half*9 && odd*10 < half:
		return true, true
	}
	return false, false
}

func utf16ToUTF8(b string, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	var sb strings.Builder
	sb.Grow(len(u))
	for _, r := range utf16.Decode(u) {
		sb.WriteRune(r)
	}
	return sb.String()
}

// looksBinary samples the start: text has few control characters other than
// the ones terminals and loggers produce, and is mostly valid UTF-8.
func looksBinary(b string) bool {
	s := b[:min(len(b), 64<<10)]
	bad := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != 0x1b && c != 0x07 {
				bad++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 && i+utf8.UTFMax <= len(s) {
			bad++
		}
		i += n
	}
	return bad*10 > len(s)
}
