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

// Saved is a diagnosis from saved sessions: files whose sessions' own
// output says which appliance each is (Files: a file, a directory of
// them, "-" for standard input), files the user said are ESAs' or the
// SMA's (ESAFiles, SMAFile: overrides of what the sessions show), the
// ESAs' mail logs (FILE or ESA=FILE), and where the ESAs reach the SMA's
// PVO listener (an empty host: whichever of the SMA's names they probed).
type Saved struct {
	Files    []string
	ESAFiles []string
	SMAFile  string
	MailLogs []string
	PVO      session.Address

	// The pipeline's stages; nil means the real parsers and rules. Tests
	// swap them to exercise a command without depending on them.
	// FromSession, when set, reads each file as one appliance's session.
	FromSession func(name string, r io.Reader, role facts.Role) (*facts.Appliance, error)
	FromFile    func(name string, r io.Reader, role facts.Role) ([]asyncos.FileSession, error)
	ScanMailLog func(r io.Reader, port int) (*facts.MailLog, error)
	RunRules    func(site *facts.Site) rules.Result
}

// Analyze reads the saved sessions into a site, as a live check would have
// collected it, and runs every rule. Each file is split into its
// appliances' sessions; the sessions of one appliance, from whichever
// files, are merged. A file that cannot be read or holds no AsyncOS
// session is the user's mistake (ErrUsage), naming the file.
func Analyze(in Saved) (Outcome, error) {
	if in.PVO.Port == 0 {
		in.PVO.Port = facts.DefaultPVOPort
	}
	site, err := in.site()
	if err != nil {
		return Outcome{}, err
	}
	for _, spec := range in.MailLogs {
		if err := in.attachMailLog(site, spec); err != nil {
			return Outcome{}, err
		}
	}
	run := in.RunRules
	if run == nil {
		run = rules.Run
	}
	res := run(site)
	ExplainPVO(site, &res)
	res.ManualChecks = append(res.ManualChecks, Coverage(site)...)
	return Outcome{Site: site, Result: res}, nil
}

// site reads, splits, joins and identifies every saved session.
func (in Saved) site() (*facts.Site, error) {
	var inputs []savedInput
	for _, group := range []struct {
		paths []string
		role  facts.Role
	}{{in.Files, ""}, {in.ESAFiles, facts.RoleESA}, {compact(in.SMAFile), facts.RoleSMA}} {
		got, err := expandInputs(group.paths, group.role)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, got...)
	}
	if in.FromSession != nil && in.FromFile == nil {
		parse := in.FromSession
		in.FromFile = func(name string, r io.Reader, role facts.Role) ([]asyncos.FileSession, error) {
			a, err := parse(name, r, role)
			if err != nil || a == nil {
				return nil, err
			}
			return []asyncos.FileSession{{Appliance: a, RoleFrom: "given", Hostname: a.Hostname}}, nil
		}
	}
	pieces, err := in.readPieces(inputs)
	if err != nil {
		return nil, err
	}
	apps, err := joinPieces(pieces)
	if err != nil {
		return nil, err
	}
	shareClusterLayout(apps)
	site := &facts.Site{PVOPort: in.PVO.Port}
	for _, a := range apps {
		id := savedIdentity(a)
		id.resolve(a)
		if a.Role != facts.RoleSMA {
			site.ESAs = append(site.ESAs, a)
			continue
		}
		if site.SMA != nil {
			return nil, usagef("two SMAs in the files (%s in %s, %s in %s); analyze one site at a time",
				site.SMA.Name(), site.SMA.Address, a.Name(), a.Address)
		}
		site.SMA = a
	}
	savedPVOEndpoint(site, in.PVO)
	return site, nil
}

// shareClusterLayout gives a member whose own session has no
// clusterconfig the layout another member's session listed it in (by
// hostname or serial number): one cluster has one layout, and a member's
// file typed in its machine mode is still that cluster's.
func shareClusterLayout(esas []*facts.Appliance) {
	for _, a := range esas {
		if a.Role != facts.RoleESA || a.Cluster != nil {
			continue
		}
		serial := ""
		if a.Version != nil {
			serial = a.Version.Serial
		}
		for _, b := range esas {
			cl := b.Cluster
			if b == a || b.Role != facts.RoleESA || cl == nil || cl.Standalone {
				continue
			}
			if (a.Hostname != "" && cl.GroupOf(a.Hostname) != "") || (serial != "" && cl.MachineBySerial(serial) != "") {
				a.Cluster = cl
				a.Warnings = append(a.Warnings, facts.Warning{Text: "cluster layout from " + b.Name() + "'s clusterconfig (" + b.Address + "): this session has none of its own"})
				break
			}
		}
	}
}

// savedIdentity names a saved appliance by what it showed of itself: its
// hostname, else its serial number, else the file it came from.
func savedIdentity(a *facts.Appliance) Identity {
	id := SavedIdentity(a.Role, a.Address)
	switch {
	case a.Hostname != "":
		id.ID = facts.ApplianceID(string(a.Role) + "/host:" + strings.ToLower(a.Hostname))
	case a.Version != nil && a.Version.Serial != "":
		id.ID = facts.ApplianceID(string(a.Role) + "/serial:" + a.Version.Serial)
	}
	return id
}

func compact(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
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
