package diagnose

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/asyncos"
	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/session"
)

// Check collects the whole site once and runs every rule.
func Check(ctx context.Context, cfg Config) Outcome {
	site := Collect(ctx, cfg, "")
	return Outcome{Site: site, Result: rules.Run(site)}
}

// Saved is a diagnosis from saved sessions: the ESAs' and the SMA's CLI
// sessions, the ESAs' mail logs (FILE or ESA=FILE), and where the ESAs
// reach the SMA's PVO listener (an empty host means the SMA's hostname).
type Saved struct {
	ESAFiles []string
	SMAFile  string
	MailLogs []string
	PVO      session.Address

	// The pipeline's stages; nil means the real parsers and rules. Tests
	// swap them to exercise a command without depending on them.
	FromSession func(name string, r io.Reader, role facts.Role) (*facts.Appliance, error)
	ScanMailLog func(r io.Reader, port int) (*facts.MailLog, error)
	RunRules    func(site *facts.Site) rules.Result
}

// Analyze reads the saved sessions into a site, as a live check would have
// collected it, and runs every rule. A file that cannot be read or is no
// AsyncOS session is the user's mistake (ErrUsage), naming the file.
func Analyze(in Saved) (Outcome, error) {
	if in.PVO.Port == 0 {
		in.PVO.Port = facts.DefaultPVOPort
	}
	site := &facts.Site{PVOPort: in.PVO.Port}
	for _, path := range in.ESAFiles {
		a, err := in.load(path, facts.RoleESA)
		if err != nil {
			return Outcome{}, err
		}
		site.ESAs = append(site.ESAs, a)
	}
	if in.SMAFile != "" {
		sma, err := in.load(in.SMAFile, facts.RoleSMA)
		if err != nil {
			return Outcome{}, err
		}
		site.SMA = sma
	}
	for _, spec := range in.MailLogs {
		if err := in.attachMailLog(site, spec); err != nil {
			return Outcome{}, err
		}
	}
	site.PVOHost = in.PVO.Host
	if site.PVOHost == "" && site.SMA != nil {
		site.PVOHost = site.SMA.Hostname
	}
	run := in.RunRules
	if run == nil {
		run = rules.Run
	}
	return Outcome{Site: site, Result: run(site)}, nil
}

// load parses one saved session and resolves its identity.
func (in Saved) load(path string, role facts.Role) (*facts.Appliance, error) {
	parse := in.FromSession
	if parse == nil {
		parse = asyncos.FromSession
	}
	f, err := openInput(path, asyncos.OpenSession)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := parse(path, f, role)
	if err != nil {
		err = oneLine(err)
		// The parsers name the file themselves; say it once.
		if strings.HasPrefix(err.Error(), path+":") {
			return nil, usagef("%s session %v", role, err)
		}
		return nil, usagef("%s session %s: %v", role, path, err)
	}
	if a == nil {
		return nil, usagef("%s session %s: nothing parsed", role, path)
	}
	if a.Address == "" {
		a.Address = path
	}
	id := SavedIdentity(role, path)
	id.resolve(a)
	return a, nil
}

// attachMailLog scans one --mail-log FILE or ESA=FILE for connections to
// the PVO endpoint's port and adds them to the named ESA (or the only
// one). The file is streamed.
func (in Saved) attachMailLog(site *facts.Site, spec string) error {
	esa, path, err := MailLogTarget(site.ESAs, spec)
	if err != nil {
		return err
	}
	scan := in.ScanMailLog
	if scan == nil {
		scan = asyncos.ScanMailLog
	}
	f, err := openInput(path, asyncos.OpenMailLog)
	if err != nil {
		return err
	}
	defer f.Close()
	ml, err := scan(f, site.PVOPort)
	if err != nil {
		return usagef("mail log %s: %v", path, oneLine(err))
	}
	if ml == nil {
		return nil
	}
	if ml.Incomplete != "" {
		// Shown with the appliance, whichever rule reads the log.
		esa.Errors = append(esa.Errors, facts.CollectError{Step: "mail log " + path, Message: ml.Incomplete})
	}
	if esa.MailLog == nil {
		esa.MailLog = ml
		return nil
	}
	esa.MailLog.Connections = append(esa.MailLog.Connections, ml.Connections...)
	esa.MailLog.Lines = append(esa.MailLog.Lines, ml.Lines...)
	if esa.MailLog.Incomplete == "" {
		esa.MailLog.Incomplete = ml.Incomplete
	}
	return nil
}

// MailLogTarget splits ESA=FILE and finds the ESA by hostname, session
// file or its base name. Without a usable "ESA=" prefix the whole spec is
// the file, which needs exactly one ESA.
func MailLogTarget(esas []*facts.Appliance, spec string) (*facts.Appliance, string, error) {
	if name, path, ok := strings.Cut(spec, "="); ok && name != "" && path != "" {
		for _, a := range esas {
			if strings.EqualFold(name, a.Hostname) || name == a.Address || name == filepath.Base(a.Address) {
				return a, path, nil
			}
		}
		if _, err := os.Stat(spec); err != nil {
			return nil, "", usagef("--mail-log %s: no ESA named %q (give its hostname or session file)", spec, name)
		}
	}
	switch len(esas) {
	case 1:
		return esas[0], spec, nil
	case 0:
		return nil, "", usagef("--mail-log needs the ESA's session (--esa)")
	}
	return nil, "", usagef("--mail-log %s: several ESAs; say which with ESA=FILE", spec)
}

// openInput opens a file the user named with open (which bounds the read
// in time and size), with an error that names it once.
func openInput(path string, open func(string) (io.ReadCloser, error)) (io.ReadCloser, error) {
	f, err := open(path)
	if err != nil {
		return nil, usagef("cannot read %s: %v", path, err)
	}
	return f, nil
}

// oneLine keeps a parser's message to the one line an error may take.
func oneLine(err error) error {
	msg := err.Error()
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		return fmt.Errorf("%s", strings.TrimSpace(msg[:i]))
	}
	return err
}
