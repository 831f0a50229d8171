package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Mode is every output file's mode, whatever a file it replaces had: a
// report or transcript names hosts, users and configuration.
const Mode fs.FileMode = 0o600

// WriteFile writes data to name: to a temporary file in name's directory,
// then renamed over name.
func WriteFile(name string, data []byte) error {
	f, err := Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Discard()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}

// File is an output file being written. Nothing appears at its name until
// Close; Discard leaves the name as it was.
type File struct {
	*os.File
	name string
	done bool
}

// Create starts writing name. It refuses what CheckPath refuses.
//
// A symbolic link at name is refused rather than replaced or followed:
// following it would write wherever the link points (the planted-link
// attack), and replacing it would silently break a link the user made. A
// link planted after this check is still never followed, because the
// rename at Close replaces the link itself.
func Create(name string) (*File, error) {
	if err := CheckPath(name); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	// CreateTemp makes it 0600 already; say so in case a umask or a
	// platform differs.
	if err := tmp.Chmod(Mode); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return &File{File: tmp, name: name}, nil
}

// Name is the final name, not the temporary one.
func (f *File) Name() string { return f.name }

// Close flushes the file to disk and renames it into place.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	tmp := f.File.Name()
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.name, err)
	}
	syncDir(filepath.Dir(f.name))
	return nil
}

// Discard abandons the file; whatever was at its name stays.
func (f *File) Discard() error {
	if f.done {
		return nil
	}
	f.done = true
	f.File.Close()
	return os.Remove(f.File.Name())
}

// syncDir makes the rename itself durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// CheckPath says, before anything runs, whether name can be written: its
// directory exists, is safe (CheckDir) and writable, and name is absent or
// a regular file (not a link, a directory or a device).
func CheckPath(name string) error {
	if name == "" {
		return errors.New("empty file name")
	}
	fi, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("%s: %w", name, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; remove it or name the file it points to", name)
	case fi.IsDir():
		return fmt.Errorf("%s is a directory", name)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", name)
	}
	return CheckDir(filepath.Dir(name))
}

// CheckDir says whether files can be written safely into dir: it exists,
// is a directory, is not writable by everyone without the sticky bit (there
// anyone could swap a file after it is written) and is writable by us,
// which is tried rather than guessed from mode bits.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o002 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("directory %s is writable by everyone and has no sticky bit; choose another or chmod o-w it", dir)
	}
	probe, err := os.CreateTemp(dir, ".pvo-doctor-check*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}
