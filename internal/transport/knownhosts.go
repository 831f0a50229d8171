package transport

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// knownHostsMu serialises appends so that concurrent dials with
// AcceptNewHostKeys do not interleave lines.
var knownHostsMu sync.Mutex

// probeKey is a key no known_hosts file contains; checking it makes
// knownhosts list every recorded key for a host.
var probeKey = sync.OnceValues(func() (ssh.PublicKey, error) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewPublicKey(pub)
})

// hostVerifier checks one server's host key for one Dial.
type hostVerifier struct {
	cfg      Config
	file     string
	db       ssh.HostKeyCallback // nil when the file does not exist yet
	recorded []knownhosts.KnownKey
	err      error // the last rejection, kept because x/crypto may flatten it
}

func newHostVerifier(cfg Config) (*hostVerifier, error) {
	v := &hostVerifier{cfg: cfg}
	if cfg.InsecureIgnoreHostKey {
		return v, nil
	}
	v.file = cfg.KnownHostsFile
	if v.file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("find known_hosts: %w", err)
		}
		v.file = filepath.Join(home, ".ssh", "known_hosts")
	}
	// knownhosts.New refuses a missing file, and a missing file is only a
	// host not known yet: read the ones that exist.
	var files []string
	for _, f := range append([]string{v.file}, cfg.ExtraKnownHostsFiles...) {
		_, err := os.Stat(f)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("read known_hosts: %w", err)
		default:
			files = append(files, f)
		}
	}
	for _, f := range cfg.globalKnownHosts() {
		// ssh(1) reads past what it cannot use in the system's files; a
		// file x/crypto cannot parse is skipped with a warning instead of
		// failing every appliance over a file the user may not own.
		if _, err := os.Stat(f); err != nil {
			continue
		}
		if _, err := knownhosts.New(f); err != nil {
			w := cfg.Warn
			if w == nil {
				w = os.Stderr
			}
			fmt.Fprintf(w, "warning: not reading host keys from %s: %v\n", f, err)
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return v, nil
	}
	db, err := knownhosts.New(files...)
	if err != nil {
		return nil, fmt.Errorf("read known_hosts: %w", err)
	}
	v.db = db
	return v, nil
}

// knownAs is the address known_hosts names the host by: hostport, or the
// HostKeyAlias alone (port 22 is how knownhosts says "no port"), as
// ssh(1) looks it up and writes it.
func (v *hostVerifier) knownAs(hostport string) string {
	if v.cfg.HostKeyAlias != "" {
		return net.JoinHostPort(v.cfg.HostKeyAlias, "22")
	}
	return hostport
}

// probe learns which keys known_hosts records for the host, so that Dial
// can offer only those algorithms.
func (v *hostVerifier) probe(hostport string, remote net.Addr) error {
	if v.db == nil {
		return nil
	}
	key, err := probeKey()
	if err != nil {
		return fmt.Errorf("make probe key: %w", err)
	}
	var ke *knownhosts.KeyError
	if err := v.db(v.knownAs(hostport), remote, key); errors.As(err, &ke) {
		v.recorded = ke.Want
	}
	return nil
}

// hostKeyAlgorithms is what to offer: the recorded types when the host is
// known, otherwise everything.
func (v *hostVerifier) hostKeyAlgorithms() []string {
	if len(v.recorded) == 0 {
		return algorithms(v.cfg.LegacyAlgorithms).HostKeys
	}
	return hostKeyAlgorithmsFor(v.recordedTypes(), v.cfg.LegacyAlgorithms)
}

func (v *hostVerifier) recordedTypes() []string {
	var types []string
	for _, k := range v.recorded {
		types = append(types, k.Key.Type())
	}
	return types
}

func (v *hostVerifier) callback(hostport string, remote net.Addr, key ssh.PublicKey) error {
	v.err = v.check(hostport, remote, key)
	return v.err
}

func (v *hostVerifier) check(hostport string, remote net.Addr, key ssh.PublicKey) error {
	hostport = v.knownAs(hostport)
	host := knownhosts.Normalize(hostport)
	fp := ssh.FingerprintSHA256(key)
	if v.cfg.InsecureIgnoreHostKey {
		w := v.cfg.Warn
		if w == nil {
			w = os.Stderr
		}
		fmt.Fprintf(w, "warning: not verifying the host key of %s (%s %s)\n", host, key.Type(), fp)
		return nil
	}
	var err error
	if v.db != nil {
		err = v.db(hostport, remote, key)
	} else {
		err = &knownhosts.KeyError{}
	}
	if err == nil {
		return nil
	}
	hkErr := &HostKeyError{Host: host, KeyType: key.Type(), Fingerprint: fp, Err: err}
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case errors.As(err, &re):
		hkErr.Problem = HostKeyRevoked
		hkErr.KnownHostsFile, hkErr.KnownHostsLine = re.Revoked.Filename, re.Revoked.Line
		return hkErr
	case errors.As(err, &ke) && len(ke.Want) == 0:
		if !v.cfg.AcceptNewHostKeys {
			hkErr.Problem = HostKeyUnknown
			return hkErr
		}
		if err := appendKnownHost(v.file, hostport, key, v.cfg.HashKnownHosts); err != nil {
			return fmt.Errorf("record host key of %s: %w", host, err)
		}
		return nil
	case errors.As(err, &ke):
		hkErr.Problem = HostKeyChanged
		known := ke.Want[0]
		for _, k := range ke.Want {
			if k.Key.Type() == key.Type() {
				known = k
				break
			}
		}
		hkErr.KnownHostsFile, hkErr.KnownHostsLine, hkErr.KnownType = known.Filename, known.Line, known.Key.Type()
		return hkErr
	}
	return fmt.Errorf("check host key of %s: %w", host, err)
}

// changedKeyType turns a host-key negotiation failure into a changed-key
// error when the server no longer offers any recorded key type and
// --legacy-ssh-algorithms would not help.
func (v *hostVerifier) changedKeyType(hostport string, serverAlgs []string) error {
	if len(v.recorded) == 0 {
		return nil
	}
	for _, alg := range serverAlgs {
		for _, k := range v.recorded {
			if keyTypeOfAlgorithm(alg) == k.Key.Type() {
				return nil // same type, only the signature algorithm differs
			}
		}
	}
	k := v.recorded[0]
	return &HostKeyError{
		Host: knownhosts.Normalize(v.knownAs(hostport)), Problem: HostKeyChanged,
		KnownHostsFile: k.Filename, KnownHostsLine: k.Line, KnownType: k.Key.Type(),
		ServerTypes: serverAlgs,
	}
}

func appendKnownHost(file, hostport string, key ssh.PublicKey, hash bool) error {
	knownHostsMu.Lock()
	defer knownHostsMu.Unlock()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	name := knownhosts.Normalize(hostport)
	if hash {
		name = knownhosts.HashHostname(name)
	}
	line := knownhosts.Line([]string{name}, key) + "\n"
	if needsNewline(f) {
		line = "\n" + line
	}
	if _, err := io.WriteString(f, line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// needsNewline reports whether the file ends in the middle of a line, which
// a hand-edited known_hosts sometimes does.
func needsNewline(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false
	}
	return last[0] != '\n'
}
