package linkerdauthz

import (
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

// serverAuthzs are the authorizations of Server srv: every
// ServerAuthorization whose server names it or whose selector matches its
// labels, and every AuthorizationPolicy whose targetRef is the Server or
// "A namespace (kind: Namespace) … This may only be the namespace of the
// AuthorizationPolicy".
func (p *Policies) serverAuthzs(srv *model.MeshPolicy) []authz {
	ns := p.byNS[srv.Namespace]
	var out []authz
	for _, o := range ns.serverAuthzs {
		s := o.ServerAuthorization
		if s.ServerName == srv.Name || s.ServerName == "" && s.ServerSelector != nil && selectorMatches(s.ServerSelector, srv.Labels) {
			out = append(out, p.serverAuthorization(o))
		}
	}
	for _, o := range ns.authzPolicies {
		t := o.AuthorizationPolicy.Target
		if t.Kind == "Server" && policyGroup(t.Group) && t.Name == srv.Name ||
			t.Kind == "Namespace" && t.Group == "" && t.Name == srv.Namespace {
			out = append(out, p.authorizationPolicy(o))
		}
	}
	return out
}

// routesOf lists the HTTPRoutes and GRPCRoutes with Server srv as a
// parent (in its namespace, group policy.linkerd.io).
func (p *Policies) routesOf(srv *model.MeshPolicy) []*model.MeshPolicy {
	var out []*model.MeshPolicy
	for _, r := range p.byNS[srv.Namespace].routes {
		if slices.ContainsFunc(r.Route.Parents, func(ref model.MeshRef) bool {
			return ref.Kind == "Server" && policyGroup(ref.Group) && ref.Name == srv.Name &&
				(ref.Namespace == "" || ref.Namespace == srv.Namespace)
		}) {
			out = append(out, r)
		}
	}
	return out
}

// routeAuthzs are the AuthorizationPolicies that target route r (same
// kind and group).
func (p *Policies) routeAuthzs(r *model.MeshPolicy) []authz {
	group, _, _ := strings.Cut(r.APIVersion, "/")
	var out []authz
	for _, o := range p.byNS[r.Namespace].authzPolicies {
		t := o.AuthorizationPolicy.Target
		if t.Kind == r.Kind && t.Group == group && t.Name == r.Name {
			out = append(out, p.authorizationPolicy(o))
		}
	}
	return out
}

// policyGroup: a reference to a Server names group policy.linkerd.io (or
// leaves it empty).
func policyGroup(g string) bool { return g == "" || g == GroupPolicy }

// portIn reports whether port is in a port-list annotation
// ("4190,4191,8000-9000"). An invalid list is ignored as a whole, as the
// policy controller does ("Invalid ports list").
func portIn(list string, port int32) bool {
	if strings.TrimSpace(list) == "" {
		return false
	}
	in := false
	for _, part := range strings.Split(list, ",") {
		lo, hi, ok := portRange(strings.TrimSpace(part))
		if !ok {
			return false
		}
		in = in || lo <= port && port <= hi
	}
	return in
}

func portRange(s string) (int32, int32, bool) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err1 := strconv.ParseUint(a, 10, 16)
	hi := lo
	var err2 error
	if isRange {
		hi, err2 = strconv.ParseUint(b, 10, 16)
	}
	if err1 != nil || err2 != nil || lo == 0 || hi < lo {
		return 0, 0, false
	}
	return int32(lo), int32(hi), true
}

// probePaths are the paths of the httpGet probes on port, sorted: a named
// probe port resolves among its own container's TCP ports (case
// insensitive); a missing path is "/"; the query string is dropped
// (inbound/workload.rs pod_http_probes).
func probePaths(spec *model.PodSpec, port int32) []string {
	var out []string
	for _, pr := range spec.Probes {
		if probePort(spec, pr) != port {
			continue
		}
		out = append(out, ProbePath(pr))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ProbePath is the path the policy controller authorizes for probe pr:
// the query string dropped, "/" when empty.
func ProbePath(pr model.HTTPProbe) string {
	path, _, _ := strings.Cut(pr.Path, "?")
	if path == "" {
		return "/"
	}
	return path
}

// ProbePort is the port of probe pr of spec (0 when a named port does
// not resolve among its own container's TCP ports).
func ProbePort(spec *model.PodSpec, pr model.HTTPProbe) int32 { return probePort(spec, pr) }

func probePort(spec *model.PodSpec, pr model.HTTPProbe) int32 {
	if pr.Port.Type == intstr.Int {
		return pr.Port.IntVal
	}
	for _, c := range spec.Containers {
		if c.Name != pr.Container {
			continue
		}
		for _, cp := range c.Ports {
			if cp.Protocol == model.TCP && strings.EqualFold(cp.Name, pr.Port.StrVal) {
				return cp.Port
			}
		}
	}
	return 0
}
