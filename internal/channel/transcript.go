package channel

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Transcript records both directions of a session, one line per record:
//
//	2026-11-26T18:00:00.123Z < mx.example.com> status
//	2026-11-26T18:00:00.124Z > status
//	2026-11-26T18:00:00.130Z > ***
//	2026-11-26T18:00:00.131Z > ^C
//
// "<" is received, ">" is sent. Received bytes are written per line as they
// complete (a partial line, such as a prompt, is written before the next
// send), with control bytes shown as \xNN. Secret answers are written as
// ***, and every registered secret is replaced by *** wherever it appears.
// A nil *Transcript records nothing. It is safe for concurrent use.
type Transcript struct {
	mu      sync.Mutex
	w       io.Writer
	secrets [][]byte
	rx      []byte
	now     func() time.Time
	err     error
}

// NewTranscript writes records to w.
func NewTranscript(w io.Writer) *Transcript {
	return &Transcript{w: w, now: time.Now}
}

const redacted = "***"

// Redact registers a secret: it is replaced by *** in every later record.
// Register passwords before the session starts.
func (t *Transcript) Redact(secret string) {
	if t == nil || secret == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.secrets {
		if string(s) == secret {
			return
		}
	}
	t.secrets = append(t.secrets, []byte(secret))
}

// Err is the first error writing the transcript; recording stops there.
func (t *Transcript) Err() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// received records bytes read from the appliance.
func (t *Transcript) received(p []byte) {
	if t == nil || len(p) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rx = append(t.rx, p...)
	for {
		i := bytes.IndexByte(t.rx, '\n')
		if i < 0 {
			return
		}
		t.writeLocked('<', bytes.TrimRight(t.rx[:i], "\r"))
		t.rx = t.rx[i+1:]
	}
}

// sent records a line typed to the appliance.
func (t *Transcript) sent(line string, secret bool) {
	if t == nil {
		return
	}
	if secret {
		line = redacted
	}
	t.key(line)
}

// key records something typed that is shown as given (^C, <space>).
func (t *Transcript) key(shown string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
	t.writeLocked('>', []byte(shown))
}

// flush writes a pending partial received line.
func (t *Transcript) flush() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
}

func (t *Transcript) flushLocked() {
	if len(t.rx) > 0 {
		t.writeLocked('<', t.rx)
		t.rx = t.rx[:0]
	}
}

func (t *Transcript) writeLocked(dir byte, text []byte) {
	if t.err != nil || t.w == nil {
		return
	}
	for _, s := range t.secrets {
		text = bytes.ReplaceAll(text, s, []byte(redacted))
	}
	line := fmt.Sprintf("%s %c %s\n", t.now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), dir, escapeControls(text))
	_, t.err = io.WriteString(t.w, line)
}

// escapeControls keeps a record on one line and free of terminal escapes.
func escapeControls(p []byte) string {
	var b strings.Builder
	for _, c := range p {
		if c < 0x20 && c != '\t' || c == 0x7f {
			fmt.Fprintf(&b, `\x%02x`, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
