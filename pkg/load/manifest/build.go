package manifest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// builder accumulates the objects of every source, then builds the Cluster.
type builder struct {
	opts    options
	diags   model.Diagnostics
	objs    map[objKey]any // *model.Namespace, *workloadRecord, *podRecord, *model.Service, *model.Policy, *model.Object
	skipped map[string]int // kind -> objects skipped
	// unevaluated counts policies of other APIs, which podreach does not
	// evaluate although they may deny traffic.
	unevaluated map[string]int
	scratch     []byte // JSON buffer reused across objects
	expand      int    // JSON bytes the rest of the stream may expand to
	docs        int    // objects the rest of the stream may hold
	read        int64  // bytes read from sources so far (read.go)
	// served: the stream is objects as an API server serves them, whose
	// sources have no meaningful line (see Builder.DecodeServed).
	served bool
	valid  map[string]uint8 // label keys (1) and values (2) known valid (validate.go)
	// parallel is how many goroutines may read one JSON stream; 0 means
	// GOMAXPROCS (tests set it).
	parallel int
	// listSplit is the least size of a YAML List document read item by
	// item (yamllist.go); 0 means listSplitSize (tests set it).
	listSplit int
	walking   bool           // decoding a file met in a directory walk
	walk      walkSkips      // what walks skipped (walk.go)
	input     int            // which source (input) is being read: duplicates within one are errors (inputs.go)
	inputOf   map[objKey]int // the input each object came from
	placed    map[string]int // source file -> objects placed in the default namespace (inputs.go)
}

// objKey identifies an object: a later object with the same key replaces
// the earlier one.
type objKey struct {
	kind, namespace, name string
}

// workloadRecord is a workload with what ownership resolution needs.
type workloadRecord struct {
	w      model.Workload
	owners []metav1.OwnerReference
	hash   string // pod-template-hash label
}

// podRecord is a pod with its owners, which decide whether it is an
// instance of a declared workload or a workload of its own.
type podRecord struct {
	ns     string
	pod    model.Pod
	owners []metav1.OwnerReference
}

func newBuilder(o options) *builder {
	return &builder{opts: o, objs: make(map[objKey]any), skipped: make(map[string]int), unevaluated: make(map[string]int),
		inputOf: make(map[objKey]int)}
}

// put stores a decoded object. An object from a later input replaces the
// earlier one (a what-if overlay given after the base wins); the same
// object twice within one input is an error (inputs.go).
func (b *builder) put(o *object, v any) {
	k := objKey{o.kind, o.namespace, o.name}
	if old, ok := b.objs[k]; ok {
		b.duplicate(o, k, old)
	}
	b.objs[k] = v
	b.inputOf[k] = b.input
}

func sourceOf(v any) model.Source {
	switch v := v.(type) {
	case *model.Namespace:
		return v.Source
	case *workloadRecord:
		return v.w.Source
	case *podRecord:
		return v.pod.Source
	case *model.Service:
		return v.Source
	case *model.Policy:
		return v.Source
	case *model.Object:
		return v.Source
	case *unevaluatedRecord:
		return v.o.Source
	case *tierRecord:
		return v.p.Source
	case *meshRecord:
		return v.p.Source
	case *model.Node:
		return v.Source
	}
	return model.Source{}
}

// skip counts an object of a kind podreach does not read. A kind it reads
// under another apiVersion is named with it, so "Deployment" in the summary
// is never a Deployment podreach ignored.
func (b *builder) skip(apiVersion, kind string) {
	if policyKind(kind) {
		b.unevaluated[kind+" "+apiVersion]++
		return
	}
	if readsKind(kind) {
		kind += " " + apiVersion
	}
	b.skipped[kind]++
}

func readsKind(kind string) bool {
	for _, g := range []string{"", "apps", "batch", "admissionregistration.k8s.io", "apiregistration.k8s.io"} {
		if _, ok := readHandler(g, "v1", kind); ok {
			return true
		}
	}
	return false
}

// finish builds the cluster. It returns a nil cluster and a
// *model.InputError when any diagnostic is an Error.
func (b *builder) finish() (*model.Cluster, model.Diagnostics, error) {
	c := &model.Cluster{}
	var workloads map[objKey]*workloadRecord
	var pods []*podRecord
	for k, v := range b.objs {
		switch v := v.(type) {
		case *model.Namespace:
			c.Namespaces = append(c.Namespaces, *v)
		case *workloadRecord:
			if workloads == nil {
				workloads = make(map[objKey]*workloadRecord)
			}
			workloads[k] = v
		case *podRecord:
			pods = append(pods, v)
		case *model.Service:
			c.Services = append(c.Services, *v)
		case *model.Policy:
			c.Policies = append(c.Policies, *v)
		case *model.Object:
			c.Objects = append(c.Objects, *v)
		case *unevaluatedRecord:
			c.Unevaluated = append(c.Unevaluated, v.o)
		case *tierRecord:
			c.ClusterPolicies = append(c.ClusterPolicies, v.p)
		case *model.Node:
			c.Nodes = append(c.Nodes, *v)
		case *meshRecord:
			c.MeshPolicies = append(c.MeshPolicies, v.p)
		}
	}
	c.Workloads = resolveOwners(workloads, pods)
	sortCluster(c)
	b.namespaces(c)
	b.summarizeSkipped()
	b.summarizeWalk()
	capDiagnostics(b.diags)
	if err := b.diags.Err(); err != nil {
		return nil, b.diags, err
	}
	return c, b.diags, nil
}

// namespaces adds the namespaces used but not declared, and sets the name
// label on all: "The API server sets the label kubernetes.io/metadata.name
// on all namespaces" (to the name; a user-supplied value is overwritten).
func (b *builder) namespaces(c *model.Cluster) {
	declared := make(map[string]bool, len(c.Namespaces))
	for _, ns := range c.Namespaces {
		declared[ns.Name] = true
	}
	used := make(map[string]bool)
	for _, w := range c.Workloads {
		used[w.Namespace] = true
	}
	for _, s := range c.Services {
		used[s.Namespace] = true
	}
	for _, p := range c.Policies {
		used[p.NetworkPolicy.Namespace] = true
	}
	for _, o := range c.Objects {
		used[o.Namespace] = true
	}
	var implicit []string
	for _, ns := range slices.Sorted(maps.Keys(used)) {
		if ns != "" && !declared[ns] {
			implicit = append(implicit, ns)
			c.Namespaces = append(c.Namespaces, model.Namespace{Name: ns, Implicit: true})
		}
	}
	slices.SortFunc(c.Namespaces, func(a, b model.Namespace) int { return cmp.Compare(a.Name, b.Name) })
	for i := range c.Namespaces {
		b.nameLabel(&c.Namespaces[i])
	}
	if len(implicit) > 0 {
		what := "namespaces used but not declared"
		if len(implicit) == 1 {
			what = "namespace used but not declared"
		}
		b.notice(fmt.Sprintf("%s, assumed with only the %s label: %s",
			what, model.NamespaceNameLabel, strings.Join(implicit, ", ")))
	}
}

func (b *builder) nameLabel(ns *model.Namespace) {
	if v, ok := ns.Labels[model.NamespaceNameLabel]; ok && v != ns.Name {
		b.diags = append(b.diags, model.Diagnostic{
			Severity: model.Notice,
			Source:   ns.Source,
			Object:   "Namespace " + ns.Name,
			Field:    childPath("metadata.labels", model.NamespaceNameLabel),
			Message:  fmt.Sprintf("label value %q is replaced by the namespace name, as the API server does", v),
		})
	}
	if ns.Labels == nil {
		ns.Labels = make(map[string]string, 1)
	}
	ns.Labels[model.NamespaceNameLabel] = ns.Name
}

// policyKind reports whether kind is a traffic policy of an API other
// than networking.k8s.io/v1 (they can deny what podreach reports allowed).
func policyKind(kind string) bool {
	switch kind {
	case "NetworkPolicy", "GlobalNetworkPolicy", "StagedNetworkPolicy", "StagedGlobalNetworkPolicy",
		"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy",
		"AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy",
		"AuthorizationPolicy", "ServerAuthorization", "Server", "EgressNetwork":
		return true
	}
	return false
}

// summarizeSkipped reports, once, the objects of kinds podreach does not
// read, and warns about the policies it does not evaluate.
func (b *builder) summarizeSkipped() {
	if len(b.unevaluated) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(b.unevaluated)) {
			parts = append(parts, fmt.Sprintf("%s (%d)", k, b.unevaluated[k]))
		}
		b.diags = append(b.diags, model.Diagnostic{Severity: model.Warning, Message: "not evaluated: " + strings.Join(parts, ", ") +
			"; podreach evaluates networking.k8s.io/v1 NetworkPolicies only: answers about the endpoints these policies select are \"cannot know\" (explain and diff exit 3, check marks the flows ‼), never \"allowed\""})
	}
	if len(b.skipped) == 0 {
		return
	}
	total := 0
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(b.skipped)) {
		total += b.skipped[k]
		parts = append(parts, fmt.Sprintf("%s (%d)", k, b.skipped[k]))
	}
	what := "objects of kinds"
	if total == 1 {
		what = "object of a kind"
	}
	b.notice(fmt.Sprintf("skipped %d %s not used for reachability: %s", total, what, strings.Join(parts, ", ")))
}

func (b *builder) notice(msg string) {
	b.diags = append(b.diags, model.Diagnostic{Severity: model.Notice, Message: msg})
}

// sortCluster orders everything by namespace, then name (then kind).
func sortCluster(c *model.Cluster) {
	slices.SortFunc(c.Namespaces, func(a, b model.Namespace) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(c.Workloads, func(a, b model.Workload) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind))
	})
	for i := range c.Workloads {
		slices.SortFunc(c.Workloads[i].Pods, func(a, b model.Pod) int { return cmp.Compare(a.Name, b.Name) })
	}
	slices.SortFunc(c.Services, func(a, b model.Service) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(c.Policies, func(a, b model.Policy) int {
		return cmp.Or(cmp.Compare(a.NetworkPolicy.Namespace, b.NetworkPolicy.Namespace),
			cmp.Compare(a.NetworkPolicy.Name, b.NetworkPolicy.Name))
	})
	byID := func(a, b model.Object) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.APIVersion, b.APIVersion))
	}
	slices.SortFunc(c.Objects, byID)
	slices.SortFunc(c.Unevaluated, byID)
	slices.SortFunc(c.ClusterPolicies, func(a, b model.ClusterPolicy) int { return cmp.Compare(a.ID(), b.ID()) })
	slices.SortFunc(c.Nodes, func(a, b model.Node) int { return cmp.Compare(a.Name, b.Name) })
	sortMeshPolicies(c.MeshPolicies)
}

// sortMeshPolicies numbers the Linkerd policies in input order (files in
// order, documents by line: the order kubectl apply creates them in, what
// decides the oldest Server when no creationTimestamp is given), then
// sorts them by namespace, name and kind.
func sortMeshPolicies(ps []model.MeshPolicy) {
	slices.SortFunc(ps, func(a, b model.MeshPolicy) int {
		return cmp.Or(cmp.Compare(a.Source.File, b.Source.File), cmp.Compare(a.Source.Line, b.Source.Line))
	})
	for i := range ps {
		ps[i].Order = i
	}
	slices.SortFunc(ps, func(a, b model.MeshPolicy) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.APIVersion, b.APIVersion))
	})
}
