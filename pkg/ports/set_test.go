package ports

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

func TestSetOps(t *testing.T) {
	t.Parallel()
	a := Of(model.TCP, 80, 90).Union(Of(model.TCP, 100, 110)).Union(Of(model.UDP, 53, 53))
	b := Of(model.TCP, 85, 105)
	tests := []struct {
		name string
		got  Set
		want string
	}{
		{"union merges adjacent", Of(model.TCP, 1, 5).Union(Of(model.TCP, 6, 9)), "TCP:1-9"},
		{"union keeps gaps", a, "TCP:80-90,100-110 UDP:53"},
		{"intersect", a.Intersect(b), "TCP:85-90,100-105"},
		{"intersect other protocol is empty", Of(model.UDP, 1, 10).Intersect(Of(model.TCP, 1, 10)), "none"},
		{"subtract", AllOf(model.TCP).Subtract(Of(model.TCP, 2, 65534)), "TCP:1,65535"},
		{"all", All(), "all ports"},
		{"all of one protocol", AllOf(model.SCTP), "SCTP:all"},
		{"empty range", Of(model.TCP, 9, 8), "none"},
		{"unknown protocol", Of(model.ProtocolUnknown, 1, 2), "none"},
		{"clamped", Of(model.TCP, 0, 70000), "TCP:all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.got.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContains(t *testing.T) {
	t.Parallel()
	s := Of(model.TCP, 80, 90).Union(Of(model.UDP, 53, 53))
	for _, c := range []struct {
		p    model.Protocol
		port int
		want bool
	}{{model.TCP, 80, true}, {model.TCP, 90, true}, {model.TCP, 91, false}, {model.UDP, 53, true}, {model.SCTP, 53, false}} {
		if got := s.Contains(c.p, c.port); got != c.want {
			t.Errorf("Contains(%v, %d) = %v, want %v", c.p, c.port, got, c.want)
		}
	}
}

func FuzzSetAlgebra(f *testing.F) {
	f.Add(uint16(1), uint16(10), uint16(5), uint16(20), uint16(7))
	f.Fuzz(func(t *testing.T, alo, ahi, blo, bhi, probe uint16) {
		a, b := Of(model.TCP, int(alo), int(ahi)), Of(model.TCP, int(blo), int(bhi))
		in := func(s Set) bool { return s.Contains(model.TCP, int(probe)) }
		if in(a.Union(b)) != (in(a) || in(b)) {
			t.Fatalf("union wrong at %d", probe)
		}
		if in(a.Intersect(b)) != (in(a) && in(b)) {
			t.Fatalf("intersect wrong at %d", probe)
		}
		if in(a.Subtract(b)) != (in(a) && !in(b)) {
			t.Fatalf("subtract wrong at %d", probe)
		}
	})
}
