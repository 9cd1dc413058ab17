package live

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/podreach/podreach/pkg/model"
)

// namespaces lists the namespaces (which podreach cannot do without: every
// namespace's labels can decide a namespaceSelector) and returns their
// names.
func (r *reader) namespaces(ctx context.Context) ([]string, error) {
	var names []string
	if err := r.list(ctx, resources[0], "", &names); err != nil {
		return nil, r.wrap(ctx, err, resources[0], "")
	}
	return names, nil
}

// read lists res cluster-wide; when that is Forbidden, namespace by
// namespace. It returns the namespaces it was refused ("" for all of an
// optional resource). A required resource refused everywhere is an
// AccessError.
func (r *reader) read(ctx context.Context, res resource, namespaces []string) ([]string, error) {
	err := r.list(ctx, res, "", nil)
	switch {
	case err == nil:
		return nil, nil
	case apierrors.IsNotFound(err):
		// The API is not served (an old cluster, no aggregator): there
		// are no such objects.
		r.b.AddDiagnostic(model.Diagnostic{Severity: model.Notice, Source: model.Source{File: r.origin},
			Message: "the API server does not serve " + res.name() + " " + res.version + "; none read"})
		return nil, nil
	case !apierrors.IsForbidden(err):
		return nil, r.wrap(ctx, err, res, "")
	case !res.namespaced && res.optional:
		return []string{""}, nil
	case !res.namespaced:
		return nil, r.wrap(ctx, err, res, "")
	}
	var refused []string
	for _, ns := range namespaces {
		nerr := r.list(ctx, res, ns, nil)
		switch {
		case nerr == nil:
		case apierrors.IsForbidden(nerr):
			refused = append(refused, ns)
		default:
			return nil, r.wrap(ctx, nerr, res, ns)
		}
	}
	if len(refused) < len(namespaces) {
		return refused, nil
	}
	if res.optional {
		return []string{""}, nil
	}
	return nil, r.wrap(ctx, err, res, "")
}
