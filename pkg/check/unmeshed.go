package check

import (
	"fmt"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// unmeshedResult checks application traffic from unmeshed clients to the
// application ports of meshed pods. An unmeshed client has no proxy: it
// connects to the application port itself, which the server's proxy
// intercepts (Profile.TransportPort leaves its port as is). So where the
// mesh moves meshed traffic to the proxy's inbound port (4143 from Linkerd
// 2.18), NetworkPolicy must still admit the application port for
// unmeshed clients, and the proxy's direct inbound port accepts only
// mutually authenticated TLS (linkerd2 linkerd/app/inbound/src/direct.rs),
// so admitting 4143 does not admit them. And the proxy treats them as
// unauthenticated: a *-authenticated or deny default, or a Server whose
// authorizations require an identity, refuses them. The line warns (‼)
// about the connections the policies mean to admit — on the proxy port,
// or on the application port — that do not work; which unmeshed clients
// an application needs podreach cannot know, so nothing here is ×.
func (r *runner) unmeshedResult(f mesh.Flow, ports []appPort, meshedClient int) Result {
	res := sideResult(f, "-unmeshed-clients", "unmeshed clients the policies admit reach meshed servers",
		"an unmeshed client connects to the application port: admit that port (not only 4143) in NetworkPolicy, and authorize it in Linkerd (a NetworkAuthentication of its address) or mesh it")
	var proxyOnly, refused []string
	for ci := range r.c.Workloads {
		if r.meshed[ci] {
			continue
		}
		res.Sources++
		cw := &r.c.Workloads[ci]
		s := r.endpointOf(ci)
		for _, ap := range ports {
			d := r.endpointOf(ap.backend)
			backend := &r.c.Workloads[ap.backend]
			if s == d {
				continue
			}
			allowed := r.judge(r.a, s, d)
			port, _ := r.p.TransportPort(&cw.Template, &backend.Template, ap.port, model.TCP)
			if !allowed.Contains(model.TCP, int(port)) {
				// What a meshed client's connection would arrive on.
				if wire, rewrote := r.meshedWire(meshedClient, backend, ap.port); rewrote && allowed.Contains(model.TCP, int(wire)) {
					proxyOnly = append(proxyOnly, fmt.Sprintf("%s → %s:%d (admitted on %d only)", cw.ID(), backend.ID(), ap.port, wire))
				}
				continue
			}
			if ld, ok := r.a.LinkerdDecision(s, d, int(port)); ok && ld.Verdict == linkerdauthz.Deny {
				refused = append(refused, fmt.Sprintf("%s → %s:%d: Linkerd %s (%s)%s", cw.ID(), backend.ID(), port, ld.Verdict, ld.Code, authzWhy(ld)))
			}
		}
	}
	if len(proxyOnly)+len(refused) == 0 {
		return res
	}
	res.Status = StatusWarning
	if len(proxyOnly) > 0 {
		res.Details = append(res.Details, fmt.Sprintf("%d connections from unmeshed clients are admitted on the proxy's inbound port only, where meshed clients arrive; an unmeshed client connects to the application port and is blocked, e.g. %s", len(proxyOnly), proxyOnly[0]))
	}
	if len(refused) > 0 {
		res.Details = append(res.Details, fmt.Sprintf("%d connections from unmeshed clients that NetworkPolicy admits are refused by the destination's proxy (an unmeshed client is unauthenticated), e.g. %s", len(refused), refused[0]))
	}
	return res
}

// meshedWire is the port a meshed client (workload index mc; -1: none in
// the cluster) would arrive on at port of backend.
func (r *runner) meshedWire(mc int, backend *model.Workload, port int32) (int32, bool) {
	if mc < 0 {
		return port, false
	}
	return r.p.TransportPort(&r.c.Workloads[mc].Template, &backend.Template, port, model.TCP)
}
