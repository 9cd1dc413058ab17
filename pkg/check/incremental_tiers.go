package check

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// ErrFullAnalysis says an edit cannot be judged on an edited engine: the
// caller must run the check on an analysis of the edited cluster.
var ErrFullAnalysis = errors.New("the edit needs a full analysis")

// ClusterPolicyEdit is one cluster policy (ClusterNetworkPolicy,
// AdminNetworkPolicy, BaselineAdminNetworkPolicy) replaced: Old nil for a
// create, New nil for a delete.
type ClusterPolicyEdit struct {
	Old, New *model.ClusterPolicy
}

// ClusterPolicyEditOn returns the check of after, which must be the
// rechecker's cluster with e applied and nothing else changed, judged by
// eng: an engine answering for after over the endpoints of the
// rechecker's analysis (the view of policy.Incremental.WithClusterPolicy
// on an engine built on them).
//
// A cluster policy decides only for the pods its subject selects:
// "Subject defines the pods to which this ClusterNetworkPolicy applies",
// its ingress rules are "applied to the selected pods", its egress rules
// likewise
// (https://github.com/kubernetes-sigs/network-policy-api/blob/main/apis/v1alpha2/clusternetworkpolicy_types.go),
// so only the flows with a workload its old or new subject selects are
// judged again.
// An edit with a rule matching by domainNames is ErrFullAnalysis (what
// the analysis says could change depends on those rules), and so is one
// that does not compile (the full analysis names the error).
func (x *Rechecker) ClusterPolicyEditOn(after *model.Cluster, e ClusterPolicyEdit, eng *policy.Engine) (*Report, error) {
	if n, want := len(eng.Endpoints()), len(x.r.a.Engine().Endpoints()); n != want {
		return nil, fmt.Errorf("the engine has %d endpoints, the rechecker's analysis %d", n, want)
	}
	sel := make([]bool, len(x.c.Workloads))
	for _, cp := range []*model.ClusterPolicy{e.Old, e.New} {
		if cp == nil {
			continue
		}
		p, err := tier.Compile(cp)
		if err != nil || usesDomainNames(p) {
			return nil, ErrFullAnalysis
		}
		for i := range x.c.Workloads {
			sel[i] = sel[i] || x.subjectSelects(&p.Subject, i)
		}
	}
	return x.rerun(after, sel, eng)
}

// subjectSelects reports whether s selects the pods of workload i, by its
// labels as the mesh runs the pods or as the input has them (a
// host-network pod counts as selected: judging a flow again is harmless).
func (x *Rechecker) subjectSelects(s *tier.Subject, i int) bool {
	w, iw := &x.c.Workloads[i], &x.inj.Workloads[i]
	ns := labels.Set{model.NamespaceNameLabel: w.Namespace}
	for k, v := range x.r.namespaceLabels(w.Namespace) {
		ns[k] = v
	}
	for _, l := range []map[string]string{iw.Template.Labels, w.Template.Labels} {
		if s.Selects(&tier.Endpoint{Pod: true, Namespace: w.Namespace, Labels: labels.Set(l), NamespaceLabels: ns}) {
			return true
		}
	}
	return false
}

// usesDomainNames reports whether a rule of p has a domainNames peer.
func usesDomainNames(p *tier.Policy) bool {
	for _, rs := range p.Rules {
		for _, r := range rs {
			for _, pe := range r.Peers {
				if pe.Kind == tier.PeerDomainNames {
					return true
				}
			}
		}
	}
	return false
}
