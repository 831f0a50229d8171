package sessionlog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
)

func TestReadFileFIFOWithoutWriterTimesOut(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	_, err := ReadFile(p, Limits{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error = %v, want a timeout", err)
	}
}

func TestReadFileFIFOWithWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	go func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString("mx> status\nSystem status: Online\n")
		w.Close()
	}()
	b, err := ReadFile(p, Limits{Timeout: 10 * time.Second})
	if err != nil || !strings.Contains(string(b), "Online") {
		t.Fatalf("got %q, %v", b, err)
	}
}

func TestReadPipeStallTimesOut(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	w.WriteString("mx> status\n") // then nothing, and no close
	d := newDeadlineReader(r, Limits{Timeout: 50 * time.Millisecond}, false)
	if !d.polled {
		t.Fatal("a pipe should take read deadlines")
	}
	_, err = readAll(d, MaxSessionBytes)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error = %v, want a timeout", err)
	}
}

func TestReadFileDevZeroStopsAtCap(t *testing.T) {
	_, err := ReadFile("/dev/zero", Limits{MaxBytes: 1 << 20, Timeout: 5 * time.Second})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want too large", err)
	}
}

func TestReadFileCaps(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(big, Limits{MaxBytes: 1 << 20}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1 MB") {
		t.Errorf("over the cap: %v", err)
	}
	exact := filepath.Join(dir, "exact")
	if err := os.WriteFile(exact, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(exact, Limits{MaxBytes: 1 << 20}); err != nil || len(b) != 1<<20 {
		t.Errorf("at the cap: %d bytes, %v", len(b), err)
	}
	if _, err := ReadFile(dir, Limits{}); err == nil || err.Error() != "is a directory" {
		t.Errorf("directory: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), Limits{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	u := utf16.Encode([]rune(s))
	if bom {
		u = append([]uint16{0xfeff}, u...)
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

func TestDecode(t *testing.T) {
	const text = "mx.example.com> status\r\nSystem status: Online — ok\r\n"
	tests := []struct {
		name string
		in   []byte
		err  error
	}{
		{"UTF-8", []byte(text), nil},
		{"UTF-8 BOM", append([]byte{0xef, 0xbb, 0xbf}, text...), nil},
		{"UTF-16LE BOM", utf16Bytes(text, false, true), nil},
		{"UTF-16BE BOM", utf16Bytes(text, true, true), nil},
		{"UTF-16LE without BOM", utf16Bytes(text, false, false), nil},
		{"empty", nil, ErrEmpty},
		{"blank", []byte(" \r\n\n"), ErrEmpty},
		{"binary", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00\x10\x10\x00\x00\x00\x00\x00\x00"), ErrBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if tt.err == nil && got != text {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestSplitBadInputs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{"empty", "", ErrEmpty},
		{"no prompt", "hello\nworld\n", ErrNoPrompt},
		{"binary", strings.Repeat("\x00\x01\x02\x03", 100), ErrBinary},
		{"huge single line", "mx> status\n" + strings.Repeat("y", MaxLineBytes+1), ErrTooLarge},
		{"too many commands", strings.Repeat("mx> a\nmx> b\n", MaxCommands/2+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SplitString(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}
