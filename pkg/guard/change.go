package guard

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// Operation is what a request does to its object.
type Operation uint8

// Operations, as AdmissionReview names them (CREATE, UPDATE, DELETE).
const (
	OpUnknown Operation = iota
	OpCreate
	OpUpdate
	OpDelete
)

func (o Operation) String() string {
	switch o {
	case OpCreate:
		return "CREATE"
	case OpUpdate:
		return "UPDATE"
	case OpDelete:
		return "DELETE"
	}
	return "UNKNOWN"
}

// ParseOperation parses CREATE, UPDATE or DELETE; anything else (CONNECT)
// is OpUnknown with an error.
func ParseOperation(s string) (Operation, error) {
	switch s {
	case "CREATE":
		return OpCreate, nil
	case "UPDATE":
		return OpUpdate, nil
	case "DELETE":
		return OpDelete, nil
	}
	return OpUnknown, fmt.Errorf("unknown operation %q", s)
}

// Request is one change to judge. Object is the object as it would be
// stored (JSON, defaults applied, as an API server serves it; nil for a
// delete), OldObject the object it replaces or deletes (nil for a create).
type Request struct {
	Operation       Operation
	Group           string // the API group ("" for core; may be left empty when Kind is unambiguous)
	Kind            string // "NetworkPolicy", "Namespace", "Deployment", "AdminNetworkPolicy", "Server"…
	Namespace, Name string
	Object          []byte
	OldObject       []byte
	DryRun          bool
}

// ref is "NetworkPolicy shop/deny-all".
func (r Request) ref() string { return r.Kind + " " + r.name() }

// name is "shop/deny-all", or the name alone for a cluster-scoped object.
func (r Request) name() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// decode reads one object as served into a cluster of its own.
func decode(r Request, data []byte) (*model.Cluster, error) {
	b := manifest.NewBuilder(manifest.WithDefaultNamespace(r.Namespace))
	b.DecodeServed("admission "+r.ref(), data)
	c, _, err := b.Finish()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", r.ref(), err)
	}
	return c, nil
}

// apply returns a copy of c with r applied, or nil when r cannot change
// what the guard judges (nothing to evaluate). c is not modified: only the
// slices an edit touches are copied.
func apply(c *model.Cluster, r Request) (*model.Cluster, error) {
	switch {
	case r.Kind == "NetworkPolicy":
		return applyPolicy(c, r)
	case r.Kind == "Namespace":
		return applyNamespace(c, r)
	case policyKind(r):
		return applyPolicyKind(c, r)
	case model.ParseKind(r.Kind) != model.KindUnknown && model.ParseKind(r.Kind) != model.KindExternal:
		return applyWorkload(c, r)
	}
	return nil, nil
}

func applyPolicy(c *model.Cluster, r Request) (*model.Cluster, error) {
	out := *c
	i := slices.IndexFunc(c.Policies, func(p model.Policy) bool {
		return p.NetworkPolicy.Namespace == r.Namespace && p.NetworkPolicy.Name == r.Name
	})
	if r.Operation == OpDelete {
		if i < 0 {
			return nil, nil
		}
		out.Policies = slices.Delete(slices.Clone(c.Policies), i, i+1)
		return &out, nil
	}
	one, err := decode(r, r.Object)
	if err != nil {
		return nil, err
	}
	if len(one.Policies) != 1 {
		return nil, fmt.Errorf("reading %s: want one NetworkPolicy, got %d", r.ref(), len(one.Policies))
	}
	out.Policies = replaceOrInsert(c.Policies, i, one.Policies[0], func(p model.Policy) bool {
		return p.NetworkPolicy.Namespace > r.Namespace || p.NetworkPolicy.Namespace == r.Namespace && p.NetworkPolicy.Name > r.Name
	})
	return &out, nil
}

// replaceOrInsert returns a copy of xs with x at i (i ≥ 0), or inserted
// before the first element after(x) holds for (keeping the order).
func replaceOrInsert[T any](xs []T, i int, x T, after func(T) bool) []T {
	out := slices.Clone(xs)
	if i >= 0 {
		out[i] = x
		return out
	}
	j := slices.IndexFunc(out, after)
	if j < 0 {
		j = len(out)
	}
	return slices.Insert(out, j, x)
}

func applyNamespace(c *model.Cluster, r Request) (*model.Cluster, error) {
	out := *c
	i := slices.IndexFunc(c.Namespaces, func(n model.Namespace) bool { return n.Name == r.Name })
	if r.Operation == OpDelete {
		if i < 0 {
			return nil, nil
		}
		// Deleting a namespace deletes everything in it.
		out.Namespaces = slices.Delete(slices.Clone(c.Namespaces), i, i+1)
		out.Workloads = slices.DeleteFunc(slices.Clone(c.Workloads), func(w model.Workload) bool { return w.Namespace == r.Name })
		out.Services = slices.DeleteFunc(slices.Clone(c.Services), func(s model.Service) bool { return s.Namespace == r.Name })
		out.Policies = slices.DeleteFunc(slices.Clone(c.Policies), func(p model.Policy) bool { return p.NetworkPolicy.Namespace == r.Name })
		return &out, nil
	}
	one, err := decode(r, r.Object)
	if err != nil {
		return nil, err
	}
	k := slices.IndexFunc(one.Namespaces, func(n model.Namespace) bool { return n.Name == r.Name })
	if k < 0 {
		return nil, fmt.Errorf("reading %s: no Namespace in the object", r.ref())
	}
	out.Namespaces = replaceOrInsert(c.Namespaces, i, one.Namespaces[k], func(n model.Namespace) bool { return n.Name > r.Name })
	return &out, nil
}

// ownedBy is the part of an object's metadata that says who controls it.
type ownedBy struct {
	Metadata struct {
		OwnerReferences []struct {
			Controller *bool `json:"controller"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
}

// controlled reports whether the object has a controller (a ReplicaSet of
// a Deployment, a pod of a ReplicaSet): its owner's template decides.
func controlled(data []byte) bool {
	var o ownedBy
	if json.Unmarshal(data, &o) != nil {
		return false
	}
	return slices.ContainsFunc(o.Metadata.OwnerReferences, func(r struct {
		Controller *bool `json:"controller"`
	}) bool {
		return r.Controller != nil && *r.Controller
	})
}

// applyWorkload applies a pod-owning workload's create, update or delete.
// An updated template is what its pods will run once rolled out: the known
// pods keep their names and addresses and take the new template.
func applyWorkload(c *model.Cluster, r Request) (*model.Cluster, error) {
	kind := model.ParseKind(r.Kind)
	data := r.Object
	if r.Operation == OpDelete {
		data = r.OldObject
	}
	if controlled(data) {
		return nil, nil
	}
	out := *c
	i := slices.IndexFunc(c.Workloads, func(w model.Workload) bool {
		return w.Kind == kind && w.Namespace == r.Namespace && w.Name == r.Name
	})
	if r.Operation == OpDelete {
		if i < 0 {
			return nil, nil
		}
		out.Workloads = slices.Delete(slices.Clone(c.Workloads), i, i+1)
		return &out, nil
	}
	one, err := decode(r, r.Object)
	if err != nil {
		return nil, err
	}
	if len(one.Workloads) != 1 {
		return nil, fmt.Errorf("reading %s: want one workload, got %d", r.ref(), len(one.Workloads))
	}
	w := one.Workloads[0]
	if i >= 0 && sameTemplate(&c.Workloads[i].Template, &w.Template) {
		return nil, nil // an image bump: nothing reachability reads changed
	}
	if i >= 0 {
		w.Pods = rolledOut(c.Workloads[i].Pods, w.Template)
	}
	out.Workloads = replaceOrInsert(c.Workloads, i, w, func(x model.Workload) bool {
		return x.Namespace > r.Namespace || x.Namespace == r.Namespace && x.Name > r.Name
	})
	return &out, nil
}

// rolledOut returns pods running template t.
func rolledOut(pods []model.Pod, t model.PodSpec) []model.Pod {
	out := slices.Clone(pods)
	for i := range out {
		out[i].Spec = t
	}
	return out
}

// sameTemplate reports whether two templates agree in everything the
// model reads but container images.
func sameTemplate(a, b *model.PodSpec) bool {
	strip := func(cs []model.Container) []model.Container {
		out := slices.Clone(cs)
		for i := range out {
			out[i].Image = ""
		}
		return out
	}
	return a.HostNetwork == b.HostNetwork && maps.Equal(a.Labels, b.Labels) && maps.Equal(a.Annotations, b.Annotations) &&
		reflect.DeepEqual(strip(a.Containers), strip(b.Containers))
}
