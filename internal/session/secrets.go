package session

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/pvo-doctor/pvo-doctor/internal/channel"
)

// ErrNoTerminal is what a SecretPrompt returns when there is no terminal to
// ask on; Secrets turns it into advice on where else the secret can come from.
var ErrNoTerminal = errors.New("no terminal to ask on")

// SecretPrompt reads one secret without echo, e.g. from the terminal.
type SecretPrompt func(prompt string) (string, error)

// Secrets asks for the password and key passphrases at most once per run,
// whichever appliance needs them first, and remembers them so that every
// transcript and channel redacts them. One Secrets serves a whole run:
// fix sessions and re-checks never ask again.
type Secrets struct {
	// Password, when set, replaces the environment and terminal (demo, tests).
	Password func() (string, error)
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string
	// Ask reads a secret on the terminal; nil means there is none.
	Ask SecretPrompt
	// Interactive says a person can answer Ask (stdin is a terminal).
	Interactive bool
	// Identities are the key files that may ask for a passphrase.
	Identities []string

	mu   sync.Mutex
	pws  map[string]secret // by variable name
	pass map[string]string
	trs  []*channel.Transcript
}

func (s *Secrets) ask(prompt string) (string, error) {
	if s.Ask == nil {
		return "", ErrNoTerminal
	}
	return s.Ask(prompt)
}

// passwordFor returns the password held by the variable env ("" = the
// run's PasswordEnv), asking on the terminal, once per variable, when it is
// empty; who (user@host) is named on its own line above the prompt, so a
// person knows which account the one answer serves.
func (s *Secrets) passwordFor(env, who string) (string, error) {
	if env == "" {
		env = s.PasswordEnv
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if pw, ok := s.pws[env]; ok {
		return pw.val, pw.err
	}
	var pw string
	var err error
	switch {
	case s.Password != nil:
		pw, err = s.Password()
	case env != "" && os.Getenv(env) != "":
		pw = os.Getenv(env)
	default:
		prompt := "Password: "
		if who != "" {
			prompt = fmt.Sprintf("pvo-doctor needs the password of %s (asked once for every appliance that uses $%s)\nPassword: ", who, env)
		}
		pw, err = s.ask(prompt)
		if errors.Is(err, ErrNoTerminal) {
			err = fmt.Errorf("no password: set $%s or use an SSH key (--identity, ssh-agent)", env)
		}
	}
	if s.pws == nil {
		s.pws = map[string]secret{}
	}
	s.pws[env] = secret{pw, err}
	if err != nil {
		return "", err
	}
	for _, tr := range s.trs {
		tr.Redact(pw)
	}
	return pw, nil
}

// secret is one password as read, or why it could not be.
type secret struct {
	val string
	err error
}

// mayPrompt reports whether a secret may be asked on the terminal, which
// gives the login the whole run's time instead of the connect timeout.
func (s *Secrets) mayPrompt(env string) bool {
	if !s.Interactive {
		return false
	}
	if env == "" {
		env = s.PasswordEnv
	}
	if s.Password == nil && os.Getenv(env) == "" {
		return true
	}
	for _, id := range s.Identities {
		if id != "" {
			return true // an encrypted key may ask for its passphrase
		}
	}
	return false
}

func (s *Secrets) passphrase(file string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pass[file]; ok {
		return p, nil
	}
	p, err := s.ask(fmt.Sprintf("Passphrase for %s: ", file))
	if errors.Is(err, ErrNoTerminal) {
		return "", fmt.Errorf("%s is encrypted and there is no terminal to ask for its passphrase", file)
	}
	if err != nil {
		return "", err
	}
	if s.pass == nil {
		s.pass = map[string]string{}
	}
	s.pass[file] = p
	return p, nil
}

// known lists the secrets read so far, for a channel's redaction list.
func (s *Secrets) known() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, pw := range s.pws {
		if pw.val != "" {
			out = append(out, pw.val)
		}
	}
	for _, p := range s.pass {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// redactInto registers every secret, now and later, with tr.
func (s *Secrets) redactInto(tr *channel.Transcript) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trs = append(s.trs, tr)
	for _, pw := range s.pws {
		if pw.val != "" {
			tr.Redact(pw.val)
		}
	}
	for _, p := range s.pass {
		if p != "" {
			tr.Redact(p)
		}
	}
}
