package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mode(t *testing.T, name string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTemps fails if a temporary file was left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") || strings.HasPrefix(e.Name(), ".pvo-doctor-check") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestReplacesAnOldFileWithMode0600(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "report.json")
	if err := os.WriteFile(name, []byte("old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(name, 0o644) // whatever the umask made of it
	if err := WriteFile(name, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, name); got != "new" {
		t.Errorf("content %q", got)
	}
	if m := mode(t, name); m != Mode {
		t.Errorf("mode %v, want %v", m, Mode)
	}
	noTemps(t, dir)
}

func TestNothingAppearsUntilClose(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "esa.transcript")
	os.WriteFile(name, []byte("previous run"), 0o600)
	f, err := Create(name)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half of it")
	if got := read(t, name); got != "previous run" {
		t.Errorf("before Close the name holds %q", got)
	}
	if err := f.Discard(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, name); got != "previous run" {
		t.Errorf("after Discard the name holds %q", got)
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close after Discard: %v", err)
	}
	noTemps(t, dir)
}

func TestPlantedSymlinkInTranscriptDir(t *testing.T) {
	trDir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "authorized_keys")
	os.WriteFile(victim, []byte("precious"), 0o600)
	name := filepath.Join(trDir, "esa-127.0.0.1_22.transcript")

	// Planted before: refused, the victim untouched.
	if err := os.Symlink(victim, name); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(name); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Create through a symlink: %v", err)
	}
	if err := WriteFile(name, []byte("transcript")); err == nil {
		t.Error("WriteFile through a symlink succeeded")
	}
	if got := read(t, victim); got != "precious" {
		t.Fatalf("victim now holds %q", got)
	}
	os.Remove(name)

	// Planted while the file is written: the rename replaces the link.
	f, err := Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, name); err != nil {
		t.Fatal(err)
	}
	f.WriteString("transcript")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, victim); got != "precious" {
		t.Errorf("victim now holds %q", got)
	}
	if m := mode(t, name); m != Mode || read(t, name) != "transcript" {
		t.Errorf("%s: mode %v content %q", name, m, read(t, name))
	}
	noTemps(t, trDir)
}

func TestDirectoryChecks(t *testing.T) {
	open := t.TempDir()
	os.Chmod(open, 0o777)
	if err := CheckDir(open); err == nil || !strings.Contains(err.Error(), "sticky") {
		t.Errorf("world-writable dir: %v", err)
	}
	if err := WriteFile(filepath.Join(open, "r.json"), nil); err == nil {
		t.Error("wrote into a world-writable dir")
	}
	os.Chmod(open, 0o777|fs.ModeSticky)
	if err := CheckDir(open); err != nil {
		t.Errorf("sticky dir like /tmp: %v", err)
	}
	noTemps(t, open)

	dir := t.TempDir()
	for _, tc := range []struct{ name, want string }{
		{filepath.Join(dir, "no", "such", "r.json"), "no such file"},
		{dir, "is a directory"},
		{os.DevNull, "not a regular file"},
		{"", "empty"},
	} {
		if err := CheckPath(tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckPath(%q) = %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := CheckPath(filepath.Join(dir, "new.json")); err != nil {
		t.Errorf("a new file in a fine dir: %v", err)
	}

	if os.Getuid() == 0 {
		t.Log("running as root: a read-only directory is writable, that case is not checked")
		return
	}
	ro := t.TempDir()
	os.Chmod(ro, 0o500)
	t.Cleanup(func() { os.Chmod(ro, 0o700) })
	if err := CheckPath(filepath.Join(ro, "r.json")); err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("read-only dir: %v", err)
	}
}
