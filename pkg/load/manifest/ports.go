package manifest

import (
	"cmp"
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
// IANA_SVC_NAME and unique within the pod." validateContainerPorts
// (k8s.io/kubernetes pkg/apis/core/validation) refuses an invalid name, a
// name used twice in one container ("Duplicate value") and an invalid
// hostPort. A name used in two containers of a pod is accepted; the API
// server only warns that "services and probes that select ports by name
// will use" the first (pkg/api/pod/warnings.go), which podreach does not
// repeat: it concerns Services and probes, and well-known manifests (Linkerd
// 2.x's controller) carry it. names maps the pod's port names to their paths.
func containerPort(o *object, path, container string, p *corev1.ContainerPort, names map[string]string) (model.ContainerPort, bool) {
	ok := validatePortNumber(o, path+".containerPort", p.ContainerPort)
	proto, pok := protocolOf(o, path+".protocol", p.Protocol)
	if p.HostPort != 0 {
		ok = validatePortNumber(o, path+".hostPort", p.HostPort) && ok
	}
	if p.Name != "" {
		ok = portName(o, path, p.Name, names) && ok
	}
	if !ok || !pok {
		return model.ContainerPort{}, false
	}
	return model.ContainerPort{Container: container, Name: p.Name, Port: p.ContainerPort, Protocol: proto}, true
}

// portName checks a container port's name (see containerPort). A path in
// names of the same container (same prefix up to ".ports") is a duplicate.
func portName(o *object, path, name string, names map[string]string) bool {
	if msgs := validation.IsValidPortName(name); len(msgs) > 0 {
		o.errorf(path+".name", "invalid port name %q: %s", name, strings.Join(msgs, "; "))
		return false
	}
	if other, dup := names[name]; dup && containerOf(other) == containerOf(path) {
		o.errorf(path+".name", "duplicate port name %q (also %s)", name, other)
		return false
	}
	names[name] = path
	return true
}

// containerOf is the container part of a port's path.
func containerOf(path string) string {
	c, _, _ := strings.Cut(path, ".ports[")
	return c
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

// validateServicePorts: ValidateService (k8s.io/kubernetes
// pkg/apis/core/validation): with more than one port, each must have a name
// ("Required value"); names are unique; and no two ports share a port number
// and protocol ("Duplicate value").
func validateServicePorts(o *object, ports []corev1.ServicePort) {
	names := make(map[string]bool, len(ports))
	type key struct {
		port  int32
		proto corev1.Protocol
	}
	seen := make(map[key]bool, len(ports))
	for i := range ports {
		p, path := &ports[i], indexPath("spec.ports", i)
		switch {
		case p.Name == "" && len(ports) > 1:
			o.errorf(path+".name", "required when the service has more than one port")
		case p.Name != "" && names[p.Name]:
			o.errorf(path+".name", "duplicate port name %q", p.Name)
		}
		names[p.Name] = true
		k := key{p.Port, cmp.Or(p.Protocol, corev1.ProtocolTCP)}
		if seen[k] {
			o.errorf(path, "duplicate port %d/%s", k.port, k.proto)
		}
		seen[k] = true
	}
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
