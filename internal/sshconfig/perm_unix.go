//go:build unix

package sshconfig

import (
	"fmt"
	"os"
	"syscall"
)

// securePermissions refuses a config file that someone else could have
// written, as ssh(1) does: it can redirect every connection.
func securePermissions(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("ssh config: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if (st.Uid != 0 && int(st.Uid) != os.Getuid()) || fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s: bad owner or permissions (others may write it; ssh refuses it too)", name)
	}
	return nil
}
