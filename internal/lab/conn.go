package lab

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/podreach/podreach/pkg/model"
)

// Outcome is what the kernel did with a connection attempt.
type Outcome uint8

// Outcomes. Only Open and Blocked are compared with the engine.
const (
	OutcomeUnknown Outcome = iota
	Open                   // connected, and the expected responder answered
	Blocked                // ICMP admin-prohibited, EPERM/EACCES, or no answer: a policy refused it
	Refused                // connection refused: nothing listens (a lab fault: it listens on every probed port)
	Failed                 // the wrong responder answered, or the attempt itself failed (a lab fault)
	NotProbed              // the lab could not try it (no SCTP in the kernel, no common address family, ...)
)

var outcomeNames = [...]string{"unknown", "open", "blocked", "refused", "failed", "not probed"}

func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "unknown"
}

// target is a destination port.
type target struct {
	proto model.Protocol
	port  int
}

func (t target) String() string { return fmt.Sprintf("%d/%s", t.port, t.proto) }

func compareTargets(a, b target) int {
	return cmp.Or(cmp.Compare(a.proto, b.proto), cmp.Compare(a.port, b.port))
}

// conn is one connection compared with the engine: from → to on a port. It
// is tried once per address family the two share, and from (to) every
// representative address of an external peer; the kernel allows it when
// every attempt connects.
type conn struct {
	from, to *node
	target
	attempts []attempt
	note     string // why it was not probed, when it has no attempts
}

// attempt is one real connection: addresses, the namespaces holding them,
// and what happened.
type attempt struct {
	src, dst     netip.Addr
	srcAt, dstAt *node // the nodes whose namespaces hold src and dst
	outcome      Outcome
	detail       string
	took         time.Duration
}

func (a *attempt) srcNS() string { return a.srcAt.netns }
func (a *attempt) dstNS() string { return a.dstAt.netns }

// pairs lists the ordered pairs to probe: every pair of distinct nodes but
// external → external (no policy applies at either end), or a sample of n
// of them (n > 0), chosen deterministically.
func (p *plan) pairs(n int) [][2]*node {
	var out [][2]*node
	for _, s := range p.nodes {
		for _, d := range p.nodes {
			if s != d && !(s.external && d.external) {
				out = append(out, [2]*node{s, d})
			}
		}
	}
	if n <= 0 || n >= len(out) {
		return out
	}
	r := rand.New(rand.NewPCG(7, 13))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	out = out[:n]
	index := map[*node]int{}
	for i, nd := range p.nodes {
		index[nd] = i
	}
	slices.SortFunc(out, func(a, b [2]*node) int {
		return cmp.Or(cmp.Compare(index[a[0]], index[b[0]]), cmp.Compare(index[a[1]], index[b[1]]))
	})
	return out
}

// conns builds the connections of the pairs, with ports(to) as the ports.
func (p *plan) conns(pairs [][2]*node, ports func(to *node) []target, sctp bool) []*conn {
	var out []*conn
	for _, pr := range pairs {
		for _, t := range ports(pr[1]) {
			c := &conn{from: pr[0], to: pr[1], target: t}
			p.attempts(c, sctp)
			out = append(out, c)
		}
	}
	return out
}

func (p *plan) attempts(c *conn, sctp bool) {
	switch {
	case c.from.unprobed != "":
		c.note = c.from.unprobed
		return
	case c.to.unprobed != "":
		c.note = c.to.unprobed
		return
	case c.proto == model.SCTP && !sctp:
		c.note = noSCTP
		return
	}
	add := func(src, dst netip.Addr) {
		c.attempts = append(c.attempts, attempt{src: src, dst: dst, srcAt: p.hosts[src], dstAt: p.hosts[dst]})
	}
	switch {
	case c.from.external:
		for _, a := range c.from.addrs {
			if b, ok := c.to.addrOf(a.Is4()); ok {
				add(a, b)
			}
		}
	case c.to.external:
		for _, b := range c.to.addrs {
			if a, ok := c.from.addrOf(b.Is4()); ok {
				add(a, b)
			}
		}
	default:
		for _, v4 := range []bool{true, false} {
			a, ok1 := c.from.addrOf(v4)
			b, ok2 := c.to.addrOf(v4)
			if ok1 && ok2 {
				add(a, b)
			}
		}
	}
	if len(c.attempts) == 0 {
		c.note = "not probed: no common address family"
	}
}

// kernel sums up the attempts: open when all connected, blocked when some
// were refused by a policy, otherwise the first fault or the note.
func (c *conn) kernel() (Outcome, string) {
	if len(c.attempts) == 0 {
		return NotProbed, c.note
	}
	out, detail := Open, ""
	for _, a := range c.attempts {
		switch {
		case a.outcome == Refused || a.outcome == Failed || a.outcome == NotProbed || a.outcome == OutcomeUnknown:
			return a.outcome, a.describe()
		case a.outcome == Blocked && out == Open:
			out, detail = Blocked, a.describe()
		}
	}
	if out == Open {
		detail = c.attempts[0].describe()
	}
	return out, detail
}

func (a *attempt) describe() string {
	s := fmt.Sprintf("%s → %s", a.src, a.dst)
	if a.detail != "" {
		s += ": " + a.detail
	}
	return s
}
