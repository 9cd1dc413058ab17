package linkerdauthz

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// TestShape: a destination's segments are answered alike on every port
// they hold, for every client (the matrix decides one port per segment);
// open destinations admit everyone everywhere; two destinations with the
// same key answer alike.
func TestShape(t *testing.T) {
	t.Parallel()
	srvNum := server("num", "9999", map[string]string{"app": "voting"})
	srvName := server("named", "http", map[string]string{"app": "voting"})
	web := authzPolicy("web", ref("Server", "named"), ref("MeshTLSAuthentication", "web"))
	objs := []model.MeshPolicy{srvNum, srvName, web, meshTLS("web", id("web"))}
	clients := []*Client{meshedClient("web", "10.0.0.1"), meshedClient("bot", ""), unmeshedClient("10.0.0.2"), external("203.0.113.0/24")}
	tests := []struct {
		name string
		cfg  Config
		objs []model.MeshPolicy
		dst  *Destination
		open bool
	}{
		{name: "no Server, all-unauthenticated: open", dst: pod("emoji"), open: true},
		{name: "no Server, audit: open", cfg: Config{ClusterDefault: DefaultAudit}, dst: pod("emoji"), open: true},
		{name: "unmeshed: open", objs: objs, dst: pod("voting", unmeshedDst), open: true},
		{name: "release without policy: open", cfg: version("2.10"), objs: objs, dst: pod("voting"), open: true},
		{name: "deny default", cfg: Config{ClusterDefault: DefaultDeny}, dst: pod("emoji", podAnn(AnnotationSkipInbound, "7000-7100"))},
		{name: "Servers by number and name", objs: objs, dst: pod("voting")},
		{name: "require identity ranges", dst: pod("emoji", podAnn(AnnotationRequireIdentity, "8000-8100,9000"))},
		{name: "skip and Server overlap", objs: objs, dst: pod("voting", podAnn(AnnotationSkipInbound, "8000-9000"))},
		{name: "namespace default deny", dst: pod("emoji", nsAnn(AnnotationDefaultPolicy, "deny"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := New(tt.cfg, tt.objs)
			sh := p.Shape(tt.dst)
			if sh.Open != tt.open {
				t.Fatalf("Open = %v, want %v", sh.Open, tt.open)
			}
			segs := sh.Segments
			if sh.Open {
				segs = []Segment{{1, 65535}}
			} else if segs[0].Lo != 1 || segs[len(segs)-1].Hi != 65535 {
				t.Fatalf("segments %v do not cover 1..65535", segs)
			}
			for i, s := range segs {
				if i > 0 && s.Lo != segs[i-1].Hi+1 {
					t.Fatalf("segments %v are not a partition", segs)
				}
				for _, c := range clients {
					want := p.Decide(tt.dst, s.Lo, c).Verdict
					if sh.Open && !admits(want) {
						t.Errorf("open, but port %d from %s: %s", s.Lo, c.ID, want)
					}
					for _, port := range []int32{(s.Lo + s.Hi) / 2, s.Hi, 8080, 9999, 4190, 4191, 7050, 8050, 9000} {
						if port < s.Lo || port > s.Hi {
							continue
						}
						got := p.Decide(tt.dst, port, c).Verdict
						if sh.Open && !admits(got) || !sh.Open && got != want {
							t.Errorf("segment %d-%d from %s: port %d %s, port %d %s", s.Lo, s.Hi, c.ID, s.Lo, want, port, got)
						}
					}
				}
			}
		})
	}
}

// TestShapeKey: destinations that differ only in what does not decide
// (name, labels no Server reads) share a key; another namespace default
// or another Server does not.
func TestShapeKey(t *testing.T) {
	t.Parallel()
	objs := []model.MeshPolicy{server("named", "http", map[string]string{"tier": "back"})}
	p := New(Config{}, objs)
	back := func(name string, tweaks ...func(*Destination)) *Destination {
		d := pod(name, tweaks...)
		d.Spec.Labels["tier"] = "back"
		return d
	}
	a, b := p.Shape(back("voting")), p.Shape(back("emoji"))
	if a.Key != b.Key || a.Open {
		t.Errorf("same Server, same default: keys %q %q", a.Key, b.Key)
	}
	if c := p.Shape(back("emoji", podAnn(AnnotationDefaultPolicy, "deny"))); c.Key == a.Key {
		t.Errorf("another default shares the key %q", c.Key)
	}
	if c := p.Shape(pod("emoji", podAnn(AnnotationDefaultPolicy, "deny"))); c.Key == a.Key {
		t.Errorf("no Server shares the key %q", c.Key)
	}
}

// admits: the verdict lets the connection through.
func admits(v Verdict) bool { return v == Allow || v == Audit || v == NoDecision }

// TestClientClass: clients of one class are answered alike by every
// destination on every port; the identities and networks the policies
// name tell classes apart.
func TestClientClass(t *testing.T) {
	t.Parallel()
	srv := server("named", "http", map[string]string{"app": "voting"})
	web := authzPolicy("web", ref("Server", "named"), ref("MeshTLSAuthentication", "web"), ref("NetworkAuthentication", "lan"))
	sa := serverAuthz("sa", model.MeshServerAuthorization{ServerName: "named", Identities: []string{"*.other.serviceaccount.identity.linkerd.cluster.local"},
		Networks: []model.MeshNetwork{net("10.0.0.0/8")}})
	objs := []model.MeshPolicy{srv, web, sa, meshTLS("web", id("web")), netAuth("lan", net("10.0.0.0/16", "10.0.5.0/24"))}
	p := New(Config{ClusterDefault: DefaultClusterAuthenticated}, objs)
	other := meshedClient("web", "10.0.0.9")
	other.Namespace = "other"
	clients := []*Client{meshedClient("web", "10.0.0.1"), meshedClient("web", "10.0.0.2"), meshedClient("web", "10.0.5.1"),
		meshedClient("web", ""), meshedClient("bot", "10.0.0.3"), meshedClient("bot2", "10.0.0.4"), other,
		unmeshedClient("10.0.0.1"), unmeshedClient("192.168.1.1"), external("203.0.113.0/24"), external("10.0.4.0/23")}
	dsts := []*Destination{pod("voting"), pod("emoji"), pod("voting", podAnn(AnnotationDefaultPolicy, "cluster-unauthenticated"))}
	classes := map[string]bool{}
	for i, a := range clients {
		classes[p.ClientClass(a)] = true
		for _, b := range clients[i+1:] {
			if p.ClientClass(a) != p.ClientClass(b) {
				continue
			}
			for _, d := range dsts {
				for _, port := range []int32{8080, 9090} {
					if va, vb := p.Decide(d, port, a).Verdict, p.Decide(d, port, b).Verdict; va != vb {
						t.Errorf("%s (%s) and %s (%s) share class %q; %s:%d answers %s and %s", a.ID, a.Addr, b.ID, b.Addr, p.ClientClass(a), d.ID, port, va, vb)
					}
				}
			}
		}
	}
	// web in and out of lan, web unknown, bot (two service accounts, one
	// class), other's namespace, unmeshed in and out of the cluster, two
	// externals (one straddles lan's except).
	if len(classes) < 8 {
		t.Errorf("%d classes, want at least 8: %v", len(classes), classes)
	}
}
