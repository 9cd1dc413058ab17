// Package cli is podreach's command line: cobra commands, one file per
// verb, each mapping its flags to library options and making one library
// call. It prints; the library never does. Only cmd/ exits.
package cli
