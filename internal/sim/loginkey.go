package sim

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
)

// WriteLoginKey makes a throwaway ed25519 key for logging in to a
// simulated site: the private key goes to dir/id_ed25519 (mode 0600), and
// the public key is returned for Options.AuthorizedKeys. The demo and the
// tests use it, so a simulated site never needs the user's own keys.
func WriteLoginKey(dir, comment string) (path string, pub ssh.PublicKey, err error) {
	pk, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, fmt.Errorf("login key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return "", nil, fmt.Errorf("login key: %w", err)
	}
	path = filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return "", nil, fmt.Errorf("login key: %w", err)
	}
	if pub, err = ssh.NewPublicKey(pk); err != nil {
		return "", nil, fmt.Errorf("login key: %w", err)
	}
	return path, pub, nil
}
