package linkerdauthz

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// Segment is a range of ports of a destination that every client is
// answered alike on (Lo..Hi, inclusive).
type Segment struct{ Lo, Hi int32 }

// Shape is what Decide's verdicts for a destination depend on besides the
// client: the port segments it answers alike, and a key that two
// destinations share when they answer every client alike on every port.
// Open destinations admit every client on every port; their Segments and
// Key are empty.
type Shape struct {
	Open     bool
	Segments []Segment // partition 1..65535, in order
	Key      string
}

// Shape returns dst's shape. A destination is open when Linkerd does not
// decide for it (not meshed, a release without policy), or when no Server
// selects any of its ports, no port requires identity and its default
// admits every client (all-unauthenticated, or audit, which lets every
// connection through) — and the Servers of its namespace were read (a live
// read refused them: Decide answers unknown, see unread.go).
func (p *Policies) Shape(dst *Destination) Shape {
	if !dst.Meshed || !p.cfg.at(minorPolicy) {
		return Shape{Open: true}
	}
	def := p.cfg.resolveDefault(dst.Spec.Annotations, dst.NamespaceAnnotations, dst.Namespace).policy
	srvPorts := p.serverPorts(dst)
	reqID := strings.TrimSpace(dst.Spec.Annotations[AnnotationRequireIdentity])
	unreadSrv := p.unread("Server", dst.Namespace) != ""
	if !unreadSrv && len(srvPorts) == 0 && reqID == "" && (def == DefaultAllUnauthenticated || def == DefaultAudit) {
		return Shape{Open: true}
	}
	cuts := append([]int32{tapPort}, srvPorts...)
	skip := dst.Spec.Annotations[AnnotationSkipInbound]
	cuts = append(append(cuts, listCuts(skip)...), listCuts(reqID)...)
	sh := Shape{Segments: segments(cuts)}
	var key strings.Builder
	fmt.Fprintf(&key, "%s|%s|%s|%s|%t", dst.Namespace, def, skip, reqID, unreadSrv)
	for _, s := range sh.Segments {
		srv, _ := p.server(dst, s.Lo)
		name := ""
		if srv != nil {
			name = srv.ID()
		}
		fmt.Fprintf(&key, "|%d-%d:%s", s.Lo, s.Hi, name)
	}
	sh.Key = key.String()
	return sh
}

// serverPorts are the ports of dst that some Server of its namespace
// selects (a number, or the pod's TCP ports of that name).
func (p *Policies) serverPorts(dst *Destination) []int32 {
	ns := p.byNS[dst.Namespace]
	if ns == nil {
		return nil
	}
	var out []int32
	for _, s := range ns.servers {
		srv := s.Server
		if srv.PodSelector == nil || !selectorMatches(srv.PodSelector, dst.Spec.Labels) {
			continue
		}
		if srv.Port.Type == intstr.Int {
			out = append(out, srv.Port.IntVal)
			continue
		}
		for _, cp := range dst.Spec.Ports() {
			if cp.Name == srv.Port.StrVal {
				out = append(out, cp.Port)
			}
		}
	}
	return out
}

// listCuts are the ports a port-list annotation's ranges start and end
// on (as single-port cuts of their ends); none for an invalid list, which
// is ignored as a whole.
func listCuts(list string) []int32 {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	var out []int32
	for _, part := range strings.Split(list, ",") {
		lo, hi, ok := portRange(strings.TrimSpace(part))
		if !ok {
			return nil
		}
		out = append(out, -lo, -hi) // negative: a range's ends, see segments
	}
	return out
}

// segments partitions 1..65535 at cuts: a positive cut is a segment of
// its own; negative cuts come in pairs (-lo, -hi), a range that is one
// segment.
func segments(cuts []int32) []Segment {
	var bounds []int32 // segment starts
	for i := 0; i < len(cuts); i++ {
		c := cuts[i]
		if c > 0 {
			bounds = append(bounds, c, c+1)
			continue
		}
		if i+1 < len(cuts) {
			bounds = append(bounds, -c, -cuts[i+1]+1)
			i++
		}
	}
	bounds = append(bounds, 1)
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	var out []Segment
	for i, b := range bounds {
		if b < 1 || b > 65535 {
			continue
		}
		hi := int32(65535)
		if i+1 < len(bounds) {
			hi = min(hi, bounds[i+1]-1)
		}
		out = append(out, Segment{Lo: b, Hi: hi})
	}
	return out
}

// AddressClass is a key for client address addr that two addresses share
// when every network the policies, the cluster networks and the probe
// networks name holds both or neither: Decide answers them alike. A
// prefix a network holds only part of (an external range straddling it)
// is its own key; an unknown address (a pod whose IP the input does not
// give) is "unknown".
func (p *Policies) AddressClass(addr netip.Prefix) string {
	if !addr.IsValid() {
		return "unknown"
	}
	b := make([]byte, len(p.allNets))
	for i, n := range p.allNets {
		t := n.contains(addr)
		if t == Maybe {
			return "prefix " + addr.String()
		}
		b[i] = '0' + byte(t)
	}
	return string(b)
}

// collectNetworks lists every network a decision can test an address
// against.
func (p *Policies) collectNetworks() {
	nets := append(netsOf(p.cfg.clusterNetworks()), netsOf(p.cfg.probeNetworks())...)
	nets = append(nets, netsOf(everywhere())...)
	for _, name := range slices.Sorted(maps.Keys(p.byNS)) {
		for _, o := range p.byNS[name].serverAuthzs {
			nets = append(nets, networks(o.ServerAuthorization.Networks)...)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(p.netAuth)) {
		nets = append(nets, networks(p.netAuth[id].Networks)...)
	}
	p.allNets = nets
}

// ClientClass is a key for client c that two clients share when Decide
// answers them alike for every destination and port: whether each is a
// pod and meshed, which identity patterns of the policies their identity
// matches, and their address class (AddressClass). Keys of two Policies
// built from the same objects and configuration compare.
func (p *Policies) ClientClass(c *Client) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%t|%t|", c.Pod, c.Meshed)
	if c.Meshed {
		id := c.Identity(&p.cfg)
		for _, pat := range p.allIDs {
			b.WriteByte('0' + byte(boolInt(identityMatches(pat, id))))
		}
	}
	b.WriteString("|" + p.AddressClass(c.Addr))
	return b.String()
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

// collectIdentities lists, sorted, every identity pattern a decision can
// match a client's identity against ("*" for the authenticated defaults).
func (p *Policies) collectIdentities() {
	ids := []string{"*"}
	for _, ns := range p.byNS {
		for _, o := range ns.serverAuthzs {
			ids = append(ids, p.serverAuthorization(o).authn.ids...)
		}
		for _, o := range ns.authzPolicies {
			ids = append(ids, p.authorizationPolicy(o).authn.ids...)
		}
	}
	slices.Sort(ids)
	p.allIDs = slices.Compact(ids)
}
