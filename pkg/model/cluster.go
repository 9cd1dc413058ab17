package model

import (
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// NamespaceNameLabel is the label the API server puts on every namespace
// (since Kubernetes 1.21), with the namespace's name as value.
const NamespaceNameLabel = "kubernetes.io/metadata.name"

// Cluster is a snapshot of everything that decides reachability.
// Slices are sorted by namespace then name (see Sort); nothing in it is
// shared with the loader's decoded objects.
type Cluster struct {
	Namespaces []Namespace
	Workloads  []Workload
	Services   []Service
	Policies   []Policy
	Objects    []Object // other objects a mesh profile may read (ConfigMaps, webhooks)
	// Unevaluated are the traffic policies of kinds podreach does not
	// evaluate (AdminNetworkPolicy, Calico, Cilium, Linkerd authorization…):
	// any answer about a pod they select could be changed by them.
	// Data["spec"] holds each one's spec as JSON.
	Unevaluated []Object
	Externals   []External
	// Gaps are what a live source could not read; empty for complete input.
	// Answers involving a gap's namespace are incomplete.
	Gaps []Gap

	// ClusterPolicies are the cluster-wide policy tiers (tier.go); Nodes
	// are what their nodes peers select.
	ClusterPolicies []ClusterPolicy
	Nodes           []Node

	// MeshPolicies are Linkerd's authorization objects (linkerd.go),
	// evaluated by package policy/linkerdauthz.
	MeshPolicies []MeshPolicy
}

// Namespace is a namespace and its labels. Implicit namespaces were used by
// an object but not declared; they carry only the name label.
type Namespace struct {
	Name        string
	Labels      map[string]string
	Annotations map[string]string
	Implicit    bool
	Source      Source
}

// Container is one container of a pod template.
type Container struct {
	Name  string
	Image string
	Init  bool
	Ports []ContainerPort
}

// ContainerPort is a declared container port. Protocol is never Unknown
// after loading (the API defaults it to TCP).
type ContainerPort struct {
	Container string
	Name      string
	Port      int32
	Protocol  Protocol
}

// PodSpec is what NetworkPolicy evaluation needs from a pod or a template.
type PodSpec struct {
	Labels      map[string]string
	Annotations map[string]string
	Containers  []Container // init containers included, marked Init
	HostNetwork bool
	// ServiceAccount is spec.serviceAccountName ("default" when not set,
	// as the API server defaults it): a meshed pod's identity.
	ServiceAccount string
	// Probes are the httpGet liveness, readiness and startup probes of the
	// containers (init containers included).
	Probes []HTTPProbe
}

// HTTPProbe is one httpGet probe: the container it belongs to, its port
// (a number or a name of that container's ports) and its path.
type HTTPProbe struct {
	Container string
	Port      intstr.IntOrString
	Path      string
}

// Ports returns every declared container port, init containers included
// (native sidecars declare theirs there).
func (p *PodSpec) Ports() []ContainerPort {
	var out []ContainerPort
	for _, c := range p.Containers {
		out = append(out, c.Ports...)
	}
	return out
}

// HasContainer reports whether a container (or init container) has the name.
func (p *PodSpec) HasContainer(name string) bool {
	for _, c := range p.Containers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Pod is one running (or declared) pod instance.
type Pod struct {
	Name     string
	Spec     PodSpec
	IPs      []netip.Addr // status.podIPs (or podIP); empty when unknown
	NodeName string
	Source   Source
}

// Workload is a set of pods sharing one template: a Deployment, StatefulSet,
// DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, or a bare Pod
// (Kind Pod, whose template is the pod itself).
type Workload struct {
	Kind      Kind
	Namespace string
	Name      string
	// Labels and Annotations are the object's own metadata (not the template's).
	Labels      map[string]string
	Annotations map[string]string
	Template    PodSpec
	Replicas    int32 // declared replicas; 1 for bare pods, 0 when not declared (DaemonSet)
	Pods        []Pod // pod instances known to belong to this workload
	Source      Source
}

// ID is "namespace/name".
func (w *Workload) ID() string { return w.Namespace + "/" + w.Name }

// Service is a Service's selector and ports. Headless is spec.clusterIP
// "None": clients dial the pods, not a cluster IP.
type Service struct {
	Namespace string
	Name      string
	Type      string
	Headless  bool
	Selector  map[string]string
	Ports     []ServicePort
	Source    Source
}

// ServicePort maps a Service port to a pod port (number or name).
type ServicePort struct {
	Name       string
	Port       int32
	TargetPort intstr.IntOrString // zero: same as Port
	Protocol   Protocol
}

// Policy is a NetworkPolicy as the API server would store it (defaults
// applied), with where it came from. Spec is never nil.
type Policy struct {
	NetworkPolicy *networkingv1.NetworkPolicy
	Source        Source
}

// ID is "namespace/name".
func (p *Policy) ID() string {
	return p.NetworkPolicy.Namespace + "/" + p.NetworkPolicy.Name
}

// Object is any other object kept for mesh profiles: identity, metadata,
// and string data (ConfigMaps).
type Object struct {
	APIVersion  string
	Kind        string
	Namespace   string
	Name        string
	Labels      map[string]string
	Annotations map[string]string
	Data        map[string]string
	Source      Source
}

// External is a named non-pod peer (the API server, nodes, the internet),
// reachable only through ipBlock rules.
type External struct {
	Name   string
	Prefix netip.Prefix
}
