package linkerd

import (
	"cmp"
	"fmt"
	"strings"
)

// EdgeTag is an edge release, edge-YY.M.N (N-th edge of month M of 20YY).
// Tags order by (YY, M, N). The zero value means "no edge".
type EdgeTag struct{ Year, Month, N int }

// IsZero reports whether e is unset.
func (e EdgeTag) IsZero() bool { return e == EdgeTag{} }

// Compare orders tags by year, month, then number.
func (e EdgeTag) Compare(o EdgeTag) int {
	if c := cmp.Compare(e.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(e.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(e.N, o.N)
}

func (e EdgeTag) String() string { return fmt.Sprintf("edge-%d.%d.%d", e.Year, e.Month, e.N) }

// parseEdge parses "YY.M.N".
func parseEdge(s string) (EdgeTag, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return EdgeTag{}, fmt.Errorf("want edge-YY.M.N")
	}
	n, err := atois(parts)
	if err != nil {
		return EdgeTag{}, err
	}
	if n[1] < 1 || n[1] > 12 || n[2] < 1 {
		return EdgeTag{}, fmt.Errorf("want edge-YY.M.N with 1 <= M <= 12 and N >= 1")
	}
	return EdgeTag{n[0], n[1], n[2]}, nil
}

// edgeLine is the first edge release that contains 2.Minor.
type edgeLine struct {
	minor int
	first EdgeTag
}

// edgeLines maps edge releases onto 2.N: an edge belongs to the newest 2.N
// whose first edge is not after it (linkerd.md §0: edge-19.1.x is 2.1, and
// the version-2.N tag marks the edge that is 2.N).
//
// From 2.15 on, the first edges are the version-2.N marker tags (linkerd.md
// §0; 2.20 is "one commit after edge-26.6.3", so the first edge after
// edge-26.6.3). Before 2.15 the reference gives stable tags only; those rows
// are the first edge after each stable-2.N.0 release date (2.1 2018-12,
// 2.2 2019-02, 2.3 2019-04, 2.4 2019-07, 2.5 2019-08, 2.6 2019-10,
// 2.7 2020-02, 2.8 2020-06, 2.9 2020-11, 2.10 2021-03, 2.11 2021-09,
// 2.12 2022-08, 2.13 2023-04, 2.14 2023-08): approximations to the week.
func edgeLines() []edgeLine {
	return []edgeLine{
		{1, EdgeTag{18, 12, 1}},
		{2, EdgeTag{19, 2, 3}},
		{3, EdgeTag{19, 4, 3}},
		{4, EdgeTag{19, 7, 2}},
		{5, EdgeTag{19, 8, 4}},
		{6, EdgeTag{19, 10, 2}},
		{7, EdgeTag{20, 2, 2}},
		{8, EdgeTag{20, 6, 2}},
		{9, EdgeTag{20, 11, 2}},
		{10, EdgeTag{21, 3, 2}},
		{11, EdgeTag{21, 10, 1}},
		{12, EdgeTag{22, 8, 4}},
		{13, EdgeTag{23, 4, 3}},
		{14, EdgeTag{23, 9, 1}},
		{15, EdgeTag{24, 2, 4}},
		{16, EdgeTag{24, 8, 2}},
		{17, EdgeTag{24, 11, 8}},
		{18, EdgeTag{25, 4, 4}},
		{19, EdgeTag{25, 10, 7}},
		{20, EdgeTag{26, 6, 4}},
	}
}

// newestKnown is the newest release the flow data was read at (linkerd.md
// header); newer releases are assumed to behave like it.
func newestKnown() EdgeTag { return EdgeTag{26, 8, 3} }

// edgeMinor maps an edge release onto 2.N; false before 2.1.
func edgeMinor(e EdgeTag) (int, bool) {
	lines := edgeLines()
	for i := len(lines) - 1; i >= 0; i-- {
		if e.Compare(lines[i].first) >= 0 {
			return lines[i].minor, true
		}
	}
	return 0, false
}

// markerEdge is the edge a version-2.N tag points at (linkerd.md §0), or
// zero when the tag is not itself an edge release.
func markerEdge(minor int) EdgeTag {
	switch minor {
	case 15:
		return EdgeTag{24, 2, 4}
	case 16:
		return EdgeTag{24, 8, 2}
	case 17:
		return EdgeTag{24, 11, 8}
	case 18:
		return EdgeTag{25, 4, 4}
	case 19:
		return EdgeTag{25, 10, 7}
	}
	return EdgeTag{}
}

// Range is a set of releases: 2.Min through 2.Max (inclusive; 0 leaves a
// side open). For a version with an exact edge, EdgeMin (inclusive) replaces
// the Min bound and EdgeBefore (exclusive) replaces the Max bound, so a
// change that landed mid-way through a 2.N (edge-25.3.2, the 2.18 transport
// change) is placed exactly.
type Range struct {
	Min, Max            int
	EdgeMin, EdgeBefore EdgeTag
}

// In reports whether v is in r. The zero Version is in no range.
func (v Version) In(r Range) bool {
	if v.IsZero() {
		return false
	}
	edge := !v.Edge.IsZero()
	lowOK := r.Min == 0 || v.Minor >= r.Min
	if edge && !r.EdgeMin.IsZero() {
		lowOK = v.Edge.Compare(r.EdgeMin) >= 0
	}
	highOK := r.Max == 0 || v.Minor <= r.Max
	if edge && !r.EdgeBefore.IsZero() {
		highOK = v.Edge.Compare(r.EdgeBefore) < 0
	}
	return lowOK && highOK
}

// newerThanData reports whether v is newer than the release the flow data
// was read at.
func newerThanData(v Version) bool {
	if !v.Edge.IsZero() {
		return v.Edge.Compare(newestKnown()) > 0
	}
	newest, _ := edgeMinor(newestKnown())
	return v.Minor > newest
}
