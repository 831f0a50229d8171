package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/pvo-doctor/pvo-doctor/internal/cli"
)

// TestEveryCommandDocumented generates the docs twice and checks that each
// command has its man page and Markdown page, with its flags, and that a
// fixed SOURCE_DATE_EPOCH gives the same bytes.
func TestEveryCommandDocumented(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := generate(d, "1700000000"); err != nil {
			t.Fatal(err)
		}
	}
	root := cli.NewRootCmd(cli.System())
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() {
			continue
		}
		man := filepath.Join("man", "pvo-doctor-"+c.Name()+".1")
		md := filepath.Join("md", "pvo-doctor_"+c.Name()+".md")
		for _, f := range []string{man, md} {
			x, err := os.ReadFile(filepath.Join(a, f))
			if err != nil {
				t.Errorf("%s: %v", c.Name(), err)
				continue
			}
			y, _ := os.ReadFile(filepath.Join(b, f))
			if !bytes.Equal(x, y) {
				t.Errorf("%s differs between two runs", f)
			}
			if f != md {
				continue
			}
			c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
				if !fl.Hidden && !strings.Contains(string(x), "--"+fl.Name) {
					t.Errorf("%s does not list --%s", f, fl.Name)
				}
			})
		}
	}
	if _, err := os.Stat(filepath.Join(a, "man", "pvo-doctor.1")); err != nil {
		t.Error(err)
	}
	if err := generate(t.TempDir(), "soon"); err == nil {
		t.Error("a bad SOURCE_DATE_EPOCH was accepted")
	}
}
