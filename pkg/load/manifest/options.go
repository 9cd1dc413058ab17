package manifest

import "io"

// Option configures Load and Decode.
type Option func(*options)

type options struct {
	defaultNamespace string
	stdin            io.Reader
	strict           bool // API server warnings are errors (validate_strict.go)
}

func makeOptions(opts []Option) options {
	o := options{defaultNamespace: "default"}
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
