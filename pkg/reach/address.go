package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/podreach/podreach/pkg/policy"
)

// AddressError is a typed endpoint that reads as an address (its part
// before any "/" is an IP) but is not a valid IP or CIDR.
type AddressError struct {
	Ref    string
	Reason string
}

func (e *AddressError) Error() string { return fmt.Sprintf("%q: %s", e.Ref, e.Reason) }

// ParseAddress reads an endpoint typed as an address: an IP ("8.8.8.8",
// "2001:db8::1") or a CIDR ("10.0.0.0/8", "2001:db8::/64"). ok is false
// when s is not meant as one (it is a name: no IP before any "/", nor
// only hex digits, colons and dots with a colon); err is set when it is meant as one but invalid. A CIDR with host
// bits set ("10.1.2.3/8") is an error, not silently masked: it names
// neither the address nor the network for sure. IPv4-mapped IPv6 forms
// and zones are errors too: packets carry neither.
func ParseAddress(s string) (p netip.Prefix, ok bool, err error) {
	head, bits, hasBits := strings.Cut(s, "/")
	a, aerr := netip.ParseAddr(head)
	if aerr != nil {
		if strings.Contains(head, ":") && strings.Trim(head, "0123456789abcdefABCDEF:.%") == "" {
			return netip.Prefix{}, true, &AddressError{s, "not an IPv4 or IPv6 address or CIDR"}
		}
		return netip.Prefix{}, false, nil
	}
	switch {
	case a.Zone() != "":
		return netip.Prefix{}, true, &AddressError{s, "an address with a zone is not an endpoint"}
	case a.Is4In6():
		return netip.Prefix{}, true, &AddressError{s, fmt.Sprintf("an IPv4-mapped IPv6 address: write %s", a.Unmap())}
	case !hasBits:
		return netip.PrefixFrom(a, a.BitLen()), true, nil
	}
	p, perr := netip.ParsePrefix(s)
	if perr != nil || strings.HasPrefix(bits, "0") && bits != "0" || strings.HasPrefix(bits, "+") {
		return netip.Prefix{}, true, &AddressError{s, fmt.Sprintf("invalid prefix length %q for %s", bits, a)}
	}
	if p != p.Masked() {
		return netip.Prefix{}, true, &AddressError{s, fmt.Sprintf("host bits set: write %s for the network or %s for the address", p.Masked(), a)}
	}
	return p, true, nil
}

// resolveAddress resolves an address typed as an endpoint: one IP that
// is a known pod's is that pod; any other IP or CIDR is outside the pod
// network, cut at the policies' boundaries, each piece answered by the
// induced range that holds it (Target.Names says which piece).
func (a *Analysis) resolveAddress(t Target, p netip.Prefix) (Target, error) {
	if p.IsSingleIP() {
		if pods := a.podsWithIP(p.Addr()); len(pods) > 0 {
			return a.podTarget(t, p.Addr(), pods), nil
		}
	}
	t, err := a.resolveRange(t, RangeOf(p), "")
	if err != nil {
		return t, err
	}
	t.What = "external " + p.String()
	if len(t.Endpoints) > 1 {
		t.What += ", cut at the policies' ipBlock boundaries"
	}
	if n := len(a.podsIn(p)); n > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%s holds the IP of %d known pod(s); as a CIDR it stands for the addresses outside the pod network: name a pod, or type its IP, to ask about it", t.Ref, n))
	}
	return t, nil
}

// resolveRange cuts r at the policies' boundaries; each piece is answered
// by the induced range that holds it and named NAME[PIECE] (name set) or
// PIECE (t.Ref when r is not cut).
func (a *Analysis) resolveRange(t Target, r Range, name string) (Target, error) {
	pieces := a.ext.cuts.split(r)
	for _, p := range pieces {
		i, ok := a.ext.rangeFor(p)
		if !ok {
			return t, fmt.Errorf("%q: no external range holds %s", t.Ref, p)
		}
		n := p.String()
		switch {
		case len(pieces) == 1:
			n = t.Ref
		case name != "":
			n = name + "[" + n + "]"
		}
		t.Endpoints, t.Names = append(t.Endpoints, i), append(t.Names, n)
	}
	t.External = true
	return t, nil
}

// resolvePiece resolves NAME[RANGE]: part of an external, as Resolve's
// cut names it, or as another analysis's (diff's) cut does: the range,
// within the external's, cut at this analysis's boundaries.
func (a *Analysis) resolvePiece(t Target) (Target, bool, error) {
	name, rest, ok := strings.Cut(t.Ref, "[")
	eps, named := a.ext.named[name]
	if !ok || !named || !strings.HasSuffix(rest, "]") {
		return t, false, nil
	}
	r, err := ParseRange(strings.TrimSuffix(rest, "]"))
	whole := Range{a.ext.of[eps[0]].First, a.ext.of[eps[len(eps)-1]].Last}
	if err != nil || !whole.Contains(r.First) || !whole.Contains(r.Last) {
		return t, true, fmt.Errorf("%q: not a range within external %s (%s)", t.Ref, name, whole)
	}
	t, err = a.resolveRange(t, r, name)
	t.What = "external " + t.Ref
	return t, true, err
}

// ParseRange parses a range as Range.String writes it: a CIDR or
// FIRST-LAST.
func ParseRange(s string) (Range, error) {
	if p, err := netip.ParsePrefix(s); err == nil && p == p.Masked() {
		return RangeOf(p), nil
	}
	first, last, ok := strings.Cut(s, "-")
	f, err1 := netip.ParseAddr(first)
	l, err2 := netip.ParseAddr(last)
	r := Range{f, l}
	if !ok || err1 != nil || err2 != nil || f.Zone() != "" || l.Zone() != "" || !r.IsValid() {
		return Range{}, fmt.Errorf("invalid range %q: want a CIDR or FIRST-LAST", s)
	}
	return r, nil
}

// podTarget is the pods whose IP ip is.
func (a *Analysis) podTarget(t Target, ip netip.Addr, pods []int) Target {
	eps := a.engine.Endpoints()
	ids := make([]string, len(pods))
	for k, i := range pods {
		ids[k] = eps[i].ID
	}
	t.Endpoints = pods
	t.What = fmt.Sprintf("Pod %s (IP %s)", strings.Join(ids, ", "), ip)
	t.Notes = append(t.Notes, fmt.Sprintf("%s is the IP of pod %s in the input: answered for that pod", ip, strings.Join(ids, ", ")))
	return t
}

// podsWithIP returns the endpoints of the known pods that have ip (several
// when host-network pods share their node's).
func (a *Analysis) podsWithIP(ip netip.Addr) []int {
	var out []int
	for i, ep := range a.engine.Endpoints() {
		if ep.Single && !ep.IsExternal() && containsAddr(ep.IPs, ip) {
			out = append(out, i)
		}
	}
	return out
}

// podsIn returns the endpoints of the known pods with an IP in p.
func (a *Analysis) podsIn(p netip.Prefix) []int {
	var out []int
	for i, ep := range a.engine.Endpoints() {
		if !ep.Single || ep.IsExternal() {
			continue
		}
		for _, ip := range ep.IPs {
			if p.Contains(ip) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func containsAddr(ips []netip.Addr, ip netip.Addr) bool {
	for _, x := range ips {
		if x == ip {
			return true
		}
	}
	return false
}

// rename makes a decision about endpoint ep (an induced range) one about
// the piece of a typed address it answers for: the engine names the range
// by its ID and, in misses, by "ID (PREFIX)" with a prefix that only
// stands for the range; both become name (only in those phrases: a
// block's own CIDR may read like the range's ID). Every address of the range
// gets the range's answer, so what the decision says holds for the piece.
func rename(d *policy.Decision, ep *policy.Endpoint, name string) {
	long, peer := ep.ID+" ("+ep.Prefix.String()+")", ep.ID+" is an external peer"
	fix := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, long, name), peer, name+" is an external peer")
	}
	if d.From == ep.ID {
		d.From = name
	}
	if d.To == ep.ID {
		d.To = name
	}
	for _, sd := range []*policy.Side{&d.Egress, &d.Ingress} {
		for k := range sd.Misses {
			sd.Misses[k].Reason = fix(sd.Misses[k].Reason)
		}
	}
}

// renameTyped renames, in dec, the source (endpoint si of src) and the
// destination (di of dst) that stand for a piece of a typed address.
func (a *Analysis) renameTyped(dec *policy.Decision, src Target, si int, dst Target, di int) {
	eps := a.engine.Endpoints()
	if si < len(src.Names) {
		rename(dec, &eps[src.Endpoints[si]], src.Names[si])
	}
	if di < len(dst.Names) {
		rename(dec, &eps[dst.Endpoints[di]], dst.Names[di])
	}
}

// partly is a note when the ranges of an external target get different
// answers: "partly allowed", with the ranges of each answer named (the
// decisions say why, range by range).
func partly(x *Explanation) []string {
	var allowed, denied []string
	for _, d := range x.Decisions {
		name := d.To
		if x.From.External && len(x.From.Endpoints) > 1 {
			name = d.From
		}
		if d.Verdict == policy.Allow {
			allowed = append(allowed, name)
		} else {
			denied = append(denied, name)
		}
	}
	if len(allowed) == 0 || len(denied) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("partly allowed: allowed for %s; denied for %s", strings.Join(allowed, ", "), strings.Join(denied, ", "))}
}
