package linkerd

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

func TestTransportPort(t *testing.T) {
	t.Parallel()
	meshed := func(ann ...string) *model.PodSpec {
		s := &model.PodSpec{Annotations: map[string]string{}, Containers: []model.Container{
			{Name: "app", Ports: []model.ContainerPort{{Name: "redis", Port: 6379, Protocol: model.TCP},
				{Name: "web", Port: 8080, Protocol: model.TCP}}},
			{Name: containerProxy, Init: true}}}
		for i := 0; i < len(ann); i += 2 {
			s.Annotations[ann[i]] = ann[i+1]
		}
		return s
	}
	plain := &model.PodSpec{Containers: []model.Container{{Name: "app"}}}
	transparent := []Option{WithTransportMode(Transparent)}
	tests := []struct {
		name     string
		version  string
		opts     []Option
		src, dst *model.PodSpec
		port     int32
		proto    model.Protocol
		want     int32
		rewrote  bool
	}{
		// ≤2.9: the app port, even for opaque-looking ports.
		{"2.9 app port", "2.9", nil, meshed(), meshed(), 8080, model.TCP, 8080, false},
		{"2.9 mysql", "2.9", nil, meshed(), meshed(), 3306, model.TCP, 3306, false},
		{"seed era", "edge-19.1.2", nil, meshed(), meshed(), 8086, model.TCP, 8086, false},
		// 2.10: its own default list (443 opaque, 6379 not).
		{"2.10 443 default opaque", "2.10", nil, meshed(), meshed(), 443, model.TCP, 4143, true},
		{"2.10 6379 not default", "2.10", nil, meshed(), meshed(), 6379, model.TCP, 6379, false},
		// 2.11-2.17: default list, annotation (numbers, ranges, names) replaces it.
		{"2.14 http", "stable-2.14.10", nil, meshed(), meshed(), 8080, model.TCP, 8080, false},
		{"2.14 redis default", "stable-2.14.10", nil, meshed(), meshed(), 6379, model.TCP, 4143, true},
		{"2.14 443 not default", "stable-2.14.10", nil, meshed(), meshed(), 443, model.TCP, 443, false},
		{"2.14 annotation number", "stable-2.14.10", nil, meshed(), meshed(annotationOpaquePorts, "8080"), 8080, model.TCP, 4143, true},
		{"2.14 annotation range", "stable-2.14.10", nil, meshed(), meshed(annotationOpaquePorts, "8000-8090"), 8080, model.TCP, 4143, true},
		{"2.14 annotation name", "stable-2.14.10", nil, meshed(), meshed(annotationOpaquePorts, "web"), 8080, model.TCP, 4143, true},
		{"2.14 annotation replaces default", "stable-2.14.10", nil, meshed(), meshed(annotationOpaquePorts, "8080"), 6379, model.TCP, 6379, false},
		{"2.14 empty annotation: nothing opaque", "stable-2.14.10", nil, meshed(), meshed(annotationOpaquePorts, ""), 6379, model.TCP, 6379, false},
		{"2.14 malformed entries ignored", "stable-2.14.10", nil, meshed(), meshed(annotationOpaquePorts, "x-y, 9-1,8080"), 8080, model.TCP, 4143, true},
		{"2.14 cluster default list", "stable-2.14.10", []Option{WithOpaquePorts("8080")}, meshed(), meshed(), 8080, model.TCP, 4143, true},
		{"2.14 skip-inbound wins over opaque", "stable-2.14.10", nil, meshed(), meshed(annotationSkipInbound, "6379"), 6379, model.TCP, 6379, false},
		{"2.17 opaque", "2.17", nil, meshed(), meshed(), 5432, model.TCP, 4143, true},
		{"edge-25.3.1 still 2.17 rule", "edge-25.3.1", nil, meshed(), meshed(), 8080, model.TCP, 8080, false},
		// 2.18+ (edge-25.3.2+): everything to 4143, except meta and skipped ports.
		{"edge-25.3.2 all to 4143", "edge-25.3.2", nil, meshed(), meshed(), 8080, model.TCP, 4143, true},
		{"2.18 app port", "2.18", nil, meshed(), meshed(), 8080, model.TCP, 4143, true},
		{"2.19 admin ports of controllers", "2.19", nil, meshed(), meshed(), 9996, model.TCP, 4143, true},
		{"edge-26.8.3", "edge-26.8.3", nil, meshed(), meshed(), 80, model.TCP, 4143, true},
		{"2.18 proxy admin 4191", "2.18", nil, meshed(), meshed(), 4191, model.TCP, 4191, false},
		{"2.18 proxy tap 4190", "2.18", nil, meshed(), meshed(), 4190, model.TCP, 4190, false},
		{"2.18 skip-inbound", "2.18", nil, meshed(), meshed(annotationSkipInbound, "8000-8100"), 8080, model.TCP, 8080, false},
		{"2.18 client skips outbound", "2.18", nil, meshed(annotationSkipOutbound, "8080"), meshed(), 8080, model.TCP, 8080, false},
		{"2.18 transparent: 2.17 rule", "2.18", transparent, meshed(), meshed(), 8080, model.TCP, 8080, false},
		{"2.18 transparent opaque", "2.18", transparent, meshed(), meshed(), 3306, model.TCP, 4143, true},
		// Not mesh-to-mesh TCP.
		{"UDP never proxied", "2.18", nil, meshed(), meshed(), 53, model.UDP, 53, false},
		{"SCTP never proxied", "2.18", nil, meshed(), meshed(), 3868, model.SCTP, 3868, false},
		{"unmeshed client", "2.18", nil, plain, meshed(), 8080, model.TCP, 8080, false},
		{"unmeshed server", "2.18", nil, meshed(), plain, 8080, model.TCP, 8080, false},
		{"nil spec", "2.18", nil, nil, meshed(), 8080, model.TCP, 8080, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, rewrote := install(tt.version, tt.opts...).TransportPort(tt.src, tt.dst, tt.port, tt.proto)
			if got != tt.want || rewrote != tt.rewrote {
				t.Errorf("TransportPort(%d/%s) = %d, %v; want %d, %v", tt.port, tt.proto, got, rewrote, tt.want, tt.rewrote)
			}
		})
	}
}

// TestTransportPortsMatchesTransportPort: the set form answers as the
// per-port form on every port, for every kind of pair and era.
func TestTransportPortsMatchesTransportPort(t *testing.T) {
	t.Parallel()
	specs := map[string]*model.PodSpec{
		"plain":         {Containers: []model.Container{{Name: "app"}}},
		"meshed":        meshedSpec(nil, nil),
		"skip-in":       meshedSpec(map[string]string{annotationSkipInbound: "3306, 9000-9100,db"}, nil),
		"skip-out":      meshedSpec(map[string]string{annotationSkipOutbound: "443"}, nil),
		"opaque":        meshedSpec(map[string]string{annotationOpaquePorts: "7000-7001"}, nil),
		"control-plane": meshedSpec(nil, map[string]string{labelComponent: "destination"}),
	}
	eachEra(t, func(v string, in *Install) {
		for sn, src := range specs {
			for dn, dst := range specs {
				set := in.TransportPorts(src, dst)
				for port := int32(1); port <= 65535; port++ {
					_, rewrote := in.TransportPort(src, dst, port, model.TCP)
					if set.Contains(model.TCP, int(port)) != rewrote {
						t.Fatalf("%s, %s → %s port %d: TransportPorts says %v, TransportPort %v", v, sn, dn, port, !rewrote, rewrote)
					}
				}
			}
		}
	})
}

// TestTransportKeys: specs with equal keys get equal TransportPorts from
// (client key) or toward (server key) every other spec, a spec keyed ""
// is never rewritten, and specs that TransportPorts tells apart have
// different keys.
func TestTransportKeys(t *testing.T) {
	t.Parallel()
	specs := map[string]*model.PodSpec{
		"nil":              nil,
		"plain":            {Containers: []model.Container{{Name: "app"}}},
		"meshed":           meshedSpec(nil, nil),
		"meshed-labelled":  meshedSpec(nil, map[string]string{"app": "x"}),
		"skip-in":          meshedSpec(map[string]string{annotationSkipInbound: "3306, 9000-9100,db"}, nil),
		"skip-in-numbers":  meshedSpec(map[string]string{annotationSkipInbound: "5432,3306,9000-9100"}, nil),
		"skip-out":         meshedSpec(map[string]string{annotationSkipOutbound: "443"}, nil),
		"skip-out-spaced":  meshedSpec(map[string]string{annotationSkipOutbound: " 443 ,"}, nil),
		"opaque":           meshedSpec(map[string]string{annotationOpaquePorts: "7000-7001"}, nil),
		"opaque-named":     meshedSpec(map[string]string{annotationOpaquePorts: "db"}, nil),
		"opaque-empty":     meshedSpec(map[string]string{annotationOpaquePorts: ""}, nil),
		"control-plane":    meshedSpec(nil, map[string]string{labelComponent: "destination"}),
		"control-plane-id": meshedSpec(nil, map[string]string{labelComponent: "identity"}),
	}
	eachEra(t, func(v string, in *Install) {
		for an, a := range specs {
			ac, as := in.TransportKeys(a)
			for bn, b := range specs {
				bc, bs := in.TransportKeys(b)
				for on, o := range specs {
					if ac == bc && !in.TransportPorts(a, o).Equal(in.TransportPorts(b, o)) {
						t.Errorf("%s: %s and %s share client key %q but differ toward %s", v, an, bn, ac, on)
					}
					if as == bs && !in.TransportPorts(o, a).Equal(in.TransportPorts(o, b)) {
						t.Errorf("%s: %s and %s share server key %q but differ from %s", v, an, bn, as, on)
					}
					if (ac == "" || as == "") && (!in.TransportPorts(a, o).IsEmpty() || !in.TransportPorts(o, a).IsEmpty()) {
						t.Errorf("%s: %s is keyed \"\" but is rewritten with %s", v, an, on)
					}
				}
			}
		}
		// Keys that must differ: the answer differs.
		for _, d := range [][2]string{{"meshed", "skip-out"}, {"meshed", "plain"}} {
			if c0, _ := in.TransportKeys(specs[d[0]]); v != "2.9" && c0 == first(in.TransportKeys(specs[d[1]])) {
				t.Errorf("%s: %s and %s share a client key", v, d[0], d[1])
			}
		}
		for _, d := range [][2]string{{"meshed", "skip-in"}, {"meshed", "control-plane"}} {
			if _, s0 := in.TransportKeys(specs[d[0]]); v != "2.9" && s0 == second(in.TransportKeys(specs[d[1]])) {
				t.Errorf("%s: %s and %s share a server key", v, d[0], d[1])
			}
		}
	})
}

// meshedSpec is a pod with a proxy and an application port "db" (5432).
func meshedSpec(annotations map[string]string, labels map[string]string) *model.PodSpec {
	return &model.PodSpec{Labels: labels, Annotations: annotations, Containers: []model.Container{
		{Name: containerProxy}, {Name: "app", Ports: []model.ContainerPort{{Name: "db", Port: 5432, Protocol: model.TCP}}}}}
}

// eachEra calls fn with an install of each era the transport rules tell
// apart.
func eachEra(t *testing.T, fn func(v string, in *Install)) {
	for _, v := range []string{"2.9", "2.14", "edge-25.3.1", "edge-26.8.3"} {
		in, err := New(MustParseVersion(v))
		if err != nil {
			t.Fatal(err)
		}
		fn(v, in)
	}
}

func first(a, _ string) string  { return a }
func second(_, b string) string { return b }
