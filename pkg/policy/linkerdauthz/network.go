package linkerdauthz

import (
	"net/netip"
	"strings"
)

// Tri is a three-valued answer: a client matches, does not, or cannot be
// known to (its address is not in the input).
type Tri uint8

// Tri values. The zero value is No.
const (
	No Tri = iota
	Yes
	Maybe
)

func (t Tri) String() string {
	switch t {
	case Yes:
		return "yes"
	case Maybe:
		return "maybe"
	}
	return "no"
}

// network is a CIDR minus its exceptions.
type network struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

func (n network) String() string {
	if len(n.except) == 0 {
		return n.cidr.String()
	}
	ex := make([]string, len(n.except))
	for i, e := range n.except {
		ex[i] = e.String()
	}
	return n.cidr.String() + " except " + strings.Join(ex, ", ")
}

// contains reports whether every address of p is in n (Yes), none is (No),
// or some are (Maybe): "except: A list of IP networks/addresses not to be
// included in the above cidr"
// (https://linkerd.io/2/reference/authorization-policy/#network).
func (n network) contains(p netip.Prefix) Tri {
	switch {
	case !overlaps(n.cidr, p):
		return No
	case !within(p, n.cidr):
		return Maybe
	}
	for _, e := range n.except {
		switch {
		case within(p, e):
			return No
		case overlaps(e, p):
			return Maybe
		}
	}
	return Yes
}

// within reports whether every address of p is in q.
func within(p, q netip.Prefix) bool {
	return p.Addr().Is4() == q.Addr().Is4() && q.Bits() <= p.Bits() && q.Contains(p.Addr())
}

func overlaps(p, q netip.Prefix) bool {
	return p.Addr().Is4() == q.Addr().Is4() && p.Overlaps(q)
}

// inAny is the answer for a client address p against alternatives: Yes if
// one network holds all of p, else Maybe if one holds part of it.
func inAny(nets []network, p netip.Prefix) Tri {
	out := No
	for _, n := range nets {
		switch n.contains(p) {
		case Yes:
			return Yes
		case Maybe:
			out = Maybe
		}
	}
	return out
}

// clientIn answers whether client c's address is in nets. A pod whose IP
// the input does not give is somewhere in the cluster networks: Yes only
// when every cluster network is in nets. An external peer is its CIDR.
func (cfg *Config) clientIn(nets []network, c *Client) Tri {
	var where []netip.Prefix
	switch {
	case c.Addr.IsValid():
		where = []netip.Prefix{c.Addr}
	case c.Pod:
		where = cfg.clusterNetworks()
	default:
		where = everywhere()
	}
	yes, no := true, true
	for _, p := range where {
		switch inAny(nets, p) {
		case Yes:
			no = false
		case No:
			yes = false
		default:
			yes, no = false, false
		}
	}
	switch {
	case yes:
		return Yes
	case no:
		return No
	}
	return Maybe
}
