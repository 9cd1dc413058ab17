// Package ports holds port sets: for each protocol, a sorted list of
// disjoint inclusive port ranges. Sets are immutable values; every operation
// returns a new set.
package ports

import (
	"slices"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// MinPort and MaxPort bound every range.
const (
	MinPort = 1
	MaxPort = 65535
)

// Range is an inclusive port range.
type Range struct {
	Lo, Hi uint16
}

func (r Range) String() string {
	if r.Lo == r.Hi {
		return strconv.Itoa(int(r.Lo))
	}
	return strconv.Itoa(int(r.Lo)) + "-" + strconv.Itoa(int(r.Hi))
}

// Set is a set of (protocol, port) pairs. The zero value is the empty set.
type Set struct {
	r [3][]Range // indexed by protocol-1: TCP, UDP, SCTP
}

func idx(p model.Protocol) int { return int(p) - 1 }

// fullRange is the one range of a protocol's every port. It is shared by
// every set holding all ports of a protocol and never modified.
var fullRange = []Range{{MinPort, MaxPort}}

// All is every port of every protocol.
func All() Set {
	return Set{r: [3][]Range{fullRange, fullRange, fullRange}}
}

// AllOf is every port of one protocol.
func AllOf(p model.Protocol) Set {
	return Of(p, MinPort, MaxPort)
}

// Of is the range [lo, hi] of one protocol. An unknown protocol or an empty
// range gives the empty set.
func Of(p model.Protocol, lo, hi int) Set {
	var s Set
	if p < model.TCP || p > model.SCTP || lo > hi || hi < MinPort || lo > MaxPort {
		return s
	}
	lo, hi = max(lo, MinPort), min(hi, MaxPort)
	s.r[idx(p)] = []Range{{uint16(lo), uint16(hi)}}
	return s
}

// Ranges returns the ranges of one protocol (nil when none). Do not modify.
func (s Set) Ranges(p model.Protocol) []Range {
	if p < model.TCP || p > model.SCTP {
		return nil
	}
	return s.r[idx(p)]
}

// IsEmpty reports whether the set holds nothing.
func (s Set) IsEmpty() bool {
	return len(s.r[0]) == 0 && len(s.r[1]) == 0 && len(s.r[2]) == 0
}

// IsAll reports whether the set holds every port of every protocol.
func (s Set) IsAll() bool {
	for _, rs := range s.r {
		if len(rs) != 1 || rs[0] != (Range{MinPort, MaxPort}) {
			return false
		}
	}
	return true
}

// Contains reports whether the set holds port of protocol p.
func (s Set) Contains(p model.Protocol, port int) bool {
	for _, r := range s.Ranges(p) {
		if int(r.Lo) <= port && port <= int(r.Hi) {
			return true
		}
		if int(r.Lo) > port {
			break
		}
	}
	return false
}

// Equal reports whether two sets hold the same ports.
func (s Set) Equal(o Set) bool {
	for i := range s.r {
		if !slices.Equal(s.r[i], o.r[i]) {
			return false
		}
	}
	return true
}

// Union returns s ∪ o. It allocates only when neither operand's ranges of
// a protocol contain the other's.
func (s Set) Union(o Set) Set {
	var out Set
	for i := range s.r {
		out.r[i] = union(s.r[i], o.r[i])
	}
	return out
}

// Intersect returns s ∩ o. It allocates only when the result is a proper
// subset of both operands for some protocol.
func (s Set) Intersect(o Set) Set {
	var out Set
	for i := range s.r {
		out.r[i] = intersect(s.r[i], o.r[i])
	}
	return out
}

// isFull reports whether rs is every port.
func isFull(rs []Range) bool { return len(rs) == 1 && rs[0] == Range{MinPort, MaxPort} }

// same reports whether a and b are the same ranges (cheaply: the same
// backing array first, then by value).
func same(a, b []Range) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return slices.Equal(a, b)
}

// Subtract returns s \ o.
func (s Set) Subtract(o Set) Set {
	var out Set
	for i := range s.r {
		out.r[i] = intersect(s.r[i], complement(o.r[i]))
	}
	return out
}

func union(a, b []Range) []Range {
	switch {
	case len(b) == 0 || isFull(a):
		return a
	case len(a) == 0 || isFull(b):
		return b
	case same(a, b):
		return a
	}
	all := make([]Range, 0, len(a)+len(b))
	all = append(append(all, a...), b...)
	slices.SortFunc(all, func(x, y Range) int { return int(x.Lo) - int(y.Lo) })
	out := all[:1]
	for _, r := range all[1:] {
		last := &out[len(out)-1]
		if int(r.Lo) <= int(last.Hi)+1 {
			last.Hi = max(last.Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return slices.Clip(out)
}

func intersect(a, b []Range) []Range {
	switch {
	case len(a) == 0 || len(b) == 0:
		return nil
	case isFull(a) || same(a, b):
		return b
	case isFull(b):
		return a
	}
	var out []Range
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].Lo, b[j].Lo), min(a[i].Hi, b[j].Hi)
		if lo <= hi {
			out = append(out, Range{lo, hi})
		}
		if a[i].Hi < b[j].Hi {
			i++
		} else {
			j++
		}
	}
	return out
}

func complement(a []Range) []Range {
	var out []Range
	next := MinPort
	for _, r := range a {
		if int(r.Lo) > next {
			out = append(out, Range{uint16(next), r.Lo - 1})
		}
		next = int(r.Hi) + 1
	}
	if next <= MaxPort {
		out = append(out, Range{uint16(next), MaxPort})
	}
	return out
}

// String renders the set compactly: "TCP:80,443,8000-8090 UDP:53", "all
// ports" or "none".
func (s Set) String() string {
	switch {
	case s.IsEmpty():
		return "none"
	case s.IsAll():
		return "all ports"
	}
	var parts []string
	for _, p := range model.Protocols {
		rs := s.Ranges(p)
		if len(rs) == 0 {
			continue
		}
		if len(rs) == 1 && rs[0] == (Range{MinPort, MaxPort}) {
			parts = append(parts, p.String()+":all")
			continue
		}
		strs := make([]string, len(rs))
		for i, r := range rs {
			strs[i] = r.String()
		}
		parts = append(parts, p.String()+":"+strings.Join(strs, ","))
	}
	return strings.Join(parts, " ")
}
