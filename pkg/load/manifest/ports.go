package manifest

import (
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/podreach/podreach/pkg/model"
)

// protocolOf defaults an empty protocol to TCP, as the API does for
// container and Service ports, and validates it.
func protocolOf(o *object, path string, p corev1.Protocol) (model.Protocol, bool) {
	if p == "" {
		return model.TCP, true
	}
	if !validateProtocol(o, path, string(p)) {
		return model.ProtocolUnknown, false
	}
	proto, err := model.ParseProtocol(string(p))
	return proto, err == nil
}

// containerPort validates and converts a container port. "containerPort:
// Number of port to expose on the pod's IP address. This must be a valid
// port number, 0 < x < 65536." "name: If specified, this must be an
// IANA_SVC_NAME and unique within the pod." A bad name only warns: it
// cannot widen what a policy allows (a named policy port that does not
// resolve matches nothing).
func containerPort(o *object, path, container string, p *corev1.ContainerPort) (model.ContainerPort, bool) {
	ok := validatePortNumber(o, path+".containerPort", p.ContainerPort)
	proto, pok := protocolOf(o, path+".protocol", p.Protocol)
	if p.Name != "" {
		if msgs := validation.IsValidPortName(p.Name); len(msgs) > 0 {
			o.warnf(path+".name", "invalid port name %q: %s", p.Name, strings.Join(msgs, "; "))
		}
	}
	if !ok || !pok {
		return model.ContainerPort{}, false
	}
	return model.ContainerPort{Container: container, Name: p.Name, Port: p.ContainerPort, Protocol: proto}, true
}

// servicePort validates and converts a Service port. "port: The port that
// will be exposed by this service." "targetPort: Number or name of the port
// to access on the pods targeted by the service. Number must be in the range
// 1 to 65535. Name must be an IANA_SVC_NAME. ... If this is not specified,
// the value of the 'port' field is used."
func servicePort(o *object, path string, p *corev1.ServicePort) (model.ServicePort, bool) {
	ok := validatePortNumber(o, path+".port", p.Port)
	proto, pok := protocolOf(o, path+".protocol", p.Protocol)
	switch t := p.TargetPort; {
	case t.Type == intstr.String && t.StrVal != "":
		if msgs := validation.IsValidPortName(t.StrVal); len(msgs) > 0 {
			o.errorf(path+".targetPort", "invalid port name %q: %s", t.StrVal, strings.Join(msgs, "; "))
			ok = false
		}
	case t.Type == intstr.Int && t.IntVal != 0:
		ok = validatePortNumber(o, path+".targetPort", t.IntVal) && ok
	}
	if p.Name != "" {
		if msgs := validation.IsDNS1123Label(p.Name); len(msgs) > 0 {
			o.errorf(path+".name", "invalid port name %q: %s", p.Name, strings.Join(msgs, "; "))
		}
	}
	if !ok || !pok {
		return model.ServicePort{}, false
	}
	return model.ServicePort{Name: p.Name, Port: p.Port, TargetPort: p.TargetPort, Protocol: proto}, true
}

// podIPs returns status.podIPs, or status.podIP when that is empty ("podIPs
// holds the IP addresses allocated to the pod. If this field is specified,
// the 0th entry must match the podIP field."). Duplicates are dropped.
func podIPs(o *object, s *corev1.PodStatus) []netip.Addr {
	var out []netip.Addr
	add := func(path, ip string) {
		a, err := netip.ParseAddr(ip)
		switch {
		case err != nil || a.Zone() != "":
			o.errorf(path, "invalid IP %q", ip)
		case !slices.Contains(out, a.Unmap()):
			out = append(out, a.Unmap())
		}
	}
	for i, ip := range s.PodIPs {
		add(indexPath("status.podIPs", i)+".ip", ip.IP)
	}
	if len(s.PodIPs) == 0 && s.PodIP != "" {
		add("status.podIP", s.PodIP)
	}
	return out
}
