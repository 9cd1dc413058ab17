package linkerd

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Channel is the kind of release string a Version was parsed from.
type Channel uint8

// Release channels.
const (
	ChannelUnknown    Channel = iota
	ChannelStable             // stable-2.14.10
	ChannelEdge               // edge-25.4.4
	ChannelEnterprise         // enterprise-2.16.2 (Buoyant; follows the matching 2.N, linkerd.md §0)
	ChannelMarker             // version-2.18 (the repository tag marking a 2.N release)
	ChannelPlain              // 2.18 or 2.18.3
)

func (c Channel) String() string {
	switch c {
	case ChannelStable:
		return "stable"
	case ChannelEdge:
		return "edge"
	case ChannelEnterprise:
		return "enterprise"
	case ChannelMarker:
		return "version"
	case ChannelPlain:
		return "plain"
	}
	return "unknown"
}

// Version is a Linkerd 2 release. Linkerd calls 2.N a major version; Minor
// holds N. The zero value is the unknown version, which no range contains.
type Version struct {
	Channel  Channel
	Minor    int     // N in 2.N; edge releases are mapped onto it (edges.go)
	Patch    int     // P in 2.N.P when HasPatch
	HasPatch bool    //
	Edge     EdgeTag // the exact edge release: set for edges and for version-2.15 … version-2.19
}

// ParseVersion parses the forms Linkerd and its users write:
// "edge-25.4.4", "stable-2.14.10", "enterprise-2.16.2", "version-2.18",
// "2.18" and "2.18.3". Releases before 2.1 are rejected.
func ParseVersion(s string) (Version, error) {
	v, err := parseVersion(strings.TrimSpace(s))
	if err != nil {
		return Version{}, fmt.Errorf("invalid Linkerd version %q: %w", s, err)
	}
	return v, nil
}

// MustParseVersion is ParseVersion for tests; it panics on error.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

func parseVersion(s string) (Version, error) {
	switch {
	case strings.HasPrefix(s, "edge-"):
		e, err := parseEdge(s[len("edge-"):])
		if err != nil {
			return Version{}, err
		}
		minor, ok := edgeMinor(e)
		if !ok {
			return Version{}, fmt.Errorf("%s predates Linkerd 2.1, the oldest release podreach models", e)
		}
		return Version{Channel: ChannelEdge, Minor: minor, Edge: e}, nil
	case strings.HasPrefix(s, "stable-"):
		return parseNumbered(ChannelStable, s[len("stable-"):], true)
	case strings.HasPrefix(s, "enterprise-"):
		return parseNumbered(ChannelEnterprise, s[len("enterprise-"):], false)
	case strings.HasPrefix(s, "version-"):
		v, err := parseNumbered(ChannelMarker, s[len("version-"):], false)
		if err != nil {
			return Version{}, err
		}
		if v.HasPatch {
			return Version{}, fmt.Errorf("a version-2.N tag has no patch number")
		}
		v.Edge = markerEdge(v.Minor)
		return v, nil
	}
	return parseNumbered(ChannelPlain, s, false)
}

// parseNumbered parses "2.N" or "2.N.P".
func parseNumbered(ch Channel, s string, needPatch bool) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 || (needPatch && len(parts) != 3) {
		return Version{}, fmt.Errorf("want stable-2.N.P, edge-YY.M.N, enterprise-2.N.P, version-2.N or 2.N[.P]")
	}
	nums, err := atois(parts)
	if err != nil {
		return Version{}, err
	}
	if nums[0] != 2 {
		return Version{}, fmt.Errorf("only Linkerd 2.x is modelled")
	}
	if nums[1] < 1 {
		return Version{}, fmt.Errorf("release 2.%d predates 2.1, the oldest release podreach models", nums[1])
	}
	v := Version{Channel: ch, Minor: nums[1]}
	if len(nums) == 3 {
		v.Patch, v.HasPatch = nums[2], true
	}
	return v, nil
}

// atois parses unsigned decimal numbers.
func atois(parts []string) ([]int, error) {
	out := make([]int, len(parts))
	for i, p := range parts {
		if p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", p, err)
		}
		out[i] = n
	}
	return out, nil
}

// String gives back the canonical form of what was parsed.
func (v Version) String() string {
	switch v.Channel {
	case ChannelEdge:
		return v.Edge.String()
	case ChannelStable:
		return fmt.Sprintf("stable-2.%d.%d", v.Minor, v.Patch)
	case ChannelMarker:
		return fmt.Sprintf("version-2.%d", v.Minor)
	case ChannelEnterprise, ChannelPlain:
		s := fmt.Sprintf("2.%d", v.Minor)
		if v.HasPatch {
			s += "." + strconv.Itoa(v.Patch)
		}
		if v.Channel == ChannelEnterprise {
			s = "enterprise-" + s
		}
		return s
	}
	return "unknown"
}

// IsZero reports whether v is the unknown version.
func (v Version) IsZero() bool { return v == Version{} }

// Compare orders versions by 2.N, then, within one 2.N, releases without an
// exact edge (stable, plain, enterprise; by patch) before edges (by tag).
// Versions that compare equal behave identically for podreach.
func (v Version) Compare(o Version) int {
	if c := cmp.Compare(v.Minor, o.Minor); c != 0 {
		return c
	}
	if c := cmp.Compare(boolInt(!v.Edge.IsZero()), boolInt(!o.Edge.IsZero())); c != 0 {
		return c
	}
	if c := v.Edge.Compare(o.Edge); c != 0 {
		return c
	}
	return cmp.Compare(v.Patch, o.Patch)
}

// AtLeast reports whether v is 2.minor or later.
func (v Version) AtLeast(minor int) bool { return v.Minor >= minor }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
