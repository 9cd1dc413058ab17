package fix

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/reach"
)

// LinkerdPolicy is one proposed object of Linkerd's authorization layer
// (policy.linkerd.io: Server, AuthorizationPolicy, MeshTLSAuthentication,
// NetworkAuthentication) and the checks it restores. Object is what the
// proposal adds to the model; Manifest is its YAML form.
type LinkerdPolicy struct {
	Object   model.MeshPolicy
	Restores []string
}

// Linkerd releases the proposals depend on (linkerd.md §6.1):
// AuthorizationPolicy and the authentications came with 2.12, the Server's
// accessPolicy (policy.linkerd.io/v1beta3) with 2.16.
const (
	minorAuthorizationPolicy = 12
	minorAccessPolicy        = 16
)

// authzBuilder collects, per Server (existing, or one to create), the
// clients a Linkerd authorization result needs admitted: meshed clients by
// service account, unmeshed ones by address.
type authzBuilder struct {
	a       *reach.Analysis
	in      *linkerd.Install // nil: the mesh is not Linkerd
	servers map[string]*serverAcc
	// intended are the connections the proposal means to open
	// ("from|to|port"): verification fails on any other change.
	intended map[string]bool
	// opened are the addresses admitted per "to|port": an external range
	// that holds one of them may become "cannot know" there.
	opened map[string][]netip.Prefix
	// closable are the ports ("to|port") a bypass proposal closes to the
	// clients NetworkPolicy denies on them.
	closable map[string]bool
	// touched are the ports of each namespace the proposal's Servers
	// govern: verify compares every answer on them.
	touched map[string][]int32
	unfixed []string
	skip    map[string]bool // result IDs left unfixed
}

type serverAcc struct {
	ns, name string
	created  *model.MeshServer // a Server to create; nil when it exists
	accounts map[model.MeshRef]bool
	nets     map[netip.Prefix]bool
	restores []string
}

func newAuthzBuilder(a *reach.Analysis, p mesh.Profile) *authzBuilder {
	in, _ := p.(*linkerd.Install)
	return &authzBuilder{a: a, in: in, servers: map[string]*serverAcc{}, intended: map[string]bool{}, opened: map[string][]netip.Prefix{}, closable: map[string]bool{}, touched: map[string][]int32{}, skip: map[string]bool{}}
}

// add records the clients that admit every refused connection of res (a
// Linkerd authorization result); what it cannot fix it lists, with why.
func (b *authzBuilder) add(res check.Result) {
	left := map[string][]check.Refusal{} // why → refusals
	for _, rf := range res.Refused {
		if why := b.addRefusal(res, rf); why != "" {
			left[why] = append(left[why], rf)
		}
	}
	for _, why := range slices.Sorted(maps.Keys(left)) {
		rs := left[why]
		b.skip[res.ID] = true
		b.unfixed = append(b.unfixed, fmt.Sprintf("%s %s: %d connections (e.g. %s → %s:%d%s): %s",
			res.Status.Symbol(), res.Description, len(rs), rs[0].From, rs[0].To, rs[0].Port, rs[0].Path, why))
	}
}

// addRefusal records what admits one refused connection; it returns why
// it cannot ("" when it can).
func (b *authzBuilder) addRefusal(res check.Result, rf check.Refusal) string {
	switch {
	case b.in == nil:
		return "the mesh is not Linkerd"
	case !b.in.Release.IsZero() && !b.in.Release.AtLeast(minorAuthorizationPolicy):
		return "AuthorizationPolicy needs Linkerd 2.12 or later; write a ServerAuthorization"
	case rf.Unknown:
		return "podreach cannot know whether Linkerd admits it (" + rf.Code + "), so it writes nothing for it"
	case rf.Path != "":
		return "a probe on a Server with routes: add an HTTPRoute for the probe path and an AuthorizationPolicy on it with a NetworkAuthentication of the nodes' addresses (podreach does not know them)"
	}
	ref, why := b.client(rf.From)
	if why != "" {
		return why
	}
	srv, why := b.server(rf)
	if why != "" {
		return why
	}
	if ref.IsValid() {
		srv.nets[ref.prefix] = true
		key := rf.To + "|" + strconv.Itoa(int(rf.Port))
		b.opened[key] = append(b.opened[key], ref.prefix)
	} else {
		srv.accounts[ref.account] = true
	}
	if !slices.Contains(srv.restores, res.Description) {
		srv.restores = append(srv.restores, res.Description)
	}
	b.touch(rf.To, rf.Port)
	b.intended[rf.From+"|"+rf.To+"|"+strconv.Itoa(int(rf.Port))] = true
	return ""
}

// clientRef is how an AuthorizationPolicy names a client: a meshed pod by
// its service account, anything else by its address.
type clientRef struct {
	account model.MeshRef
	prefix  netip.Prefix
}

// IsValid reports whether the client is named by address.
func (c clientRef) IsValid() bool { return c.prefix.IsValid() }

// client names endpoint id: a meshed pod by its service account ("The
// identity of a meshed client is its ServiceAccount",
// https://linkerd.io/2/reference/authorization-policy/#meshtlsauthentication),
// an unmeshed pod by its one known IP, an external by its range.
func (b *authzBuilder) client(id string) (clientRef, string) {
	i, ok := b.a.EndpointIndex(id)
	if !ok {
		return clientRef{}, "no endpoint " + id
	}
	ep := &b.a.Engine().Endpoints()[i]
	if ep.IsExternal() {
		return clientRef{prefix: ep.Prefix}, ""
	}
	w := b.workload(id)
	if w != nil && linkerd.HasProxy(&w.Template) {
		sa := w.Template.ServiceAccount
		if sa == "" {
			sa = "default"
		}
		return clientRef{account: model.MeshRef{Kind: "ServiceAccount", Name: sa, Namespace: w.Namespace}}, ""
	}
	if len(ep.IPs) != 1 {
		return clientRef{}, "the client " + id + " is not meshed and the input gives no single pod IP for it: a NetworkAuthentication needs its address (mesh it, or give its pods' IPs)"
	}
	return clientRef{prefix: netip.PrefixFrom(ep.IPs[0], ep.IPs[0].BitLen())}, ""
}

func (b *authzBuilder) workload(id string) *model.Workload {
	c := b.a.Cluster()
	for i := range c.Workloads {
		if c.Workloads[i].ID() == id {
			return &c.Workloads[i]
		}
	}
	return nil
}

// server is the Server to authorize the connection on: the one that
// governs the port, else a new one selecting the destination workload's
// pods on that port. An AuthorizationPolicy on the namespace would not
// do: it applies to the namespace's Servers only, and a port no Server
// selects keeps its default policy (docs/linkerd-authz.md, rule 5). A new
// Server refuses what no authorization admits; where the default it
// replaces admits some clients (all-authenticated, …) it keeps admitting
// them through accessPolicy, which needs Linkerd 2.16.
func (b *authzBuilder) server(rf check.Refusal) (*serverAcc, string) {
	if rf.Server != "" {
		ns, name, _ := strings.Cut(rf.Server, "/")
		return b.acc(ns, name, nil), ""
	}
	w := b.workload(rf.To)
	if w == nil {
		return nil, "the destination " + rf.To + " is not a workload"
	}
	if len(w.Template.Labels) == 0 {
		return nil, "the destination " + rf.To + " has no pod labels a Server could select"
	}
	srv := &model.MeshServer{PodSelector: &metav1.LabelSelector{MatchLabels: maps.Clone(w.Template.Labels)}, Port: intstr.FromInt32(rf.Port)}
	if rf.Default != "deny" {
		if !b.in.Release.IsZero() && !b.in.Release.AtLeast(minorAccessPolicy) {
			return nil, "a Server on the port would refuse the clients the default " + rf.Default + " admits; keeping them needs accessPolicy (Linkerd 2.16+)"
		}
		srv.AccessPolicy = rf.Default
	}
	return b.acc(w.Namespace, truncate("podreach-"+w.Name+"-"+strconv.Itoa(int(rf.Port))), srv), ""
}

func (b *authzBuilder) acc(ns, name string, created *model.MeshServer) *serverAcc {
	key := ns + "/" + name
	if s, ok := b.servers[key]; ok {
		return s
	}
	s := &serverAcc{ns: ns, name: name, created: created, accounts: map[model.MeshRef]bool{}, nets: map[netip.Prefix]bool{}}
	b.servers[key] = s
	return s
}

// policies writes, per Server (sorted), the Server when it is new, then an
// AuthorizationPolicy for its meshed clients (with a MeshTLSAuthentication
// of their service accounts) and one for the others (with a
// NetworkAuthentication of their addresses). An authentication with
// exactly those clients that already exists in the namespace, or that an
// earlier Server of the proposal needs, is referenced instead of written.
func (b *authzBuilder) policies() []LinkerdPolicy {
	var out []LinkerdPolicy
	authns := newAuthnSet(b.a.Cluster().MeshPolicies)
	for _, key := range slices.Sorted(maps.Keys(b.servers)) {
		s := b.servers[key]
		meta := func(kind, name string) model.MeshPolicy {
			return model.MeshPolicy{APIVersion: linkerdAPIVersion(kind, b.in.Release), Kind: kind, Namespace: s.ns, Name: truncate(name),
				Labels: map[string]string{"app.kubernetes.io/managed-by": "podreach"}}
		}
		base := s.name
		if s.created != nil {
			o := meta("Server", s.name)
			o.Server = s.created
			out = append(out, LinkerdPolicy{Object: o, Restores: s.restores})
		} else {
			base = "podreach-" + s.name
		}
		if len(s.accounts) > 0 {
			refs := slices.SortedFunc(maps.Keys(s.accounts), compareRefs)
			names := make([]string, len(refs))
			for i, r := range refs {
				names[i] = r.Name
			}
			o := meta("MeshTLSAuthentication", "podreach-"+strings.Join(names, "-"))
			o.MeshTLS = &model.MeshTLSAuthentication{IdentityRefs: refs}
			authn, isNew := authns.get(o)
			if isNew {
				out = append(out, LinkerdPolicy{Object: authn, Restores: s.restores})
			}
			out = append(out, b.authorization(meta("AuthorizationPolicy", base), s, authn))
		}
		if len(s.nets) > 0 {
			o := meta("NetworkAuthentication", base+"-net")
			for _, p := range slices.SortedFunc(maps.Keys(s.nets), comparePrefixes) {
				o.Networks = append(o.Networks, model.MeshNetwork{CIDR: p})
			}
			authn, isNew := authns.get(o)
			if isNew {
				out = append(out, LinkerdPolicy{Object: authn, Restores: s.restores})
			}
			out = append(out, b.authorization(meta("AuthorizationPolicy", base+"-net"), s, authn))
		}
	}
	return out
}

// authnSet finds authentications by namespace and content: the input's,
// then the proposal's own.
type authnSet struct {
	byContent map[string]model.MeshPolicy
	names     map[string]bool // "ns/name" taken
}

func newAuthnSet(objs []model.MeshPolicy) *authnSet {
	s := &authnSet{byContent: map[string]model.MeshPolicy{}, names: map[string]bool{}}
	for _, o := range objs {
		s.names[o.Kind+" "+o.ID()] = true
		if k, ok := authnKey(o); ok {
			if _, dup := s.byContent[k]; !dup {
				s.byContent[k] = o
			}
		}
	}
	return s
}

// get returns the authentication with o's namespace and content, and
// whether it is new (o, renamed when its name is taken).
func (s *authnSet) get(o model.MeshPolicy) (model.MeshPolicy, bool) {
	k, _ := authnKey(o)
	if have, ok := s.byContent[k]; ok {
		return have, false
	}
	name := o.Name
	for i := 2; s.names[o.Kind+" "+o.Namespace+"/"+name]; i++ {
		name = truncate(o.Name+"-"+strconv.Itoa(i)) + ""
	}
	o.Name = name
	s.names[o.Kind+" "+o.ID()] = true
	s.byContent[k] = o
	return o, true
}

// authnKey is an authentication's namespace, kind and clients in a
// canonical form: MeshTLSAuthentications naming service accounts only,
// NetworkAuthentications without exceptions (false for others).
func authnKey(o model.MeshPolicy) (string, bool) {
	var parts []string
	switch {
	case o.MeshTLS != nil && len(o.MeshTLS.Identities) == 0:
		for _, r := range o.MeshTLS.IdentityRefs {
			if r.Kind != "ServiceAccount" || r.Name == "" {
				return "", false
			}
			parts = append(parts, cmpOr(r.Namespace, o.Namespace)+"/"+r.Name)
		}
	case o.Kind == "NetworkAuthentication":
		for _, n := range o.Networks {
			if len(n.Except) > 0 {
				return "", false
			}
			parts = append(parts, n.CIDR.Masked().String())
		}
	default:
		return "", false
	}
	slices.Sort(parts)
	return o.Namespace + "|" + o.Kind + "|" + strings.Join(slices.Compact(parts), ","), true
}

func (b *authzBuilder) authorization(o model.MeshPolicy, s *serverAcc, authn model.MeshPolicy) LinkerdPolicy {
	o.AuthorizationPolicy = &model.MeshAuthorizationPolicy{
		Target:   model.MeshRef{Group: "policy.linkerd.io", Kind: "Server", Name: s.name},
		Required: []model.MeshRef{{Group: "policy.linkerd.io", Kind: authn.Kind, Name: authn.Name}},
	}
	return LinkerdPolicy{Object: o, Restores: s.restores}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func compareRefs(x, y model.MeshRef) int {
	return strings.Compare(x.Namespace+"/"+x.Kind+"/"+x.Name, y.Namespace+"/"+y.Kind+"/"+y.Name)
}

func comparePrefixes(x, y netip.Prefix) int {
	if c := x.Addr().Compare(y.Addr()); c != 0 {
		return c
	}
	return x.Bits() - y.Bits()
}

// linkerdAPIVersion is the version a proposal writes kind in: the newest
// the release serves that has the fields podreach writes (a Server's
// accessPolicy is v1beta3, 2.16+; v1beta1 is served from 2.11 on).
func linkerdAPIVersion(kind string, rel linkerd.Version) string {
	if kind != "Server" {
		return "policy.linkerd.io/v1alpha1"
	}
	if rel.IsZero() || rel.AtLeast(minorAccessPolicy) {
		return "policy.linkerd.io/v1beta3"
	}
	return "policy.linkerd.io/v1beta1"
}

// withMeshPolicies returns a shallow copy of c with the proposal's Linkerd
// objects added after the input's (so the input's Servers stay the oldest).
func withMeshPolicies(c *model.Cluster, ps []LinkerdPolicy) *model.Cluster {
	if len(ps) == 0 {
		return c
	}
	out := *c
	out.MeshPolicies = slices.Clone(c.MeshPolicies)
	next := 0
	for _, o := range c.MeshPolicies {
		next = max(next, o.Order+1)
	}
	for i, p := range ps {
		o := p.Object
		o.Order = next + i
		out.MeshPolicies = append(out.MeshPolicies, o)
	}
	return &out
}

// verify compares the Linkerd answers before (b.a) and after (aa) the
// proposal on every port the proposal touches, for every meshed pod of
// the namespaces it touches and every client: a connection whose answer
// changes must be one the proposal means to open. So a new Server that
// selects more pods than the destination, or closes a port to a client
// the default admitted, fails the proposal.
func (b *authzBuilder) verify(aa *reach.Analysis) error {
	ports := b.touched
	if len(ports) == 0 {
		return nil
	}
	eps := b.a.Engine().Endpoints()
	classes := b.clientClasses()
	var changed []string
	for d := range eps {
		dst := &eps[d]
		if dst.IsExternal() || len(ports[dst.Namespace]) == 0 {
			continue
		}
		ad, ok := aa.EndpointIndex(dst.ID)
		if !ok {
			return fmt.Errorf("%w: %s is not in the re-analysed cluster", ErrIncomplete, dst.ID)
		}
		for _, members := range classes {
			rep := members[0]
			if rep == d {
				if len(members) == 1 {
					continue
				}
				rep = members[1]
			}
			as, ok := aa.EndpointIndex(eps[rep].ID)
			if !ok {
				return fmt.Errorf("%w: %s is not in the re-analysed cluster", ErrIncomplete, eps[rep].ID)
			}
			for _, port := range ports[dst.Namespace] {
				before, _ := b.a.LinkerdDecision(rep, d, int(port))
				after, _ := aa.LinkerdDecision(as, ad, int(port))
				if admits(before) == admits(after) {
					continue
				}
				for _, s := range members {
					if s == d || b.intended[eps[s].ID+"|"+dst.ID+"|"+strconv.Itoa(int(port))] ||
						admits(after) == "unknown" && b.holdsOpened(&eps[s], dst.ID, port) ||
						admits(after) == "no" && b.closable[dst.ID+"|"+strconv.Itoa(int(port))] && !b.a.Engine().Allowed(s, d).Contains(model.TCP, int(port)) {
						continue
					}
					changed = append(changed, fmt.Sprintf("%s → %s:%d: Linkerd %s before, %s after", eps[s].ID, dst.ID, port, before.Verdict, after.Verdict))
				}
			}
		}
	}
	if len(changed) > 0 {
		n := len(changed)
		return fmt.Errorf("%w: the Linkerd policies change %d other connections, e.g. %s", ErrIncomplete, n, strings.Join(changed[:min(n, 3)], "; "))
	}
	return nil
}

// touch records that the proposal governs port of destination to (and so
// of every pod its Server may select in to's namespace).
func (b *authzBuilder) touch(to string, port int32) {
	ns := namespaceOf(to)
	if !slices.Contains(b.touched[ns], port) {
		b.touched[ns] = append(b.touched[ns], port)
	}
}

// clientClasses groups the endpoints by what a destination's proxy knows
// of them (reach's Linkerd client: an external's range; a pod's namespace,
// whether it is meshed, its service account, its one known IP): every
// member of a class gets the same Linkerd answer from every destination,
// so verify decides once per class. Classes are in endpoint order.
func (b *authzBuilder) clientClasses() [][]int {
	byID := map[string]*model.Workload{}
	for i := range b.a.Cluster().Workloads {
		w := &b.a.Cluster().Workloads[i]
		byID[w.ID()] = w
	}
	index := map[string]int{}
	var out [][]int
	for i, ep := range b.a.Engine().Endpoints() {
		key := "x|" + ep.Prefix.String()
		if !ep.IsExternal() {
			key = "p|" + ep.Namespace
			if w := byID[ep.ID]; w != nil {
				key += "|" + strconv.FormatBool(linkerd.HasProxy(&w.Template)) + "|" + w.Template.ServiceAccount
			}
			if len(ep.IPs) == 1 {
				key += "|" + ep.IPs[0].String()
			} else {
				key += "|?" // somewhere in the cluster networks, as for Decide
			}
		}
		k, ok := index[key]
		if !ok {
			k = len(out)
			index[key] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// holdsOpened reports whether external client ep is a range holding an
// address the proposal admits to port of dst: the proxy answers part of
// the range yes, so its answer for the whole range cannot be known.
func (b *authzBuilder) holdsOpened(ep *policy.Endpoint, dst string, port int32) bool {
	if !ep.IsExternal() {
		return false
	}
	return slices.ContainsFunc(b.opened[dst+"|"+strconv.Itoa(int(port))], func(p netip.Prefix) bool {
		return ep.Prefix.Bits() <= p.Bits() && ep.Prefix.Contains(p.Addr())
	})
}

// admits is a Linkerd answer in three values: "yes" (allowed, audited, or
// not decided by Linkerd), "no", "unknown".
func admits(d linkerdauthz.Decision) string {
	switch d.Verdict {
	case linkerdauthz.Deny:
		return "no"
	case linkerdauthz.VerdictUnknown:
		return "unknown"
	}
	return "yes"
}

// Manifest is the object as the Linkerd CRD writes it (for YAML output;
// `kubectl apply` and podreach's loader read it back).
func (p LinkerdPolicy) Manifest() any {
	o := &p.Object
	m := manifest{APIVersion: o.APIVersion, Kind: o.Kind, Metadata: manifestMeta{Name: o.Name, Namespace: o.Namespace, Labels: o.Labels}}
	switch {
	case o.Server != nil:
		m.Spec = serverSpec{PodSelector: o.Server.PodSelector, Port: o.Server.Port, AccessPolicy: o.Server.AccessPolicy}
	case o.AuthorizationPolicy != nil:
		spec := authzSpec{TargetRef: refOf(o.AuthorizationPolicy.Target)}
		for _, r := range o.AuthorizationPolicy.Required {
			spec.Required = append(spec.Required, refOf(r))
		}
		m.Spec = spec
	case o.MeshTLS != nil:
		spec := meshTLSSpec{Identities: o.MeshTLS.Identities}
		for _, r := range o.MeshTLS.IdentityRefs {
			spec.IdentityRefs = append(spec.IdentityRefs, refOf(r))
		}
		m.Spec = spec
	default:
		spec := networkSpec{}
		for _, n := range o.Networks {
			spec.Networks = append(spec.Networks, networkOf{CIDR: n.CIDR.String()})
		}
		m.Spec = spec
	}
	return m
}

type (
	manifest struct {
		APIVersion string       `json:"apiVersion"`
		Kind       string       `json:"kind"`
		Metadata   manifestMeta `json:"metadata"`
		Spec       any          `json:"spec"`
	}
	manifestMeta struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels,omitempty"`
	}
	serverSpec struct {
		PodSelector  *metav1.LabelSelector `json:"podSelector"`
		Port         intstr.IntOrString    `json:"port"`
		AccessPolicy string                `json:"accessPolicy,omitempty"`
	}
	authzSpec struct {
		TargetRef manifestRef   `json:"targetRef"`
		Required  []manifestRef `json:"requiredAuthenticationRefs"`
	}
	meshTLSSpec struct {
		Identities   []string      `json:"identities,omitempty"`
		IdentityRefs []manifestRef `json:"identityRefs,omitempty"`
	}
	networkSpec struct {
		Networks []networkOf `json:"networks"`
	}
	networkOf struct {
		CIDR string `json:"cidr"`
	}
	manifestRef struct {
		Group     string `json:"group,omitempty"`
		Kind      string `json:"kind"`
		Name      string `json:"name,omitempty"`
		Namespace string `json:"namespace,omitempty"`
	}
)

func refOf(r model.MeshRef) manifestRef {
	return manifestRef{Group: r.Group, Kind: r.Kind, Name: r.Name, Namespace: r.Namespace}
}

// addBypass moves the port restriction of the NetworkPolicies that the
// proxy port lets meshed clients bypass (check's "-port-bypass" line, Linkerd
// 2.18+ and opaque ports) into Linkerd: for each destination workload and
// application port, a Server admitting exactly the clients NetworkPolicy
// admits on that port — meshed ones by service account, the others by
// address. It closes the port to the clients that bypassed the
// restriction, and only to clients NetworkPolicy denies on it.
func (b *authzBuilder) addBypass(res check.Result) {
	type target struct {
		to   string
		port int32
	}
	seen := map[target]bool{}
	left := map[string][]check.Pair{}
	for _, p := range res.Blocked {
		t := target{p.To, p.AppPort}
		if seen[t] {
			continue
		}
		seen[t] = true
		if why := b.moveToMesh(res, p); why != "" {
			left[why] = append(left[why], p)
		}
	}
	for _, why := range slices.Sorted(maps.Keys(left)) {
		ps := left[why]
		b.skip[res.ID] = true
		b.unfixed = append(b.unfixed, fmt.Sprintf("%s %s: %d ports (e.g. %s:%d): %s", res.Status.Symbol(), res.Description, len(ps), ps[0].To, ps[0].AppPort, why))
	}
}

// moveToMesh writes the Server of one bypassed port (p.To, p.AppPort) and
// records its clients; it returns why it cannot.
func (b *authzBuilder) moveToMesh(res check.Result, p check.Pair) string {
	switch {
	case b.in == nil:
		return "the mesh is not Linkerd"
	case !b.in.Release.IsZero() && !b.in.Release.AtLeast(minorAuthorizationPolicy):
		return "AuthorizationPolicy needs Linkerd 2.12 or later"
	}
	s, okS := b.a.EndpointIndex(p.From)
	d, okD := b.a.EndpointIndex(p.To)
	if !okS || !okD {
		return "no endpoint " + p.From + " or " + p.To
	}
	ld, _ := b.a.LinkerdDecision(s, d, int(p.AppPort))
	if ld.Server != "" {
		return "Server " + ld.Server + " governs the port and admits them: narrow its authorizations to the clients NetworkPolicy admits on the port"
	}
	// The clients NetworkPolicy admits on the application port.
	var refs []clientRef
	eps := b.a.Engine().Endpoints()
	for c := range eps {
		if c == d || !b.a.Engine().Allowed(c, d).Contains(model.TCP, int(p.AppPort)) {
			continue
		}
		ref, why := b.client(eps[c].ID)
		if why != "" {
			return why
		}
		refs = append(refs, ref)
	}
	srv, why := b.server(check.Refusal{To: p.To, Port: p.AppPort, Default: "deny"})
	if why != "" {
		return why
	}
	for _, ref := range refs {
		if ref.IsValid() {
			srv.nets[ref.prefix] = true
		} else {
			srv.accounts[ref.account] = true
		}
	}
	if !slices.Contains(srv.restores, res.Description) {
		srv.restores = append(srv.restores, res.Description)
	}
	b.closable[p.To+"|"+strconv.Itoa(int(p.AppPort))] = true
	b.touch(p.To, p.AppPort)
	return ""
}
