package check

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// appPort is a Service port resolved on one backend workload (its index
// in runner.c).
type appPort struct {
	backend int
	port    int32
}

// dataPlane checks application traffic between meshed pods (a flow with no
// listed ports): for every Service port backed by a meshed workload and
// every meshed client the policies admit on that port, the connection must
// also be admitted on the port the mesh actually uses (4143 from Linkerd
// 2.18). The second result warns about the reverse: where the mesh port is
// open but the application port is not, meshed clients bypass the
// NetworkPolicy's port restriction (unless the destination's Linkerd proxy
// refuses them on that port). The third is about unmeshed clients
// (unmeshed.go).
func (r *runner) dataPlane(f mesh.Flow) []Result {
	blocked, bypass := newResult(f), bypassResult(f)
	var clients []int
	for i := range r.c.Workloads {
		if r.meshed[i] {
			clients = append(clients, i)
		}
	}
	var denied []blockedConn
	var judged [][2]int // the pairs whose connections the mesh rewrites
	appPorts := r.appPorts()
	for _, ap := range appPorts {
		backend := &r.c.Workloads[ap.backend]
		d := r.endpointOf(ap.backend)
		for _, ci := range clients {
			cw := &r.c.Workloads[ci]
			s := r.endpointOf(ci)
			if s == d {
				continue
			}
			wire, rewrote := r.p.TransportPort(&cw.Template, &backend.Template, ap.port, model.TCP)
			if !rewrote {
				continue
			}
			judged = append(judged, [2]int{s, d})
			allowed := r.judge(r.a, s, d)
			appOK, wireOK := allowed.Contains(model.TCP, int(ap.port)), allowed.Contains(model.TCP, int(wire))
			switch {
			case appOK && !wireOK:
				denied = append(denied, blockedConn{s, d, wire, ap.port, model.TCP})
			case wireOK && !appOK && !r.linkerdRefuses(s, d, ap.port):
				bypass.Blocked = append(bypass.Blocked, Pair{From: cw.ID(), To: backend.ID(), Port: wire, AppPort: ap.port, Protocol: model.TCP})
			}
		}
	}
	blocked.Blocked, blocked.Undecided = splitUndecided(r.blockedPairs(denied))
	blocked.Sources, bypass.Sources = len(clients), len(clients)
	if len(blocked.Blocked) > 0 {
		blocked.Status = severityStatus(f.Severity)
		blocked.Policies = blockingPolicies(blocked.Blocked)
		blocked.Details = append(describeBlocked(f.From.Name, len(clients), blocked.Blocked),
			fmt.Sprintf("the policies admit the application port, but meshed connections arrive on %d", blocked.Blocked[0].Port))
	}
	if len(bypass.Blocked) > 0 {
		p := bypass.Blocked[0]
		bypass.Status = StatusWarning
		bypass.Details = []string{fmt.Sprintf("%d meshed connections the policies deny on the application port are admitted on the proxy port, e.g. %s → %s:%d (via %d)",
			len(bypass.Blocked), p.From, p.To, p.AppPort, p.Port)}
	}
	markUndecided(&blocked)
	r.markUnknownPairs(&blocked, judged)
	meshedClient := -1
	if len(clients) > 0 {
		meshedClient = clients[0]
	}
	return []Result{blocked, bypass, r.unmeshedResult(f, appPorts, meshedClient)}
}

// linkerdRefuses reports whether the Linkerd layer refuses the connection
// from endpoint s to application port port of endpoint d: then the proxy
// port does not let it bypass NetworkPolicy's port restriction (what fix
// proposes for a bypass: per-port control in Linkerd).
func (r *runner) linkerdRefuses(s, d int, port int32) bool {
	ld, ok := r.a.LinkerdDecision(s, d, int(port))
	return ok && ld.Verdict == linkerdauthz.Deny
}

// bypassResult is the empty result of dataPlane's reverse check.
func bypassResult(f mesh.Flow) Result {
	return sideResult(f, "-port-bypass", "NetworkPolicy port restrictions still apply to meshed clients",
		"opening the proxy port lets meshed clients reach every port the proxy fronts: express per-port rules as Linkerd policy (Server + AuthorizationPolicy)")
}

// sideResult is an empty, not fixable line the data-plane flow f adds
// beside its own: its ID is f's plus suffix, and so is its anchor.
func sideResult(f mesh.Flow, suffix, description, hint string) Result {
	res := newResult(f)
	res.ID = f.ID + suffix
	res.Description = description
	res.Anchor = strings.TrimSuffix(f.Anchor, f.ID) + res.ID
	res.Hint = hint
	res.Fixable = false
	return res
}

// appPorts lists the TCP ports Services expose on meshed workloads,
// resolved to container ports (named targetPorts per backend).
func (r *runner) appPorts() []appPort {
	var out []appPort
	seen := r.meshPorts()
	for _, svc := range r.c.Services {
		if len(svc.Selector) == 0 {
			continue
		}
		sel := labels.SelectorFromSet(svc.Selector)
		for _, i := range r.byNS[svc.Namespace] {
			w := &r.c.Workloads[i]
			if !sel.Matches(labels.Set(w.Template.Labels)) || !r.meshed[i] {
				continue
			}
			for _, sp := range svc.Ports {
				if sp.Protocol != model.TCP {
					continue
				}
				if port, ok := targetPort(sp, w); ok && !seen[appPort{i, port}] {
					seen[appPort{i, port}] = true
					out = append(out, appPort{i, port})
				}
			}
		}
	}
	return out
}

func targetPort(sp model.ServicePort, w *model.Workload) (int32, bool) {
	switch {
	case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
		for _, cp := range w.Template.Ports() {
			if cp.Name == sp.TargetPort.StrVal && cp.Protocol == sp.Protocol {
				return cp.Port, true
			}
		}
		return 0, false
	case sp.TargetPort.IntValue() != 0:
		return int32(sp.TargetPort.IntValue()), true
	}
	return sp.Port, true
}

// meshPorts marks the destination ports the mesh itself uses with direct
// transport (the proxies' control-plane connections, webhooks): they are
// not application traffic, and the proxy never rewrites them. A direct
// flow from plain pods (the unmeshed heartbeat querying Prometheus) is
// direct only because its client is unmeshed: meshed clients of the same
// port are still application traffic, so it marks nothing.
func (r *runner) meshPorts() map[appPort]bool {
	out := map[appPort]bool{}
	for _, f := range r.flows {
		if f.Transport != mesh.TransportDirect || f.To.Kind != mesh.PeerPods || f.From.Kind == mesh.PeerPods {
			continue
		}
		for _, w := range r.resolve(f.To).workloads {
			for _, p := range f.Ports {
				out[appPort{w, p.Port}] = true
			}
		}
	}
	return out
}
