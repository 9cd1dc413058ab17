package fix_test

import (
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
)

// selectsOnlyIsolated fails for every proposed policy that selects a pod
// which was not isolated for the policy's direction before: applying it
// would take that pod's reachability away.
func selectsOnlyIsolated(t *testing.T, c *model.Cluster, in *linkerd.Install, prop *fix.Proposal) {
	t.Helper()
	injected := in.Inject(c)
	a, err := reach.Analyze(injected)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prop.Policies {
		np := p.NetworkPolicy
		for _, dir := range directions(np) {
			for _, w := range selected(injected, np) {
				idx, ok := a.EndpointIndex(w)
				if !ok || len(a.Engine().Isolating(idx, dir)) == 0 {
					t.Errorf("%s/%s selects %s, which was not isolated for %s", np.Namespace, np.Name, w, dir)
				}
			}
		}
	}
}

func directions(np *networkingv1.NetworkPolicy) []policy.Direction {
	var out []policy.Direction
	for _, pt := range np.Spec.PolicyTypes {
		if pt == networkingv1.PolicyTypeEgress {
			out = append(out, policy.Egress)
		} else {
			out = append(out, policy.Ingress)
		}
	}
	return out
}

// selected lists the workloads (not on the host network) np selects.
func selected(c *model.Cluster, np *networkingv1.NetworkPolicy) []string {
	var out []string
	for _, w := range c.Workloads {
		if w.Namespace == np.Namespace && !w.Template.HostNetwork && matches(&np.Spec.PodSelector, w.Template.Labels) {
			out = append(out, w.ID())
		}
	}
	return out
}

// TestNeverIsolates: in a namespace where only some pods are isolated, the
// proposal relaxes those pods alone, one policy per workload, whatever the
// style would select (all meshed pods, or the whole namespace); the open
// pods keep every connection they had.
func TestNeverIsolates(t *testing.T) {
	t.Parallel()
	// Only voting is isolated in emojivoto: it admits web on 8080.
	votingFromWeb := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "emojivoto", Name: "voting-from-web"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "voting-svc"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web-svc"}}}},
			}},
		},
	}
	for _, style := range []fix.Style{fix.StyleMinimal, fix.StyleBroad} {
		t.Run(style.String(), func(t *testing.T) {
			t.Parallel()
			c := load(t, []string{current}, apiserver)
			c.Policies = slices.DeleteFunc(c.Policies, func(p model.Policy) bool { return p.ID() == "emojivoto/deny-all-ingress" })
			c.Policies = append(c.Policies, model.Policy{NetworkPolicy: votingFromWeb})
			in := detect(t, c)
			if got := selected(in.Inject(c), votingFromWeb); !slices.Equal(got, []string{"emojivoto/voting"}) {
				t.Fatalf("the test policy selects %v, want only emojivoto/voting", got)
			}
			prop, err := fix.Propose(c, in, fix.WithStyle(style))
			if err != nil {
				t.Fatalf("Propose: %v", err)
			}
			var inEmojivoto []string
			for _, p := range prop.Policies {
				if p.NetworkPolicy.Namespace == "emojivoto" {
					inEmojivoto = append(inEmojivoto, selected(in.Inject(c), p.NetworkPolicy)...)
				}
			}
			if len(inEmojivoto) == 0 || slices.ContainsFunc(inEmojivoto, func(id string) bool { return id != "emojivoto/voting" }) {
				t.Errorf("proposed policies in emojivoto select %v, want emojivoto/voting only", inEmojivoto)
			}
			selectsOnlyIsolated(t, c, in, prop)
			before, after := matrixOf(t, in.Inject(c)), matrixOf(t, in.Inject(withProposal(c, prop)))
			for _, p := range compare(before, after, required(in.Inject(c), in), style) {
				t.Error(p)
			}
		})
	}
}

// TestOracleCatches guards the judges above: a proposal that was not
// narrowed (one policy selecting every meshed pod of the namespace) loses
// the open pods' connections, and one admitting every port gains more than
// the flows require.
func TestOracleCatches(t *testing.T) {
	t.Parallel()
	c := load(t, []string{current}, apiserver)
	c.Policies = slices.DeleteFunc(c.Policies, func(p model.Policy) bool { return p.ID() == "emojivoto/deny-all-ingress" })
	c.Policies = append(c.Policies, model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "emojivoto", Name: "voting-isolated"},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "voting-svc"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}},
	}})
	in := detect(t, c)
	prop, err := fix.Propose(c, in)
	if err != nil {
		t.Fatalf("Propose: %v", err)
	}
	before, n := matrixOf(t, in.Inject(c)), required(in.Inject(c), in)
	judge := func(mutate func(*networkingv1.NetworkPolicy)) string {
		var bad fix.Proposal
		for _, p := range prop.Policies {
			np := p.NetworkPolicy.DeepCopy()
			mutate(np)
			bad.Policies = append(bad.Policies, fix.Policy{NetworkPolicy: np})
		}
		return strings.Join(compare(before, matrixOf(t, in.Inject(withProposal(c, &bad))), n, fix.StyleMinimal), "\n")
	}
	unnarrowed := judge(func(np *networkingv1.NetworkPolicy) {
		if np.Namespace == "emojivoto" {
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"linkerd.io/control-plane-ns": "linkerd"}}
		}
	})
	if !strings.Contains(unnarrowed, "lost emojivoto/vote-bot → emojivoto/web") {
		t.Errorf("an un-narrowed proposal should lose vote-bot → web; the judge says:\n%s", unnarrowed)
	}
	allPorts := judge(func(np *networkingv1.NetworkPolicy) {
		for i := range np.Spec.Ingress {
			np.Spec.Ingress[i].Ports = nil
		}
	})
	if !strings.Contains(allPorts, "beyond the required") {
		t.Errorf("a proposal admitting every port should gain beyond the required ports; the judge says:\n%s", allPorts)
	}
}
