package manifest

import (
	"maps"
	"os"

	"github.com/podreach/podreach/pkg/model"
)

// Inputs are the sources given in order (a file, a directory walk, stdin,
// a rendered kustomization, one read of a live cluster). Layering is by
// input: an object from a later input replaces the same object (kind,
// namespace, name) from an earlier one, with a Notice; that is how a
// what-if change is layered on a cluster. Within one input the same object
// twice is an Error naming both places: `kubectl apply -f` would apply
// both, the last silently winning, and reading one of them as the answer
// would hide a real mistake (a file copied into two places of a tree).

// duplicate reports o, which has the key of old, as a replacement or an
// error.
func (b *builder) duplicate(o *object, k objKey, old any) {
	d := model.Diagnostic{Severity: model.Notice, Source: o.source(), Object: o.id(),
		Message: "replaces the definition at " + sourceOf(old).String()}
	if b.inputOf[k] == b.input && !sameFile(sourceOf(old).File, o.file) {
		d.Severity = model.Error
		d.Message = "defined twice in one input, first at " + sourceOf(old).String() +
			" (only a later source may replace an object)"
	}
	b.diags = append(b.diags, d)
}

// sameFile reports whether two sources are one file reached twice (a
// symbolic link to a file of the same walk): the object is the same, not a
// second definition.
func sameFile(a, b string) bool {
	if a == b {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// placeInDefault counts a namespaced object that names no namespace, which
// is placed in the default namespace as kubectl places it: "-n", else the
// kubeconfig context's namespace, else "default"
// (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/,
// "--namespace: If present, the namespace scope for this CLI request").
// A namespace that did not decode (an unquoted YAML 1.1 boolean) is an
// error of its own, not counted.
func (b *builder) placeInDefault(o *object) {
	if o.namespace != b.opts.defaultNamespace {
		return
	}
	if b.placed == nil {
		b.placed = make(map[string]int)
	}
	b.placed[o.file]++
}

// Placed returns how many namespaced objects named no namespace and were
// placed in the default namespace (WithDefaultNamespace), per source; the
// caller, which knows where that namespace came from (a flag, a kubeconfig
// context, kubectl's "default"), says so. Call it after Finish.
func (b *Builder) Placed() map[string]int { return maps.Clone(b.b.placed) }
