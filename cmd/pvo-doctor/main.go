// Command pvo-doctor finds out why centralized Policy, Virus and Outbreak
// quarantines cannot be enabled on a Cisco ESA, and fixes what it safely can.
package main

import (
	"os"

	"github.com/pvo-doctor/pvo-doctor/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
