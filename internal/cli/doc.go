// Package cli is pvo-doctor's command line: the cobra root, one file per
// command (Options struct, NewCmdX, unexported xRun), the IO streams every
// command writes through, and the mapping from outcomes to exit codes.
package cli
