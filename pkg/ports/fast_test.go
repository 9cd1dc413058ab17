package ports

import (
	"math/rand/v2"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// TestFastPaths: unions and intersections with every port, nothing, or
// the same set answer without allocating.
func TestFastPaths(t *testing.T) {
	x := Of(model.TCP, 80, 90).Union(Of(model.UDP, 53, 53))
	cases := map[string]func() Set{
		"all ∩ x":   func() Set { return All().Intersect(x) },
		"x ∩ all":   func() Set { return x.Intersect(All()) },
		"x ∩ x":     func() Set { return x.Intersect(x) },
		"x ∪ empty": func() Set { return x.Union(Set{}) },
		"x ∪ all":   func() Set { return x.Union(All()) },
		"x ∪ x":     func() Set { return x.Union(x) },
		"x ∩ empty": func() Set { return x.Intersect(Set{}) },
	}
	for name, fn := range cases {
		if n := testing.AllocsPerRun(100, func() { fn() }); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

// TestAlgebraModel checks Union, Intersect and Subtract of random
// multi-range sets (every port and nothing included) against a bitmap.
func TestAlgebraModel(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	random := func() Set {
		switch r.IntN(6) {
		case 0:
			return All()
		case 1:
			return Set{}
		}
		var s Set
		for range 1 + r.IntN(4) {
			lo := 1 + r.IntN(200)
			s = s.Union(Of(model.Protocols[r.IntN(3)], lo, lo+r.IntN(30)))
		}
		return s
	}
	in := func(s Set, p model.Protocol, port int) bool { return s.Contains(p, port) }
	for range 2000 {
		a, b := random(), random()
		u, i, d := a.Union(b), a.Intersect(b), a.Subtract(b)
		for _, p := range model.Protocols {
			for _, port := range []int{1, 2, 50, 100, 150, 199, 200, 229, 230, 65535} {
				if in(u, p, port) != (in(a, p, port) || in(b, p, port)) ||
					in(i, p, port) != (in(a, p, port) && in(b, p, port)) ||
					in(d, p, port) != (in(a, p, port) && !in(b, p, port)) {
					t.Fatalf("%s and %s at %s/%d: ∪ %s ∩ %s \\ %s", a, b, p, port, u, i, d)
				}
			}
		}
		if !a.Union(b).Equal(b.Union(a)) || !a.Intersect(b).Equal(b.Intersect(a)) {
			t.Fatalf("%s, %s: not commutative", a, b)
		}
	}
}
