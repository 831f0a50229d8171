// Command pvo-doctor finds out why centralized Policy, Virus and Outbreak
// quarantines cannot be enabled on a Cisco ESA, and fixes what it safely
// can. Everything lives in internal/cli; main only runs it and exits with
// its code.
package main
