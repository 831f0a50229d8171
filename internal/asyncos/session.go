package asyncos

import (
	"errors"
	"io"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// FromSession reads a saved AsyncOS CLI session (what a terminal logger or a
// copy-paste captured) and returns the facts its commands show. name is the
// file name used in messages and as the appliance address; role is the role
// the user said the file belongs to (--esa or --sma).
// TEMPORARY: placeholder until the splitter and parsers land.
func FromSession(name string, r io.Reader, role facts.Role) (*facts.Appliance, error) {
	return nil, errors.New("session parsing not implemented yet")
}

// ScanMailLog streams a mail_logs file and returns the connections to the
// PVO port (port) with their TLS outcome. Memory does not grow with the file.
// TEMPORARY: placeholder until the mail-log scanner lands.
func ScanMailLog(r io.Reader, port int) (*facts.MailLog, error) {
	return nil, errors.New("mail log scanning not implemented yet")
}
