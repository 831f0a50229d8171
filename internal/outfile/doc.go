// Package outfile writes the files pvo-doctor leaves behind (reports,
// transcripts) so that they are never half-written, always mode 0600, and
// never written through a symbolic link or into a directory anyone may
// swap files in: each is written to a temporary file beside its name and
// renamed into place.
package outfile
