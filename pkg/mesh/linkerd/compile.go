package linkerd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

// compile parses a rangeDef: min and max are "2.N", the edge bounds
// "edge-YY.M.N".
func (d rangeDef) compile() (Range, error) {
	var r Range
	var errs []error
	minor := func(s string, dst *int) {
		if s == "" {
			return
		}
		v, err := parseNumbered(ChannelPlain, s, false)
		if err == nil && v.HasPatch {
			err = errors.New("want 2.N")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("version bound %q: %w", s, err))
		}
		*dst = v.Minor
	}
	edge := func(s string, dst *EdgeTag) {
		if s == "" {
			return
		}
		e, err := parseEdge(strings.TrimPrefix(s, "edge-"))
		if err != nil || !strings.HasPrefix(s, "edge-") {
			errs = append(errs, fmt.Errorf("edge bound %q: want edge-YY.M.N", s))
		}
		*dst = e
	}
	minor(d.Min, &r.Min)
	minor(d.Max, &r.Max)
	edge(d.EdgeMin, &r.EdgeMin)
	edge(d.EdgeBefore, &r.EdgeBefore)
	if r.Min != 0 && r.Max != 0 && r.Min > r.Max {
		errs = append(errs, fmt.Errorf("min 2.%d is after max 2.%d", r.Min, r.Max))
	}
	if !r.EdgeMin.IsZero() && !r.EdgeBefore.IsZero() && r.EdgeMin.Compare(r.EdgeBefore) >= 0 {
		errs = append(errs, fmt.Errorf("edge_min %s is not before edge_before %s", r.EdgeMin, r.EdgeBefore))
	}
	return r, errors.Join(errs...)
}

// checkOverlap reports releases that more than one variant claims in the
// same transport mode. It probes every plain 2.N, every marker, and every
// edge bound of the variants together with the edge just before it.
func checkOverlap(vs []variant) error {
	var errs []error
	for _, v := range probeVersions(vs) {
		for _, mode := range []TransportMode{TransportHeader, Transparent} {
			n := 0
			for _, va := range vs {
				if v.In(va.versions) && (va.ifMode == TransportModeUnknown || va.ifMode == mode) {
					n++
				}
			}
			if n > 1 {
				errs = append(errs, fmt.Errorf("%d variants contain %s (%s)", n, v, mode))
				break
			}
		}
	}
	return errors.Join(errs...)
}

// probeVersions lists the releases checkOverlap tries.
func probeVersions(vs []variant) []Version {
	var out []Version
	for minor := 1; minor <= 21; minor++ {
		out = append(out, Version{Channel: ChannelPlain, Minor: minor})
		if e := markerEdge(minor); !e.IsZero() {
			out = append(out, Version{Channel: ChannelMarker, Minor: minor, Edge: e})
		}
	}
	var edges []EdgeTag
	for _, l := range edgeLines() {
		edges = append(edges, l.first)
	}
	for _, v := range vs {
		edges = append(edges, v.versions.EdgeMin, v.versions.EdgeBefore)
	}
	for _, e := range edges {
		for _, probe := range []EdgeTag{e, {e.Year, e.Month, e.N - 1}} {
			if minor, ok := edgeMinor(probe); ok && probe.N > 0 {
				out = append(out, Version{Channel: ChannelEdge, Minor: minor, Edge: probe})
			}
		}
	}
	return out
}

// parsePorts parses "PORT/PROTO [name]" entries.
func parsePorts(specs []string) ([]mesh.Port, error) {
	var out []mesh.Port
	for _, s := range specs {
		fields := strings.Fields(s)
		if len(fields) == 0 {
			return nil, errors.New("empty port")
		}
		num, proto, ok := strings.Cut(fields[0], "/")
		n, err := atois([]string{num})
		if !ok || err != nil || n[0] < 1 || n[0] > 65535 || len(fields) > 2 {
			return nil, fmt.Errorf("port %q: want PORT/PROTO [name]", s)
		}
		p, err := model.ParseProtocol(proto)
		if err != nil {
			return nil, fmt.Errorf("port %q: %w", s, err)
		}
		port := mesh.Port{Port: int32(n[0]), Protocol: p}
		if len(fields) == 2 {
			port.Name = fields[1]
		}
		out = append(out, port)
	}
	return out, nil
}
