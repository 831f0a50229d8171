package diagnose

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
	"github.com/pvo-doctor/pvo-doctor/internal/rules"
	"github.com/pvo-doctor/pvo-doctor/internal/sim"
)

// TestCollectPastedThroughOpenSSH is the customer's round trip: `pvo-doctor
// collect`'s lines pasted into each appliance's CLI through OpenSSH (ssh
// -tt, a PTY, the lines typed ahead on stdin), the terminal saved, and
// the saved logs analyzed with no role given: on a healthy site every rule
// is decided and none fails.
func TestCollectPastedThroughOpenSSH(t *testing.T) {
	sshBin := "/usr/bin/ssh"
	if _, err := os.Stat(sshBin); err != nil {
		t.Skip("OpenSSH client /usr/bin/ssh is absent: the paste through a real ssh cannot be shown")
	}
	dir := t.TempDir()
	keyFile, sshPub, err := sim.WriteLoginKey(dir, "pvo-doctor test")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sim.LoadScenario("healthy")
	if err != nil {
		t.Fatal(err)
	}
	site, err := sim.Start(context.Background(), sc, sim.Options{AuthorizedKeys: []ssh.PublicKey{sshPub}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	kh := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(kh, site.KnownHosts(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The ESAs first: the SMA's lines name each ESA by the address the
	// SMA's applianceconfig lists (here, as the simulator adds them, its
	// interface on the SMA's subnet), which the customer reads off it.
	apps := site.Appliances()
	slices.SortStableFunc(apps, func(a, b sim.Appliance) int { return strings.Compare(a.Role, b.Role) })
	var esas, logs []string
	for _, a := range apps {
		o := CollectOptions{Role: facts.Role(a.Role)}
		if o.Role == facts.RoleSMA {
			o.ESAs = esas
		} else {
			o.PVO.Host, o.PVO.Port = site.SMAPVOHost(), site.PVOPort()
		}
		script, err := CollectScript(o)
		if err != nil {
			t.Fatal(err)
		}
		host, port, _ := net.SplitHostPort(a.Addr)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, sshBin, "-tt", "-F", "/dev/null", "-i", keyFile, "-p", port,
			"-o", "UserKnownHostsFile="+kh, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
			"-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", a.User+"@"+host)
		cmd.Stdin = strings.NewReader(strings.Join(script.Lines, "\n") + "\nexit\n")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err = cmd.Run()
		cancel()
		if err != nil && out.Len() == 0 {
			t.Fatalf("ssh %s: %v: %s", a.Addr, err, errOut.String())
		}
		log := filepath.Join(dir, a.Role+"-"+a.Hostname+".log")
		if err := os.WriteFile(log, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		logs = append(logs, log)
		if o.Role == facts.RoleESA {
			esas = append(esas, addressOn(t, log, site.SMAPVOHost()))
		}
	}
	got, err := Analyze(Saved{Files: logs})
	if err != nil {
		t.Fatal(err)
	}
	if got.Site.SMA == nil || len(got.Site.ESAs) != len(esas) {
		t.Fatalf("roles not told apart: SMA %v, %d ESAs", got.Site.SMA != nil, len(got.Site.ESAs))
	}
	for _, f := range got.Result.Findings {
		if f.Status == rules.StatusUnknown || f.Status == rules.StatusFail {
			t.Errorf("%s %s on %s: %s", f.ID, f.Status, f.Appliance, f.Summary)
		}
	}
	for _, m := range got.Result.ManualChecks {
		if m.ID == "coverage" {
			t.Errorf("coverage on %s: %s", m.Appliance, m.Summary)
		}
	}
	if t.Failed() {
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Logf("%s:\n%s", l, b)
		}
	}
}

// addressOn is the ESA's interface address (from its saved log) on the
// /24 of peer.
func addressOn(t *testing.T, log, peer string) string {
	t.Helper()
	out, err := Analyze(Saved{ESAFiles: []string{log}})
	if err != nil {
		t.Fatal(err)
	}
	prefix := peer[:strings.LastIndex(peer, ".")+1]
	for _, ifs := range out.Site.ESAs[0].Interfaces {
		for _, i := range ifs.List {
			if strings.HasPrefix(i.Address, prefix) {
				return i.Address
			}
		}
	}
	t.Fatalf("%s: no interface on %s's subnet", log, peer)
	return ""
}
