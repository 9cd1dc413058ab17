package synth

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/podreach/podreach/pkg/model"
)

// gen carries the state of one generation run.
type gen struct {
	cfg   Config
	r     *rand.Rand
	c     *model.Cluster
	nodes int
	ns    []*nsInfo // app namespaces and kube-system, in generation order
	sys   *nsInfo   // kube-system, nil when there is none
	idx   index     // built once the workloads exist
	// byName, apps and policyNames make lookups constant-time: at 150k
	// pods and 30k policies, scanning would be quadratic.
	byName      map[string]*nsInfo
	apps        []*nsInfo
	policyNames map[string]bool // "ns/name"
}

// index is what policy generation reads about all workloads, computed once
// (recomputing it per policy is quadratic at 10k pods).
type index struct {
	workloads []*model.Workload
	pool      labelPool       // pod labels over all workloads
	nsPool    labelPool       // namespace labels
	ports     portPool        // declared by some workload
	ips       [2][]netip.Addr // pod IPv4 and IPv6 addresses
}

// nsInfo is what policy generation needs to know about a namespace.
type nsInfo struct {
	idx       int
	name      string
	labels    map[string]string
	dualStack bool
	workloads []*model.Workload
	nextIP    int
	// labelPool and portPool cache pool() and ports(): policies are
	// generated after the last workload.
	labelPool labelPool
	portPool  *portPool
}

// pool returns the labels of the namespace's workloads (computed once).
func (n *nsInfo) pool() labelPool {
	if n.labelPool == nil {
		n.labelPool = poolOf(n.workloads)
	}
	return n.labelPool
}

// ports returns the ports the namespace's workloads declare (computed once).
func (n *nsInfo) ports() portPool {
	if n.portPool == nil {
		p := declared(n.workloads)
		n.portPool = &p
	}
	return *n.portPool
}

var (
	teams = []string{"payments", "search", "checkout", "identity", "catalog", "ml", "growth", "infra"}
	envs  = []string{"prod", "staging", "dev"}
)

// Generate builds the cluster cfg describes. The result is sorted by
// namespace then name and shares nothing with other calls.
func Generate(cfg Config) *model.Cluster {
	if cfg.Features == FeatureUnknown {
		cfg.Features = AllFeatures
	}
	if cfg.Namespaces < 1 && (cfg.Workloads > 0 || cfg.Policies > 0) {
		cfg.Namespaces = 1
	}
	g := &gen{
		cfg: cfg,
		r:   rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15)),
		c:   &model.Cluster{},

		byName:      map[string]*nsInfo{},
		policyNames: map[string]bool{},
	}
	g.nodes = 3 + cfg.Workloads/200
	if cfg.Nodes > 0 {
		g.nodes = cfg.Nodes
	}
	g.namespaces()
	g.workloads()
	g.buildIndex()
	g.externals()
	g.policies()
	if cfg.Linkerd {
		g.linkerd()
	}
	if cfg.ClusterPolicies > 0 {
		g.clusterPolicies()
	}
	sortCluster(g.c)
	return g.c
}

func (g *gen) has(f Feature) bool { return g.cfg.Features.Has(f) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// namespaces creates kube-system (when there are at least two namespaces)
// and team-env application namespaces.
func (g *gen) namespaces() {
	n := g.cfg.Namespaces
	if n >= 2 {
		g.sys = g.addNamespace("kube-system", nil)
		n--
	}
	combos := make([][2]string, 0, len(teams)*len(envs))
	for _, t := range teams {
		for _, e := range envs {
			combos = append(combos, [2]string{t, e})
		}
	}
	g.r.Shuffle(len(combos), func(i, j int) { combos[i], combos[j] = combos[j], combos[i] })
	for i := range n {
		team, env := combos[i%len(combos)][0], combos[i%len(combos)][1]
		name := team + "-" + env
		if i >= len(combos) {
			name = fmt.Sprintf("%s-%d", name, i/len(combos))
		}
		l := map[string]string{"team": team, "env": env}
		switch {
		case g.chance(0.15):
			delete(l, "env") // for NotIn and DoesNotExist on namespaces
		case g.chance(0.2):
			l["linkerd.io/inject"] = "enabled"
		case g.chance(0.2):
			l["istio-injection"] = "enabled"
		}
		g.addNamespace(name, l)
	}
}

func (g *gen) addNamespace(name string, l map[string]string) *nsInfo {
	if l == nil {
		l = map[string]string{}
	}
	l[model.NamespaceNameLabel] = name
	info := &nsInfo{idx: len(g.ns), name: name, labels: l}
	info.dualStack = g.has(FeatureIPv6) && g.chance(0.3)
	g.ns = append(g.ns, info)
	g.byName[name] = info
	g.apps = nil
	g.c.Namespaces = append(g.c.Namespaces, model.Namespace{Name: name, Labels: l})
	return info
}

func (g *gen) buildIndex() {
	for _, n := range g.ns {
		g.idx.workloads = append(g.idx.workloads, n.workloads...)
	}
	g.idx.pool = poolOf(g.idx.workloads)
	g.idx.ports = declared(g.idx.workloads)
	for _, w := range g.idx.workloads {
		for _, p := range w.Pods {
			for _, ip := range p.IPs {
				v6 := 0
				if ip.Is6() {
					v6 = 1
				}
				g.idx.ips[v6] = append(g.idx.ips[v6], ip)
			}
		}
	}
	g.idx.nsPool = labelPool{}
	for _, n := range g.ns {
		for k, v := range n.labels {
			if !slices.Contains(g.idx.nsPool[k], v) {
				g.idx.nsPool[k] = append(g.idx.nsPool[k], v)
			}
		}
	}
	for k := range g.idx.nsPool {
		slices.Sort(g.idx.nsPool[k])
	}
}

// appNamespaces returns every namespace but kube-system. Do not modify.
func (g *gen) appNamespaces() []*nsInfo {
	if g.apps != nil {
		return g.apps
	}
	for _, n := range g.ns {
		if n != g.sys {
			g.apps = append(g.apps, n)
		}
	}
	if len(g.apps) == 0 {
		g.apps = g.ns
	}
	return g.apps
}

// podIPs allocates the next pod address of namespace n: 10.<n+1>.0.0/16,
// plus fd00:10:<n+1>::/64 in dual-stack namespaces. With more than 254
// namespaces each gets a /20 instead (10.0.0.0/8 holds 4095 of them).
func (g *gen) podIPs(n *nsInfo) []netip.Addr {
	n.nextIP++
	k := n.nextIP
	v4 := netip.AddrFrom4([4]byte{10, byte(n.idx + 1), byte(k >> 8), byte(k)})
	if g.cfg.Namespaces > 254 {
		a := uint32(10)<<24 | uint32(n.idx+1)<<12 | uint32(k&0xfff)
		v4 = netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
	}
	if !n.dualStack {
		return []netip.Addr{v4}
	}
	var b [16]byte
	b[0], b[1], b[3], b[5] = 0xfd, 0x00, 0x10, byte(n.idx+1)
	b[14], b[15] = byte(k>>8), byte(k)
	return []netip.Addr{v4, netip.AddrFrom16(b)}
}

// nodeIP is the address of node i (and of its host-network pods):
// 192.168.0.10 onwards.
func nodeIP(i int) netip.Addr {
	n := i + 10
	return netip.AddrFrom4([4]byte{192, 168, byte(n >> 8), byte(n)})
}

// externals adds the usual peers outside the pod network.
func (g *gen) externals() {
	add := func(name, prefix string) {
		g.c.Externals = append(g.c.Externals, model.External{Name: name, Prefix: netip.MustParsePrefix(prefix)})
	}
	add("kube-apiserver", "192.168.0.1/32")
	add("cloud-metadata", "169.254.169.254/32")
	add("dns-upstream", "8.8.8.8/32")
	add("partner", "203.0.113.0/24")
	add("partner-api", "203.0.113.10/32")
	add("public-web", "198.51.100.0/24")
	if g.has(FeatureIPv6) {
		add("public-web-v6", "2001:db8::/48")
	}
}

func sortCluster(c *model.Cluster) {
	slices.SortFunc(c.Namespaces, func(a, b model.Namespace) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(c.Workloads, func(a, b model.Workload) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(c.Policies, func(a, b model.Policy) int {
		return cmp.Or(cmp.Compare(a.NetworkPolicy.Namespace, b.NetworkPolicy.Namespace),
			cmp.Compare(a.NetworkPolicy.Name, b.NetworkPolicy.Name))
	})
	slices.SortFunc(c.Externals, func(a, b model.External) int { return cmp.Compare(a.Name, b.Name) })
}
