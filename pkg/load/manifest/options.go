package manifest

import "io"

// Option configures Load and Decode.
type Option func(*options)

type options struct {
	defaultNamespace string
	stdin            io.Reader
	strict           bool  // API server warnings are errors (validate_strict.go)
	maxFile          int64 // bytes one source may hold
	maxTotal         int64 // bytes all sources may hold together
}

func makeOptions(opts []Option) options {
	o := options{defaultNamespace: "default", maxFile: DefaultMaxFileSize, maxTotal: DefaultMaxTotalSize}
	for _, opt := range opts {
		opt(&o)
	}
	if o.defaultNamespace == "" {
		o.defaultNamespace = "default"
	}
	return o
}

// WithDefaultNamespace sets the namespace of objects that have no
// metadata.namespace (like kubectl -n). The default is "default".
func WithDefaultNamespace(ns string) Option {
	return func(o *options) { o.defaultNamespace = ns }
}

// WithStdin sets what the source "-" reads. Without it, "-" is an error.
func WithStdin(r io.Reader) Option {
	return func(o *options) { o.stdin = r }
}

// WithMaxInputSize bounds the bytes read from one source (a file or
// standard input) and from all sources of a Load together; a source over
// the limit is an error and is not read. A limit <= 0 keeps the default
// (DefaultMaxFileSize, DefaultMaxTotalSize).
func WithMaxInputSize(perFile, total int64) Option {
	return func(o *options) {
		if perFile > 0 {
			o.maxFile = perFile
		}
		if total > 0 {
			o.maxTotal = total
		}
	}
}
