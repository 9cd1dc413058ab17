package check

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// Builders for small clusters: an object plus tweak funcs.

const (
	labelComponent = "linkerd.io/control-plane-component"
	labelCPNS      = "linkerd.io/control-plane-ns"
	apiserverCIDR  = "172.16.0.2/32"
	versioncheckIP = "203.0.113.10/32"
)

type nsTweak func(*model.Namespace)

func namespace(name string, tweaks ...nsTweak) model.Namespace {
	ns := model.Namespace{Name: name, Labels: map[string]string{model.NamespaceNameLabel: name}}
	for _, t := range tweaks {
		t(&ns)
	}
	return ns
}

func nsLabel(k, v string) nsTweak { return func(ns *model.Namespace) { ns.Labels[k] = v } }

func nsAnnotation(k, v string) nsTweak {
	return func(ns *model.Namespace) {
		if ns.Annotations == nil {
			ns.Annotations = map[string]string{}
		}
		ns.Annotations[k] = v
	}
}

// injectNS marks a namespace for the proxy injector.
var injectNS = nsAnnotation("linkerd.io/inject", "enabled")

type wlTweak func(*model.Workload)

// deploy is a Deployment labelled app=<name> with one container and no ports.
func deploy(ns, name string, tweaks ...wlTweak) model.Workload {
	w := model.Workload{
		Kind: model.KindDeployment, Namespace: ns, Name: name, Replicas: 1,
		Template: model.PodSpec{
			Labels:     map[string]string{"app": name},
			Containers: []model.Container{{Name: "main", Image: "example/" + name}},
		},
	}
	for _, t := range tweaks {
		t(&w)
	}
	return w
}

func label(k, v string) wlTweak { return func(w *model.Workload) { w.Template.Labels[k] = v } }

func component(c string) wlTweak { return label(labelComponent, c) }

func kind(k model.Kind) wlTweak { return func(w *model.Workload) { w.Kind = k } }

func podAnnotation(k, v string) wlTweak {
	return func(w *model.Workload) {
		if w.Template.Annotations == nil {
			w.Template.Annotations = map[string]string{}
		}
		w.Template.Annotations[k] = v
	}
}

// listens declares container ports of the main container: "8080" (TCP) or
// "53/UDP".
func listens(specs ...string) wlTweak {
	return func(w *model.Workload) {
		c := &w.Template.Containers[len(w.Template.Containers)-1]
		for _, s := range specs {
			c.Ports = append(c.Ports, containerPort(c.Name, s))
		}
	}
}

func containerPort(container, spec string) model.ContainerPort {
	num, proto, ok := strings.Cut(spec, "/")
	if !ok {
		proto = "TCP"
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		panic(err)
	}
	return model.ContainerPort{Container: container, Port: int32(n), Protocol: model.MustParseProtocol(proto)}
}

// proxied gives the template the proxy and label injection adds, as the
// control plane and manually injected workloads carry them.
func proxied(w *model.Workload) {
	w.Template.Labels[labelCPNS] = "linkerd"
	w.Template.Containers = append(w.Template.Containers, model.Container{Name: "linkerd-proxy", Ports: []model.ContainerPort{
		{Container: "linkerd-proxy", Name: "linkerd-proxy", Port: 4143, Protocol: model.TCP},
		{Container: "linkerd-proxy", Name: "linkerd-admin", Port: 4191, Protocol: model.TCP},
	}})
}

// service selects the pods labelled app=<app>; ports are "80:8080" or "8080".
func service(ns, name, app string, specs ...string) model.Service {
	svc := model.Service{Namespace: ns, Name: name, Type: "ClusterIP", Selector: map[string]string{"app": app}}
	for _, s := range specs {
		port, target, _ := strings.Cut(s, ":")
		p, _ := strconv.Atoi(port)
		sp := model.ServicePort{Port: int32(p), Protocol: model.TCP}
		if target != "" {
			t, _ := strconv.Atoi(target)
			sp.TargetPort = intstr.FromInt32(int32(t))
		}
		svc.Ports = append(svc.Ports, sp)
	}
	return svc
}

func externalPeer(name, cidr string) model.External {
	return model.External{Name: name, Prefix: netip.MustParsePrefix(cidr)}
}

// NetworkPolicies, as the API server stores them (policyTypes and
// protocols defaulted).

type npTweak func(*networkingv1.NetworkPolicy)

func netpol(ns, name string, target *metav1.LabelSelector, tweaks ...npTweak) model.Policy {
	np := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       networkingv1.NetworkPolicySpec{PodSelector: *target},
	}
	for _, t := range tweaks {
		t(np)
	}
	if len(np.Spec.PolicyTypes) == 0 {
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	}
	return model.Policy{NetworkPolicy: np}
}

func policyTypes(ts ...networkingv1.PolicyType) npTweak {
	return func(np *networkingv1.NetworkPolicy) { np.Spec.PolicyTypes = ts }
}

// ingressRule appends a rule; nil peers means every source, nil ports every port.
func ingressRule(peers []networkingv1.NetworkPolicyPeer, ps []networkingv1.NetworkPolicyPort) npTweak {
	return func(np *networkingv1.NetworkPolicy) {
		np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: peers, Ports: ps})
	}
}

func egressRule(peers []networkingv1.NetworkPolicyPeer, ps []networkingv1.NetworkPolicyPort) npTweak {
	return func(np *networkingv1.NetworkPolicy) {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: peers, Ports: ps})
	}
}

func matchLabels(kv ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{MatchLabels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

// workloadPeer selects one app's pods in one namespace.
func workloadPeer(ns, app string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: matchLabels(model.NamespaceNameLabel, ns), PodSelector: matchLabels("app", app)}
}

// tcp is a list of numeric TCP policy ports.
func tcp(nums ...int32) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, n := range nums {
		out = append(out, npPort(corev1.ProtocolTCP, n, 0))
	}
	return out
}

// npPort is one policy port: n 0 means every port of the protocol, end 0
// no range.
func npPort(proto corev1.Protocol, n, end int32) networkingv1.NetworkPolicyPort {
	p := networkingv1.NetworkPolicyPort{Protocol: &proto}
	if n != 0 {
		v := intstr.FromInt32(n)
		p.Port = &v
	}
	if end != 0 {
		p.EndPort = &end
	}
	return p
}

// withPolicies returns a copy of c with ps added.
func withPolicies(c *model.Cluster, ps ...model.Policy) *model.Cluster {
	out := *c
	out.Policies = append(append([]model.Policy(nil), c.Policies...), ps...)
	return &out
}

// install is linkerd.New for tests.
func install(t testing.TB, version string, opts ...linkerd.Option) *linkerd.Install {
	t.Helper()
	in, err := linkerd.New(linkerd.MustParseVersion(version), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// mustRun is Run that fails the test on error.
func mustRun(t testing.TB, c *model.Cluster, in *linkerd.Install) *Report {
	t.Helper()
	rep, _, err := Run(c, in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// resultByID returns the result with id.
func resultByID(t testing.TB, rep *Report, id string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no result %q in the report", id)
	return Result{}
}

// notOK lists the ids of the results that did not pass.
func notOK(rep *Report) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Status != StatusOK {
			out = append(out, r.ID)
		}
	}
	return out
}
