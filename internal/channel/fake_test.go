package channel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// fakeCLI is a scripted AsyncOS CLI on the far side of two pipes: enough of
// its behaviour (echo, CRLF, pager, sub-prompts, cluster modes, a telnet
// that hangs until Ctrl-C) to drive the channel without SSH.
type fakeCLI struct {
	banner   string
	host     string
	prompt   string // current main prompt
	echo     bool
	split    int    // write output in chunks of this many bytes; 0 whole
	pager    int    // lines per page; 0 none
	erase    string // what follows the pager key; default "\r<spaces>\r"
	version  int    // major AsyncOS release, for dialog differences
	cluster  bool   // a cluster member in cluster mode
	iface    string // deliveryconfig default interface
	telnet   string // "timeout", "hang", "connect"
	password string

	in   *bufio.Reader
	inR  *io.PipeReader
	out  *io.PipeWriter
	done chan struct{}
	// got records what handlers decided, read by tests after the fact.
	got []string
}

func newFake() *fakeCLI {
	return &fakeCLI{
		banner: "Last login: Thu Nov 26 18:00:00 2026 from 127.0.0.1\n" +
			"Copyright (c) 2001-2024, Cisco Systems, Inc. and/or its affiliates. All rights reserved.\n" +
			"AsyncOS 14.2.0 for Cisco C100V build 620\n\n" +
			"Welcome to the Cisco C100V Email Security Virtual Appliance\n" +
			"NOTE: This session will expire if left idle for 30 minutes. Any uncommitted configuration changes will be lost. Commit the configuration changes as soon as they are made.\n",
		host:    "mx.example.com",
		prompt:  "mx.example.com> ",
		echo:    true,
		version: 14,
		iface:   "In",
		telnet:  "timeout",
		done:    make(chan struct{}),
	}
}

// start connects a channel to the fake and waits for the first prompt.
func startFake(t testing.TB, f *fakeCLI, opts Options) *Channel {
	t.Helper()
	ch, err := openFake(t, f, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return ch
}

func openFake(t testing.TB, f *fakeCLI, opts Options) (*Channel, error) {
	t.Helper()
	chR, fakeW := io.Pipe()
	fakeR, chW := io.Pipe()
	f.in, f.inR, f.out = bufio.NewReader(fakeR), fakeR, fakeW
	go f.run()
	t.Cleanup(func() {
		chR.Close()
		chW.Close()
		stop := time.NewTimer(5 * time.Second)
		defer stop.Stop()
		select {
		case <-f.done:
		case <-stop.C:
			t.Error("fake CLI did not stop")
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return Open(ctx, chR, chW, opts)
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var errHangUp = errors.New("fake hung up")

func (f *fakeCLI) run() {
	defer close(f.done)
	defer f.inR.Close()
	defer f.out.Close()
	if f.print(f.banner) != nil {
		return
	}
	for {
		if f.print(f.prompt) != nil {
			return
		}
		line, err := f.readLine(true)
		if err != nil {
			return
		}
		if line == "\x03" {
			if f.print("^C\n") != nil {
				return
			}
			continue
		}
		cmd, args, _ := strings.Cut(strings.TrimSpace(line), " ")
		if cmd == "" {
			continue
		}
		h, ok := fakeCommands[strings.ToLower(cmd)]
		if !ok {
			err = f.print("Unknown command or missing feature key: " + cmd + "\n")
		} else {
			err = h(f, args)
		}
		if err != nil {
			return
		}
	}
}

// readLine reads what the channel typed up to Enter, echoing it like a PTY
// when echo is set. Ctrl-C is returned at once as "\x03".
func (f *fakeCLI) readLine(echo bool) (string, error) {
	var b strings.Builder
	for {
		c, err := f.in.ReadByte()
		if err != nil {
			return "", err
		}
		switch c {
		case 0x03:
			return "\x03", nil
		case '\r', '\n':
			if f.echo && echo {
				if err := f.print(b.String() + "\n"); err != nil {
					return "", err
				}
			}
			return b.String(), nil
		}
		b.WriteByte(c)
	}
}

// print writes s with CRLF line ends, in chunks of f.split bytes.
func (f *fakeCLI) print(s string) error {
	p := []byte(strings.ReplaceAll(s, "\n", "\r\n"))
	n := f.split
	if n <= 0 {
		n = len(p)
	}
	for len(p) > 0 {
		k := min(n, len(p))
		if _, err := f.out.Write(p[:k]); err != nil {
			return err
		}
		p = p[k:]
	}
	return nil
}

// ask prints a question ending in its prompt and reads the answer.
func (f *fakeCLI) ask(q string) (string, error) {
	if err := f.print(q); err != nil {
		return "", err
	}
	return f.readLine(true)
}

// waitInterrupt ignores input until Ctrl-C, like a hanging telnet.
func (f *fakeCLI) waitInterrupt() error {
	for {
		c, err := f.in.ReadByte()
		if err != nil {
			return err
		}
		if c == 0x03 {
			return f.print("^C\n")
		}
	}
}

// paged prints lines, stopping at the pager every f.pager lines.
func (f *fakeCLI) paged(lines []string) error {
	for i, l := range lines {
		if f.pager > 0 && i > 0 && i%f.pager == 0 {
			if err := f.print("-Press Any Key For More-"); err != nil {
				return err
			}
			if _, err := f.in.ReadByte(); err != nil {
				return err
			}
			erase := f.erase
			if erase == "" {
				erase = "\r" + strings.Repeat(" ", 24) + "\r"
			}
			if err := f.print(erase); err != nil {
				return err
			}
		}
		if err := f.print(l + "\n"); err != nil {
			return err
		}
	}
	return nil
}

const fakeStatus = `Enter "status detail" for more information.

Status as of:           Mon Jul 21 11:57:38 2014 GMT
Up since:             Mon Jul 21 11:07:04 2014 GMT (50m 34s)
Last counter reset:   Never
System status:        Offline
Oldest Message:       No Messages
`

const fakeIfaces = "1. Auto\n2. In (192.168.1.1/24: mx.example.com)\n3. Management (10.172.12.18/24: mgmt.example.com)\n"

var fakeIfaceNames = []string{"Auto", "In", "Management"}

func ifaceNumber(name string) int {
	for i, n := range fakeIfaceNames {
		if n == name {
			return i + 1
		}
	}
	return 1
}

// restricted asks to switch to machine mode in a cluster; it reports
// whether the command may run.
func (f *fakeCLI) restricted() (bool, error) {
	if !f.cluster || strings.HasPrefix(f.prompt, "(Machine ") {
		return true, nil
	}
	a, err := f.ask(`This command is restricted to "machine" mode.  Would you like to switch to "machine" mode? [Y]> `)
	if err != nil {
		return false, err
	}
	if strings.ToUpper(a) == "N" {
		return false, f.print("Command cancelled.\n")
	}
	a, err = f.ask("Choose a machine:\n1. esa1.example.com\n2. esa2.example.com\n[1]> ")
	if err != nil {
		return false, err
	}
	host := map[string]string{"": "esa1.example.com", "1": "esa1.example.com", "2": "esa2.example.com"}[a]
	f.prompt = "(Machine " + host + ")> "
	return true, nil
}

var fakeCommands = map[string]func(f *fakeCLI, args string) error{
	"status": func(f *fakeCLI, _ string) error { return f.print(fakeStatus) },
	"longlist": func(f *fakeCLI, _ string) error {
		lines := make([]string, 60)
		for i := range lines {
			lines[i] = fmt.Sprintf("line %02d", i+1)
		}
		return f.paged(lines)
	},
	"colour": func(f *fakeCLI, _ string) error {
		return f.print("\x1b[1;32mSystem status:\x1b[0m Online\nTypoo\b \bs fixed\n\x1b]0;title\x07done\n")
	},
	"usagecmd": func(f *fakeCLI, _ string) error {
		return f.print("Usage: usagecmd <domain> <host>\n")
	},
	"mid": func(f *fakeCLI, _ string) error {
		// The prompt text in the middle of output must not end the read.
		return f.print("the prompt looks like mx.example.com> here\nmx.example.com> not a prompt\nend\n")
	},
	"deliveryconfig": func(f *fakeCLI, _ string) error {
		for {
			block := "Default interface to deliver mail: " + f.iface + "\n\"Possible Delivery\": Enabled\n" +
				"Default system wide maximum outbound message delivery concurrency: 10000\n"
			if f.version >= 11 {
				block += "Default system wide TLS maximum outbound message delivery concurrency: 10000\n"
			}
			a, err := f.ask(block + "\nChoose the operation you want to perform:\n- SETUP - Configure mail delivery.\n[]> ")
			if err != nil || a == "" {
				return err
			}
			if strings.ToUpper(a) != "SETUP" {
				if err := f.print("\nInvalid choice.\n\n"); err != nil {
					return err
				}
				continue
			}
			a, err = f.ask(fmt.Sprintf("Choose the default interface to deliver mail.\n%s[%d]> ", fakeIfaces, ifaceNumber(f.iface)))
			if err != nil {
				return err
			}
			if a != "" {
				var n int
				fmt.Sscan(a, &n)
				if n >= 1 && n <= len(fakeIfaceNames) {
					f.iface = fakeIfaceNames[n-1]
				}
			}
			qs := []string{"\nEnable \"Possible Delivery\" (recommended)? [Y]> ",
				"\nPlease enter a default system wide maximum outbound message delivery concurrency\n[10000]> "}
			if f.version >= 11 {
				qs = append(qs, "\nPlease enter a default system wide TLS maximum outbound message delivery concurrency\n[10000]> ")
			}
			for _, q := range qs {
				if _, err := f.ask(q); err != nil {
					return err
				}
			}
			if err := f.print("\n"); err != nil {
				return err
			}
		}
	},
	"telnet": func(f *fakeCLI, _ string) error {
		a, err := f.ask("Please select which interface you want to telnet from.\n" + fakeIfaces + "[1]> ")
		if err != nil {
			return err
		}
		f.got = append(f.got, "iface="+a)
		host, err := f.ask("\nEnter the remote hostname or IP address.\n[]> ")
		if err != nil {
			return err
		}
		port, err := f.ask("\nEnter the remote port.\n[25]> ")
		if err != nil {
			return err
		}
		f.got = append(f.got, "port="+port)
		if err := f.print("\nTrying " + host + "...\n"); err != nil {
			return err
		}
		switch f.telnet {
		case "hang":
			return f.waitInterrupt()
		case "connect":
			if err := f.print("Connected to " + host + ".\nEscape character is '^]'.\n220 sma.example.com ESMTP\n"); err != nil {
				return err
			}
			for {
				l, err := f.readLine(true)
				if err != nil {
					return err
				}
				if strings.EqualFold(l, "QUIT") {
					return f.print("221 sma.example.com Service closing transmission channel\nConnection closed by foreign host.\n")
				}
				if err := f.print("500 unrecognized command\n"); err != nil {
					return err
				}
			}
		}
		return f.print("telnet: connect to address " + host + ": Operation timed out\ntelnet: Unable to connect to remote host\n")
	},
	"featurekey": func(f *fakeCLI, _ string) error {
		ok, err := f.restricted()
		if err != nil || !ok {
			return err
		}
		a, err := f.ask("Module                              Quantity  Remaining  Expiration Date\n" +
			"Data Loss Prevention                1         287 days   Sun Sep 12 00:00:00 2027\n\n" +
			"Choose the operation you want to perform:\n- ACTIVATE - Activate a (pending) key.\n- CHECKNOW - Check now for new feature keys.\n[]> ")
		if err != nil || a == "" {
			return err
		}
		return f.print("Checked.\n")
	},
	"clustermode": func(f *fakeCLI, args string) error {
		mode, name, _ := strings.Cut(args, " ")
		switch mode {
		case "machine":
			f.prompt = "(Machine " + name + ")> "
		case "group":
			f.prompt = "(Group " + name + ")> "
		case "cluster":
			f.prompt = "(Cluster PVOCluster)> "
		default:
			return f.print("Usage: clustermode cluster|group NAME|machine HOST\n")
		}
		return nil
	},
	"rename": func(f *fakeCLI, args string) error {
		// Stands in for leaving a cluster: the prompt changes to a form
		// the channel cannot guess.
		f.prompt = args + "> "
		return nil
	},
	"passwd": func(f *fakeCLI, _ string) error {
		if err := f.print("Old password: "); err != nil {
			return err
		}
		old, err := f.readLine(false)
		if err != nil {
			return err
		}
		if err := f.print("\n"); err != nil {
			return err
		}
		a, err := f.ask("Enter the new password for the account.\n[]> ")
		if err != nil {
			return err
		}
		f.got = append(f.got, "old-ok="+fmt.Sprint(old == f.password), "new="+a)
		// A careless appliance repeating a secret; the transcript must not.
		return f.print("Password for admin changed (was " + old + ").\n")
	},
	"drop": func(f *fakeCLI, _ string) error {
		if _, err := f.ask("Do you want to continue? [Y]> "); err != nil {
			return err
		}
		if err := f.print("Working"); err != nil {
			return err
		}
		return errHangUp
	},
	"quiet": func(f *fakeCLI, _ string) error {
		// Prints and then never answers: a timeout.
		if err := f.print(strings.Repeat("0123456789", 50) + "tail-end"); err != nil {
			return err
		}
		return f.waitInterrupt()
	},
}
