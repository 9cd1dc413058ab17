package linkerd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVersion(t *testing.T) {
	t.Parallel()
	edge := func(y, m, n, minor int) Version {
		return Version{Channel: ChannelEdge, Minor: minor, Edge: EdgeTag{y, m, n}}
	}
	tests := []struct {
		in   string
		want Version
	}{
		{"edge-19.1.2", edge(19, 1, 2, 1)}, // the seed blog's release (§0)
		{"edge-19.4.5", edge(19, 4, 5, 3)},
		{"edge-24.2.4", edge(24, 2, 4, 15)},   // = version-2.15
		{"edge-24.11.7", edge(24, 11, 7, 16)}, // just before version-2.17
		{"edge-24.11.8", edge(24, 11, 8, 17)},
		{"edge-25.3.1", edge(25, 3, 1, 17)},
		{"edge-25.3.2", edge(25, 3, 2, 17)}, // the 2.18 transport change, before the 2.18 marker
		{"edge-25.4.4", edge(25, 4, 4, 18)},
		{"edge-25.10.7", edge(25, 10, 7, 19)},
		{"edge-26.6.3", edge(26, 6, 3, 19)},
		{"edge-26.7.1", edge(26, 7, 1, 20)},
		{"edge-26.8.3", edge(26, 8, 3, 20)},
		{"edge-27.1.1", edge(27, 1, 1, 20)},
		{"stable-2.14.10", Version{Channel: ChannelStable, Minor: 14, Patch: 10, HasPatch: true}},
		{"stable-2.3.0", Version{Channel: ChannelStable, Minor: 3, HasPatch: true}},
		{"2.18", Version{Channel: ChannelPlain, Minor: 18}},
		{"2.18.3", Version{Channel: ChannelPlain, Minor: 18, Patch: 3, HasPatch: true}},
		{" 2.9 ", Version{Channel: ChannelPlain, Minor: 9}},
		{"version-2.18", Version{Channel: ChannelMarker, Minor: 18, Edge: EdgeTag{25, 4, 4}}},
		{"version-2.20", Version{Channel: ChannelMarker, Minor: 20}}, // not itself an edge tag
		{"version-2.14", Version{Channel: ChannelMarker, Minor: 14}},
		{"enterprise-2.16.2", Version{Channel: ChannelEnterprise, Minor: 16, Patch: 2, HasPatch: true}},
		{"enterprise-2.17", Version{Channel: ChannelEnterprise, Minor: 17}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseVersion(%q) (-want +got):\n%s", tt.in, diff)
			}
			if again := MustParseVersion(got.String()); again != got {
				t.Errorf("String() %q does not round-trip: %+v", got.String(), again)
			}
		})
	}
}

func TestParseVersionErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "2", "1.9", "3.0", "2.0", "2.0.5", "stable-2.14", "stable-2.x.1", "edge-25.4",
		"edge-25.13.1", "edge-25.0.1", "edge-25.4.0", "edge-18.11.4", "edge-+25.4.4",
		"version-2.18.1", "v2.4.9", "2.18.3.1", "latest", "stable-2.-1.0",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if v, err := ParseVersion(in); err == nil {
				t.Errorf("ParseVersion(%q) = %+v, want an error", in, v)
			}
		})
	}
}

func TestVersionString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"edge-19.1.2", "stable-2.14.10", "2.18", "2.18.3", "version-2.18", "enterprise-2.16.2"} {
		if got := MustParseVersion(s).String(); got != s {
			t.Errorf("String() = %q, want %q", got, s)
		}
	}
	if got := (Version{}).String(); got != "unknown" {
		t.Errorf("zero Version String() = %q", got)
	}
}

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"edge-19.1.2", "2.3", -1},
		{"2.18", "2.18.0", 0},
		{"2.18.3", "2.18", 1},
		{"stable-2.14.10", "2.14.10", 0},
		{"version-2.18", "edge-25.4.4", 0},
		{"edge-25.4.4", "edge-25.10.1", -1},
		{"2.18", "edge-25.4.4", -1}, // within 2.N, non-edge before edge
		{"enterprise-2.16.2", "2.17", -1},
		{"edge-26.8.3", "2.19", 1},
	}
	for _, tt := range tests {
		if got := MustParseVersion(tt.a).Compare(MustParseVersion(tt.b)); got != tt.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := MustParseVersion(tt.b).Compare(MustParseVersion(tt.a)); got != -tt.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestAtLeast(t *testing.T) {
	t.Parallel()
	v := MustParseVersion("edge-25.3.2")
	if !v.AtLeast(17) || v.AtLeast(18) {
		t.Errorf("edge-25.3.2: AtLeast(17)=%v AtLeast(18)=%v, want true, false", v.AtLeast(17), v.AtLeast(18))
	}
}

func TestVersionIn(t *testing.T) {
	t.Parallel()
	transport := Range{Min: 18, EdgeMin: EdgeTag{25, 3, 2}}
	opaqueOnly := Range{Min: 10, Max: 17, EdgeBefore: EdgeTag{25, 3, 2}}
	jaeger := Range{Min: 10, Max: 18, EdgeBefore: EdgeTag{25, 10, 1}}
	tests := []struct {
		v                          string
		transport, opaque, jaegerr bool
	}{
		{"edge-19.1.2", false, false, false},
		{"2.9", false, false, false},
		{"2.10", false, true, true},
		{"stable-2.14.10", false, true, true},
		{"2.17", false, true, true},
		{"edge-25.3.1", false, true, true},
		{"edge-25.3.2", true, false, true},
		{"2.18", true, false, true},
		{"enterprise-2.18.1", true, false, true},
		{"version-2.18", true, false, true},
		{"edge-25.9.3", true, false, true},
		{"edge-25.10.1", true, false, false},
		{"2.19", true, false, false},
		{"edge-26.8.3", true, false, false},
	}
	for _, tt := range tests {
		v := MustParseVersion(tt.v)
		got := [3]bool{v.In(transport), v.In(opaqueOnly), v.In(jaeger)}
		if want := [3]bool{tt.transport, tt.opaque, tt.jaegerr}; got != want {
			t.Errorf("%s: In(transport, opaque-only, jaeger) = %v, want %v", tt.v, got, want)
		}
	}
	if (Version{}).In(Range{}) {
		t.Error("the zero Version is in the unbounded range")
	}
}

func TestEdgeLinesOrdered(t *testing.T) {
	t.Parallel()
	lines := edgeLines()
	for i := 1; i < len(lines); i++ {
		if lines[i].minor != lines[i-1].minor+1 || lines[i].first.Compare(lines[i-1].first) <= 0 {
			t.Errorf("edgeLines[%d] = %+v does not follow %+v", i, lines[i], lines[i-1])
		}
	}
	for minor := 15; minor <= 19; minor++ {
		if got, _ := edgeMinor(markerEdge(minor)); got != minor {
			t.Errorf("marker edge of 2.%d maps to 2.%d", minor, got)
		}
	}
}
