package main

import (
	"os"

	"github.com/pvo-doctor/pvo-doctor/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
