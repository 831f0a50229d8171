// Command gendocs writes pvo-doctor's man pages and Markdown reference from
// its cobra command tree, so the docs cannot drift from the flags:
//
//	go run ./cmd/gendocs -out docs
//
// writes docs/man/*.1 and docs/md/*.md. SOURCE_DATE_EPOCH, when set, dates
// the man pages, so that two runs on one commit give the same files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/pvo-doctor/pvo-doctor/internal/cli"
)

func main() {
	out := flag.String("out", "docs", "write man/ and md/ under `DIR`")
	flag.Parse()
	if err := generate(*out, os.Getenv("SOURCE_DATE_EPOCH")); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(dir, epoch string) error {
	date := time.Now().UTC()
	if epoch != "" {
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", epoch, err)
		}
		date = time.Unix(sec, 0).UTC()
	}
	root := cli.NewRootCmd(cli.System())
	root.DisableAutoGenTag = true // the tag carries a date that changes every run
	man, md := filepath.Join(dir, "man"), filepath.Join(dir, "md")
	for _, d := range []string{man, md} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	header := &doc.GenManHeader{Title: "PVO-DOCTOR", Section: "1", Date: &date,
		Source: "pvo-doctor " + cli.BuildVersion(), Manual: "pvo-doctor manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(root, md); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	return nil
}
