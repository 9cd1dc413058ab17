package reach

import (
	"sync"
	"sync/atomic"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/ports"
)

// authzSets is the Linkerd layer of the matrix: per pair, the TCP
// application ports the destination's proxy refuses the source. Answers
// depend on the destination only through its shape
// (linkerdauthz.Policies.Shape) and on the source only through what its
// proxy presents (clientKey), so they are computed once per class pair.
// Open destinations (no Server, a default that admits everyone) cost one
// slice read per pair.
type authzSets struct {
	dst     []int32 // per endpoint: its shape class, -1 open
	shapes  []linkerdauthz.Shape
	dstRep  []int // per shape class, an endpoint of it
	src     []int32
	srcRep  []int
	mu      sync.Mutex
	refused map[[2]int32]authzAnswer
	ids     map[string]int32 // refused sets by Set.String; 0 is none
	unknown atomic.Int64     // pairs with a port Linkerd's answer is unknown on
	example atomic.Value     // string: the first such pair
}

// authzAnswer is what a class pair refuses (and its ID among the
// refused sets, 0 for none), and the ports whose answer is unknown (those
// are kept: see Analysis.LinkerdUnknown).
type authzAnswer struct {
	refused, unknown ports.Set
	audited          ports.Set // let through, flagged in the proxy's logs (linkerdauthz.Audit)
	id               int32
}

// clientKey is what a destination's proxy sees of a source, as far as
// its answers go (linkerdauthz.Policies.ClientClass).
type clientKey string

// newAuthzSets classes a's endpoints; nil when the matrix leaves the
// Linkerd layer out (no Linkerd layer, or WithLayer(LayerNetpol)).
func newAuthzSets(a *Analysis) *authzSets {
	if a.authz == nil || a.opts.layer == LayerNetpol {
		return nil
	}
	eps := a.engine.Endpoints()
	t := &authzSets{dst: make([]int32, len(eps)), src: make([]int32, len(eps)), refused: map[[2]int32]authzAnswer{}, ids: map[string]int32{"": 0}}
	shapes, clients := map[string]int32{}, map[clientKey]int32{}
	for e := range eps {
		t.dst[e] = -1
		if to, ok := a.linkerdDestination(e); ok {
			if sh := a.authz.pols.Shape(to); !sh.Open {
				id, seen := shapes[sh.Key]
				if !seen {
					id = int32(len(t.shapes))
					shapes[sh.Key] = id
					t.shapes, t.dstRep = append(t.shapes, sh), append(t.dstRep, e)
				}
				t.dst[e] = id
			}
		}
		k := a.clientKeyOf(e)
		id, seen := clients[k]
		if !seen {
			id = int32(len(t.srcRep))
			clients[k] = id
			t.srcRep = append(t.srcRep, e)
		}
		t.src[e] = id
	}
	return t
}

// clientKeyOf is endpoint e as a destination's proxy sees a client.
func (a *Analysis) clientKeyOf(e int) clientKey {
	c := a.linkerdClient(e)
	return clientKey(a.authz.pols.ClientClass(&c))
}

// refusedTo returns what the proxy of endpoint d refuses endpoint s (the
// zero answer for an open destination).
func (t *authzSets) refusedTo(a *Analysis, s, d int) authzAnswer {
	dc := t.dst[d]
	if dc < 0 || s == d {
		return authzAnswer{}
	}
	k := [2]int32{t.src[s], dc}
	t.mu.Lock()
	defer t.mu.Unlock()
	ans, ok := t.refused[k]
	if !ok {
		ans = t.answer(a, t.srcRep[k[0]], t.dstRep[dc], t.shapes[dc])
		if !ans.refused.IsEmpty() {
			key := ans.refused.String()
			id, seen := t.ids[key]
			if !seen {
				id = int32(len(t.ids))
				t.ids[key] = id
			}
			ans.id = id
		}
		t.refused[k] = ans
	}
	return ans
}

// noteUnknown counts the pair s → d when a port it allows (usable) has an
// unknown Linkerd answer.
func (t *authzSets) noteUnknown(a *Analysis, s, d int, usable, unknown ports.Set) {
	if unknown.IsEmpty() || usable.Intersect(unknown).IsEmpty() {
		return
	}
	t.countUnknown(a, s, d)
}

// countUnknown counts the pair s → d as one with a port whose Linkerd
// answer is unknown.
func (t *authzSets) countUnknown(a *Analysis, s, d int) {
	if t.unknown.Add(1) == 1 {
		eps := a.engine.Endpoints()
		t.example.Store(eps[s].ID + " → " + eps[d].ID)
	}
}

// answer decides one port of every segment of shape sh for the client
// endpoint s and the destination endpoint d.
func (t *authzSets) answer(a *Analysis, s, d int, sh linkerdauthz.Shape) authzAnswer {
	to, _ := a.linkerdDestination(d)
	c := a.linkerdClient(s)
	var out authzAnswer
	for _, seg := range sh.Segments {
		span := ports.Of(model.TCP, int(seg.Lo), int(seg.Hi))
		switch a.authz.pols.Decide(to, seg.Lo, &c).Verdict {
		case linkerdauthz.Deny:
			out.refused = out.refused.Union(span)
		case linkerdauthz.VerdictUnknown:
			out.unknown = out.unknown.Union(span)
		case linkerdauthz.Audit:
			out.audited = out.audited.Union(span)
		}
	}
	return out
}

// linkerdDestination is endpoint d as the Linkerd layer sees a
// destination; false for an external.
func (a *Analysis) linkerdDestination(d int) (*linkerdauthz.Destination, bool) {
	ep := &a.engine.Endpoints()[d]
	if ep.IsExternal() || a.specs[d] == nil {
		return nil, false
	}
	return &linkerdauthz.Destination{ID: ep.ID, Namespace: ep.Namespace, Spec: a.specs[d],
		NamespaceAnnotations: a.authz.nsAnn[ep.Namespace], Meshed: linkerd.HasProxy(a.specs[d])}, true
}

// LinkerdUnknown reports how many matrix pairs written so far have a port
// whose Linkerd answer podreach cannot know (it depends on a client
// address the input does not give), and the first of them. Their ports
// are listed as NetworkPolicy admits them: the matrix is then not a "yes"
// for them, and the CLI says so (exit 3).
func (a *Analysis) LinkerdUnknown() (int64, string) {
	if a.lkd == nil {
		return 0, ""
	}
	ex, _ := a.lkd.example.Load().(string)
	return a.lkd.unknown.Load(), ex
}

// linkerdUsable is set, the application ports NetworkPolicy lets
// endpoint s use toward endpoint d, minus what the Linkerd layer refuses
// (set itself without the layer).
func (a *Analysis) linkerdUsable(s, d int, set ports.Set) ports.Set {
	if a.lkd == nil || set.IsEmpty() {
		return set
	}
	ans := a.lkd.refusedTo(a, s, d)
	out := set.Subtract(ans.refused)
	a.lkd.noteUnknown(a, s, d, out, ans.unknown)
	return out
}

// usable is set, what NetworkPolicy admits from endpoint s to endpoint d,
// as the application ports that really work: mapped by the mesh's
// transport (Arrived), less what the Linkerd layer refuses.
func (a *Analysis) usable(s, d int, set ports.Set) ports.Set {
	return a.linkerdUsable(s, d, a.Arrived(s, d, set))
}
