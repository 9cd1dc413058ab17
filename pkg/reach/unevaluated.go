package reach

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// CouldChange is a policy podreach does not evaluate (model.Cluster's
// Unevaluated) that selects an endpoint of an answer: the answer holds
// for the NetworkPolicies, but this object could change it.
type CouldChange struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Namespace  string `json:"namespace,omitempty"` // empty for cluster-scoped kinds
	Name       string `json:"name"`
	Selects    string `json:"selects"`  // what it selects, in words
	Endpoint   string `json:"endpoint"` // the endpoint of the answer it selects
	// Why is why podreach cannot know what it does; empty: it is not
	// evaluated (see Reason).
	Why string `json:"why,omitempty"`
}

// Reason is Why, or "is not evaluated".
func (c CouldChange) Reason() string {
	if c.Why != "" {
		return c.Why
	}
	return "is not evaluated"
}

// String is "AdminNetworkPolicy deny-emoji (selects …)".
func (c CouldChange) String() string {
	id := c.Name
	if c.Namespace != "" {
		id = c.Namespace + "/" + c.Name
	}
	return fmt.Sprintf("%s %s (%s; selects %s)", c.Kind, id, c.APIVersion, c.Selects)
}

// unevaluated is what podreach understands of one unevaluated policy: a
// predicate over endpoints, and whether it governs only the destination
// of a connection (Linkerd's inbound authorization).
type unevaluated struct {
	obj     *model.Object
	selects string
	match   func(ep *policy.Endpoint, nsLabels labels.Set) bool
	dstOnly bool
	// egress: a Linkerd EgressNetwork, which governs what meshed clients
	// send out of the cluster: only the source side, towards external peers.
	egress bool
	// undecidedOnly: a cluster policy the engine evaluates, which could
	// change only the ports it leaves undecided (undecided.go).
	undecidedOnly bool
}

// why is CouldChange.Why of u.
func (u *unevaluated) why() string {
	if u.undecidedOnly {
		return whyDomainNames
	}
	return ""
}

// compileUnevaluated reads what each unevaluated policy of c selects.
// Whatever it cannot read, it takes as selecting every pod in the
// policy's scope: "could change" must over-approximate, never miss.
// Calico staged policies are not enforced and are left out.
func compileUnevaluated(c *model.Cluster) []unevaluated {
	var out []unevaluated
	for i := range c.Unevaluated {
		o := &c.Unevaluated[i]
		if strings.HasPrefix(o.Kind, "Staged") {
			continue // "Staged policies are not enforced" (Calico docs: staged network policies)
		}
		out = append(out, compileOne(o))
	}
	return out
}

func compileOne(o *model.Object) unevaluated {
	group, _, _ := strings.Cut(o.APIVersion, "/")
	spec := []byte(o.Data["spec"])
	u := unevaluated{obj: o}
	switch {
	case o.Kind == "AdminNetworkPolicy" || o.Kind == "BaselineAdminNetworkPolicy" || o.Kind == "ClusterNetworkPolicy":
		// Only versions podreach does not read (v1beta1, …) are here: the
		// engine evaluates v1alpha1 and v1alpha2 (pkg/policy/tier).
		u.match, u.selects = subjectMatcher(spec)
	case strings.HasPrefix(o.Kind, "Cilium"):
		u.match, u.selects = ciliumMatcher(spec, o.Namespace)
	case group == "policy.linkerd.io" && o.Kind == "EgressNetwork":
		u.egress = true
		u.match, u.selects = egressNetworkClients(spec, o.Namespace)
	case group == "policy.linkerd.io" && o.Kind == "Server":
		u.dstOnly = true
		u.match, u.selects = podSelectorIn(spec, "podSelector", o.Namespace)
	default: // Calico (selector expressions), Linkerd and Istio authorizations
		u.dstOnly = group == "policy.linkerd.io"
		u.match, u.selects = everyPodIn(o.Namespace, "its selectors are not evaluated")
	}
	return u
}

// everyPodIn matches every pod of namespace ns ("" for every namespace).
func everyPodIn(ns, why string) (func(*policy.Endpoint, labels.Set) bool, string) {
	if ns == "" {
		return func(ep *policy.Endpoint, _ labels.Set) bool { return !ep.IsExternal() }, "every pod (" + why + ")"
	}
	return func(ep *policy.Endpoint, _ labels.Set) bool { return ep.Namespace == ns },
		"every pod in namespace " + ns + " (" + why + ")"
}

// subjectMatcher reads the subject of an AdminNetworkPolicy,
// BaselineAdminNetworkPolicy or ClusterNetworkPolicy: "namespaces" (a
// namespace selector: every pod in them) or "pods" (namespaceSelector and
// podSelector). https://network-policy-api.sigs.k8s.io/reference/spec/
func subjectMatcher(spec []byte) (func(*policy.Endpoint, labels.Set) bool, string) {
	var s struct {
		Subject struct {
			Namespaces *metav1.LabelSelector `json:"namespaces"`
			Pods       *struct {
				NamespaceSelector metav1.LabelSelector `json:"namespaceSelector"`
				PodSelector       metav1.LabelSelector `json:"podSelector"`
			} `json:"pods"`
		} `json:"subject"`
	}
	if json.Unmarshal(spec, &s) != nil {
		return everyPodIn("", "its subject could not be read")
	}
	switch {
	case s.Subject.Namespaces != nil:
		nsSel, err := metav1.LabelSelectorAsSelector(s.Subject.Namespaces)
		if err != nil {
			break
		}
		return func(ep *policy.Endpoint, ns labels.Set) bool { return !ep.IsExternal() && nsSel.Matches(ns) },
			fmt.Sprintf("pods in namespaces %s", selectorText(nsSel))
	case s.Subject.Pods != nil:
		nsSel, err1 := metav1.LabelSelectorAsSelector(&s.Subject.Pods.NamespaceSelector)
		podSel, err2 := metav1.LabelSelectorAsSelector(&s.Subject.Pods.PodSelector)
		if err1 != nil || err2 != nil {
			break
		}
		return func(ep *policy.Endpoint, ns labels.Set) bool {
			return !ep.IsExternal() && nsSel.Matches(ns) && podSel.Matches(labels.Set(ep.Labels))
		}, fmt.Sprintf("pods %s in namespaces %s", selectorText(podSel), selectorText(nsSel))
	}
	return everyPodIn("", "its subject could not be read")
}

// podSelectorIn reads a label selector at field of spec, over the pods of
// namespace ns.
func podSelectorIn(spec []byte, field, ns string) (func(*policy.Endpoint, labels.Set) bool, string) {
	var m map[string]json.RawMessage
	var ls metav1.LabelSelector
	if json.Unmarshal(spec, &m) != nil || m[field] == nil || json.Unmarshal(m[field], &ls) != nil {
		return everyPodIn(ns, field+" could not be read")
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return everyPodIn(ns, field+" could not be read")
	}
	return func(ep *policy.Endpoint, _ labels.Set) bool {
		return ep.Namespace == ns && sel.Matches(labels.Set(ep.Labels))
	}, fmt.Sprintf("pods %s in namespace %s", selectorText(sel), ns)
}

// ciliumMatcher reads a Cilium policy's endpointSelector. Cilium prefixes
// label keys with their source ("k8s:app", "any:app"); podreach strips
// those two and reads the pod's namespace from
// k8s:io.kubernetes.pod.namespace. Any other key (reserved:…,
// io.cilium…) or a nodeSelector policy is taken as selecting every pod in
// scope. https://docs.cilium.io/en/stable/security/policy/language/
func ciliumMatcher(spec []byte, ns string) (func(*policy.Endpoint, labels.Set) bool, string) {
	var s struct {
		EndpointSelector *metav1.LabelSelector `json:"endpointSelector"`
	}
	if json.Unmarshal(spec, &s) != nil || s.EndpointSelector == nil {
		return everyPodIn(ns, "no endpointSelector read")
	}
	ls := metav1.LabelSelector{MatchLabels: map[string]string{}}
	for k, v := range s.EndpointSelector.MatchLabels {
		key, ok := ciliumKey(k)
		if !ok {
			return everyPodIn(ns, "label "+k+" is not evaluated")
		}
		ls.MatchLabels[key] = v
	}
	for _, e := range s.EndpointSelector.MatchExpressions {
		key, ok := ciliumKey(e.Key)
		if !ok {
			return everyPodIn(ns, "label "+e.Key+" is not evaluated")
		}
		e.Key = key
		ls.MatchExpressions = append(ls.MatchExpressions, e)
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return everyPodIn(ns, "endpointSelector could not be read")
	}
	where := "in namespace " + ns
	if ns == "" {
		where = "in every namespace"
	}
	return func(ep *policy.Endpoint, _ labels.Set) bool {
		if ep.IsExternal() || ns != "" && ep.Namespace != ns {
			return false
		}
		l := labels.Set{ciliumNamespaceKey: ep.Namespace}
		for k, v := range ep.Labels {
			l[k] = v
		}
		return sel.Matches(l)
	}, fmt.Sprintf("pods %s %s", selectorText(sel), where)
}

const ciliumNamespaceKey = "io.kubernetes.pod.namespace"

// ciliumKey strips the k8s: or any: source prefix; keys of other sources
// and Cilium's own (except the pod namespace) are not understood.
func ciliumKey(k string) (string, bool) {
	k = strings.TrimPrefix(strings.TrimPrefix(k, "k8s:"), "any:")
	if k == ciliumNamespaceKey {
		return k, true
	}
	if strings.Contains(k, ":") || strings.HasPrefix(k, "io.cilium") || strings.HasPrefix(k, "io.kubernetes.pod.") {
		return "", false
	}
	return k, true
}

func selectorText(s labels.Selector) string {
	if s.Empty() {
		return "(all)"
	}
	return s.String()
}

// selections are, per endpoint, the unevaluated policies that select it.
type selections struct {
	policies []unevaluated
	by       [][]int32 // per endpoint index
}

// selectUnevaluated finds, for every endpoint of a, the unevaluated
// policies that select it (nothing to do on the usual input, which has none).
func (a *Analysis) selectUnevaluated() {
	ps := append(compileUnevaluated(a.cluster), domainNamePolicies(a.cluster)...)
	if len(ps) == 0 {
		return
	}
	nsLabels := make(map[string]labels.Set, len(a.cluster.Namespaces))
	for _, ns := range a.cluster.Namespaces {
		if _, dup := nsLabels[ns.Name]; !dup {
			nsLabels[ns.Name] = ns.Labels
		}
	}
	eps := a.engine.Endpoints()
	a.uneval = &selections{policies: ps, by: make([][]int32, len(eps))}
	for e := range eps {
		ep := &eps[e]
		nl, ok := nsLabels[ep.Namespace]
		if !ok {
			nl = labels.Set{model.NamespaceNameLabel: ep.Namespace}
		}
		for i := range ps {
			if ps[i].match(ep, nl) {
				a.uneval.by[e] = append(a.uneval.by[e], int32(i))
			}
		}
	}
}

// HasUnevaluated reports whether any unevaluated policy selects an
// endpoint (when it does not, CouldChange is always empty).
func (a *Analysis) HasUnevaluated() bool { return a.uneval != nil }

// CouldChange lists the unevaluated policies that could change the answer
// about a connection from endpoint s to endpoint d: those selecting d, and
// those selecting s that can govern a source's egress (not Linkerd's,
// which authorize inbound connections only).
func (a *Analysis) CouldChange(s, d int) []CouldChange {
	if a.uneval == nil {
		return nil
	}
	var out []CouldChange
	eps := a.engine.Endpoints()
	undecided := -1 // whether the engine leaves some port of the pair undecided; -1: not asked yet
	add := func(e int, srcSide bool) {
		for _, i := range a.uneval.by[e] {
			u := &a.uneval.policies[i]
			if srcSide && u.dstOnly || u.egress && (!srcSide || !eps[d].IsExternal()) {
				continue
			}
			if u.undecidedOnly {
				if undecided < 0 {
					undecided = boolInt(!a.engine.Undecided(s, d).IsEmpty())
				}
				if undecided == 0 {
					continue
				}
			}
			out = append(out, CouldChange{Kind: u.obj.Kind, APIVersion: u.obj.APIVersion, Namespace: u.obj.Namespace,
				Name: u.obj.Name, Selects: u.selects, Endpoint: eps[e].ID, Why: u.why()})
		}
	}
	add(s, true)
	if d != s {
		add(d, false)
	}
	return out
}

// DeltaCouldChange lists what could change a Delta that podreach cannot
// see: the unevaluated policies that select an endpoint of a listed
// change in either state, and those added, removed or edited between the
// states (Endpoint is then empty: they could change any pair they select,
// listed or not). Empty when neither state has unevaluated policies.
func DeltaCouldChange(before, after *Analysis, d *Delta) []CouldChange {
	var out []CouldChange
	for _, c := range d.Changes {
		for _, a := range []*Analysis{before, after} {
			s, ok1 := a.EndpointIndex(c.From)
			t, ok2 := a.EndpointIndex(c.To)
			if ok1 && ok2 {
				out = appendNewByObject(out, a.CouldChange(s, t))
			}
		}
	}
	for _, o := range changedUnevaluated(before.cluster, after.cluster) {
		out = appendNewByObject(out, []CouldChange{{Kind: o.Kind, APIVersion: o.APIVersion, Namespace: o.Namespace,
			Name: o.Name, Selects: compileOne(o).selects}})
	}
	return out
}

// changedUnevaluated lists the unevaluated policies only in one state, or
// whose spec differs.
func changedUnevaluated(b, a *model.Cluster) []*model.Object {
	key := func(o *model.Object) string { return o.APIVersion + " " + o.Kind + " " + o.Namespace + "/" + o.Name }
	spec := map[string]string{}
	for i := range b.Unevaluated {
		spec[key(&b.Unevaluated[i])] = b.Unevaluated[i].Data["spec"]
	}
	var out []*model.Object
	for i := range a.Unevaluated {
		o := &a.Unevaluated[i]
		s, ok := spec[key(o)]
		if !ok || s != o.Data["spec"] {
			out = append(out, o)
		}
		delete(spec, key(o))
	}
	for i := range b.Unevaluated {
		if _, gone := spec[key(&b.Unevaluated[i])]; gone {
			out = append(out, &b.Unevaluated[i])
		}
	}
	return out
}

// appendNewByObject appends the policies of add not already in to (one
// entry per object: the first endpoint it selects is kept as the example).
func appendNewByObject(to, add []CouldChange) []CouldChange {
	for _, c := range add {
		if !slices.ContainsFunc(to, func(o CouldChange) bool {
			return o.Kind == c.Kind && o.Namespace == c.Namespace && o.Name == c.Name && o.APIVersion == c.APIVersion
		}) {
			to = append(to, c)
		}
	}
	return to
}

// Selection is an unevaluated policy and every endpoint of the analysis it
// selects: any answer from or to those endpoints could be changed by it.
type Selection struct {
	Kind       string   `json:"kind"`
	APIVersion string   `json:"apiVersion"`
	Namespace  string   `json:"namespace,omitempty"`
	Name       string   `json:"name"`
	Selects    string   `json:"selects"`
	Endpoints  []string `json:"endpoints"`
	Why        string   `json:"why,omitempty"` // as CouldChange's
}

// Reason is Why, or "is not evaluated".
func (s Selection) Reason() string { return CouldChange{Why: s.Why}.Reason() }

// String is "AdminNetworkPolicy deny-emoji (…; selects …)", as CouldChange's.
func (s Selection) String() string {
	return CouldChange{Kind: s.Kind, APIVersion: s.APIVersion, Namespace: s.Namespace, Name: s.Name, Selects: s.Selects}.String()
}

// Unevaluated lists the unevaluated policies that select an endpoint of
// a, each with the endpoints it selects (in endpoint order); nil when
// none does. A matrix lists what the NetworkPolicies decide; these are
// what could change its rows. Of a focused analysis, only the shown nodes
// count: the policies that could change a shown pair.
func (a *Analysis) Unevaluated() []Selection {
	if a.uneval == nil {
		return nil
	}
	eps := a.engine.Endpoints()
	var shown map[int]bool
	if a.view != nil {
		shown = a.shownEndpoints()
	}
	per := make([][]string, len(a.uneval.policies))
	for e, ps := range a.uneval.by {
		if shown != nil && !shown[e] {
			continue
		}
		for _, i := range ps {
			per[i] = append(per[i], eps[e].ID)
		}
	}
	var out []Selection
	for i, ids := range per {
		if len(ids) == 0 {
			continue
		}
		u := &a.uneval.policies[i]
		out = append(out, Selection{Kind: u.obj.Kind, APIVersion: u.obj.APIVersion, Namespace: u.obj.Namespace,
			Name: u.obj.Name, Selects: u.selects, Endpoints: ids, Why: u.why()})
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
