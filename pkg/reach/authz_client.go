package reach

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// withClientSide puts the client's own proxy before ld, the destination
// proxy's decision, when endpoint s dials Service svc on port ps (explain
// --to svc/… --port N): from Linkerd 2.19 the client's proxy refuses a
// port the Service does not declare (linkerdauthz.Policies.Outbound).
func (a *Analysis) withClientSide(ld linkerdauthz.Decision, s int, svc *model.Service, ps PortSpec) linkerdauthz.Decision {
	if a.authz == nil || svc == nil || ps.Number == 0 || ps.Protocol != model.TCP {
		return ld
	}
	dial := &linkerdauthz.ServiceDial{ID: svc.Namespace + "/" + svc.Name, Type: svc.Type, Headless: svc.Headless, Port: int32(ps.Number)}
	for _, sp := range svc.Ports {
		if sp.Protocol == model.TCP {
			dial.TCPPorts = append(dial.TCPPorts, sp.Port)
		}
	}
	c := a.linkerdClient(s)
	skip := ""
	if spec := a.specs[s]; spec != nil {
		skip = spec.Annotations[linkerdauthz.AnnotationSkipOutbound]
	}
	return linkerdauthz.Combine(a.authz.pols.Outbound(&c, skip, dial), ld)
}
