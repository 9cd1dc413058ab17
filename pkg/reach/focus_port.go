package reach

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// portFilter narrows a focused matrix to one port (Focus.Port): each
// pair's set is intersected with the port — a number, or the
// destination's container port of that name — and the result interned
// (see setTable); a pair whose destination has no port of that name
// allows nothing on it.
type portFilter struct {
	setTable
	spec PortSpec
	memo map[portKey]int32
}

// portKey is what a narrowed set depends on: the set's ID before and the
// port number it is narrowed to.
type portKey struct{ id, port int32 }

func newPortFilter(ps PortSpec) *portFilter {
	f := &portFilter{spec: ps, memo: map[portKey]int32{}}
	f.init()
	return f
}

// at narrows set (ID id), what a pair allows toward endpoint d.
func (f *portFilter) at(a *Analysis, d int, set ports.Set, id int32) (ports.Set, int32) {
	num := f.number(a, d)
	if num == 0 {
		return ports.Set{}, 0
	}
	k := portKey{id: id, port: int32(num)}
	f.mu.Lock()
	defer f.mu.Unlock()
	if out, ok := f.memo[k]; ok {
		return f.sets[out], out
	}
	narrowed := f.narrow(set, num)
	out := f.intern(narrowed)
	f.memo[k] = out
	return narrowed, out
}

// narrow is set on port num only.
func (f *portFilter) narrow(set ports.Set, num int) ports.Set {
	return set.Intersect(ports.Of(f.spec.Protocol, num, num))
}

// number is the port the focus names toward endpoint d: its number, or
// the number of d's container port of that name and protocol (0: none).
func (f *portFilter) number(a *Analysis, d int) int {
	if f.spec.Name == "" {
		return f.spec.Number
	}
	return namedPort(a.engine.Endpoints()[d].Ports, f.spec.Name, f.spec.Protocol)
}

// namedPort returns the number of the container port named name for
// protocol p, 0 when there is none.
func namedPort(cps []model.ContainerPort, name string, p model.Protocol) int {
	for _, cp := range cps {
		if cp.Name == name && cp.Protocol == p {
			return int(cp.Port)
		}
	}
	return 0
}
