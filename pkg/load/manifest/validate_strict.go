package manifest

import (
	"fmt"

	"github.com/podreach/podreach/pkg/model"
)

// WithStrict makes what the API server accepts only with a warning an
// input error: CIDRs with host bits set, IPv4-mapped IPv6 or leading zeros
// in ipBlocks. Without it they are Warnings and podreach evaluates them as
// dataplanes do.
func WithStrict(strict bool) Option {
	return func(o *options) { o.strict = strict }
}

// apiWarnf reports what the API server accepts with a warning: a Warning,
// or an Error under WithStrict.
func (o *object) apiWarnf(field, format string, args ...any) {
	sev := model.Warning
	if o.b.opts.strict {
		sev = model.Error
	}
	o.report(sev, field, 0, fmt.Sprintf(format, args...))
}
