package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// rbacHint says how to get the permissions podreach needs.
const rbacHint = "podreach needs the read-only permissions in deploy/rbac.yaml (ClusterRole podreach-reader): " +
	"ask a cluster admin to apply it and bind it to you, or use a --context that has them"

// AccessError is a request the API server refused (RBAC Forbidden): which
// verb on which resource, where.
type AccessError struct {
	Verb      string // "list"
	Resource  string // "pods", "deployments.apps"
	Namespace string // "" for cluster-wide
	Err       error  // the server's answer
}

func (e *AccessError) Error() string {
	where := "cluster-wide"
	if e.Namespace != "" {
		where = "in namespace " + e.Namespace
	}
	return fmt.Sprintf("not allowed to %s %s %s (the API server said: %v); %s", e.Verb, e.Resource, where, e.Err, rbacHint)
}

func (e *AccessError) Unwrap() error { return e.Err }

// protocolError is a response that is not a list.
func (r *reader) protocolError(res resource, ns string, err error) error {
	return fmt.Errorf("listing %s%s from %s: unexpected response: %w", res.name(), inNamespace(ns), r.host, err)
}

// wrap explains a failed request in terms a user can act on.
func (r *reader) wrap(ctx context.Context, err error, res resource, ns string) error {
	what := res.name() + inNamespace(ns)
	var status apierrors.APIStatus
	isStatus := errors.As(err, &status)
	switch {
	case ctx.Err() != nil: // however client-go phrases it
		return fmt.Errorf("listing %s: %w", what, ctx.Err())
	case strings.Contains(err.Error(), "would exceed context deadline"):
		// client-go's rate limiter gives up early, and its error does
		// not wrap the context's.
		return fmt.Errorf("listing %s: %w", what, context.DeadlineExceeded)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("the API server at %s rejected the credentials of %s (401 Unauthorized): "+
			"they are missing, invalid or expired; log in again or refresh the kubeconfig", r.host, r.contextName())
	case apierrors.IsForbidden(err):
		return &AccessError{Verb: "list", Resource: res.name(), Namespace: ns, Err: err}
	case strings.Contains(err.Error(), "getting credentials"):
		return fmt.Errorf("cannot get credentials for %s: %w", r.contextName(), err)
	case r.answered && (!isStatus || status.Status().Code >= 500 || status.Status().Code == 429):
		return fmt.Errorf("lost the API server at %s while listing %s: %w; "+
			"no result is given from a partial read: run again", r.host, what, err)
	case !isStatus:
		return fmt.Errorf("cannot reach the API server at %s (%s): %w; "+
			"check that the cluster is up and that --context or --kubeconfig select it", r.host, r.contextName(), err)
	}
	return fmt.Errorf("listing %s: the API server at %s answered: %w", what, r.host, err)
}

func (r *reader) contextName() string {
	if r.context == "" {
		return "the kubeconfig"
	}
	return fmt.Sprintf("context %q", r.context)
}

func inNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return " in namespace " + ns
}
