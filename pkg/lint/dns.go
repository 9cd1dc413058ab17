package lint

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// dnsPods returns the cluster DNS workloads of the input: those the
// Service kube-system/kube-dns selects (CoreDNS keeps that Service name
// and the k8s-app=kube-dns label for compatibility), else those labelled
// k8s-app=kube-dns in kube-system.
// https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/
func (s *scope) dnsPods() []int {
	sel := labels.SelectorFromSet(labels.Set{"k8s-app": "kube-dns"})
	for _, svc := range s.c.Services {
		if svc.Namespace == "kube-system" && svc.Name == "kube-dns" && len(svc.Selector) > 0 {
			sel = labels.SelectorFromSet(svc.Selector)
		}
	}
	return s.matching(sel, s.byNS["kube-system"])
}

// dnsGap is one group of workloads cut off from DNS the same way.
type dnsGap struct {
	isolating []string // the policies isolating their egress
	missing   string   // "53/UDP", "53/TCP" or both
	workloads []int
}

// checkDNS: dns-egress-blocked. Every pod resolves names through the
// cluster DNS on 53/UDP and, for large answers, 53/TCP: a pod whose
// connections to every DNS pod lack one of them (asked of the engine,
// egress at the pod and ingress at the DNS pods) is broken. Without DNS
// pods in the input, only pods whose egress policies admit port 53 to no
// destination at all are reported.
func checkDNS(s *scope) []Finding {
	dns := s.dnsPods()
	eng := s.a.Engine()
	groups := map[string]*dnsGap{}
	var order []string
	for i := range s.c.Workloads {
		w := &s.c.Workloads[i]
		src, ok := s.a.EndpointIndex(w.ID())
		if !ok || !s.given[w.ID()] || w.Template.HostNetwork || slices.Contains(dns, i) {
			continue
		}
		var missing []string
		if len(dns) > 0 {
			missing = s.dnsMissing(src, dns)
		} else {
			missing = s.dnsRefused(src)
		}
		if len(missing) == 0 {
			continue
		}
		iso := eng.Isolating(src, policy.Egress)
		key := strings.Join(iso, ",") + "|" + strings.Join(missing, ",")
		if groups[key] == nil {
			groups[key] = &dnsGap{isolating: iso, missing: strings.Join(missing, " and ")}
			order = append(order, key)
		}
		groups[key].workloads = append(groups[key].workloads, i)
	}
	var out []Finding
	for _, k := range order {
		out = append(out, s.dnsFinding(groups[k], dns))
	}
	return out
}

// dnsMissing returns the DNS ports ("53/UDP") endpoint src reaches on no
// DNS workload.
func (s *scope) dnsMissing(src int, dns []int) []string {
	var missing []string
	for _, proto := range []model.Protocol{model.UDP, model.TCP} {
		ok := false
		for _, d := range dns {
			dst, found := s.a.EndpointIndex(s.c.Workloads[d].ID())
			if found && s.a.Arrived(src, dst, s.a.Engine().Allowed(src, dst)).Contains(proto, 53) {
				ok = true
				break
			}
		}
		if !ok {
			missing = append(missing, "53/"+proto.String())
		}
	}
	return missing
}

// dnsRefused returns the DNS ports that no egress rule of the policies
// isolating src admits toward any destination.
func (s *scope) dnsRefused(src int) []string {
	iso := s.a.Engine().Isolating(src, policy.Egress)
	if len(iso) == 0 {
		return nil
	}
	var missing []string
	for _, proto := range []model.Protocol{model.UDP, model.TCP} {
		admits := false
		for _, p := range s.policies {
			if !slices.Contains(iso, p.ID) {
				continue
			}
			admits = admits || slices.ContainsFunc(p.Rules[netpol.EgressSide], func(r netpol.Rule) bool {
				return r.Named || r.Static.Contains(proto, 53)
			})
		}
		if !admits {
			missing = append(missing, "53/"+proto.String())
		}
	}
	return missing
}

func (s *scope) dnsFinding(g *dnsGap, dns []int) Finding {
	msg := fmt.Sprintf("%s cannot reach the cluster DNS pods (%s) on %s", s.workloadNames(g.workloads, 5), s.workloadNames(dns, 3), g.missing)
	if len(dns) == 0 {
		msg = fmt.Sprintf("%s cannot reach the cluster DNS on %s: the DNS pods are not in the input, but no egress rule admits that port to any destination",
			s.workloadNames(g.workloads, 5), g.missing)
	}
	f := Finding{Message: msg, Hint: "add an egress rule to namespaceSelector {kubernetes.io/metadata.name: kube-system} with podSelector {k8s-app: kube-dns} on 53/UDP and 53/TCP"}
	if len(g.isolating) > 0 {
		f.Message += "; their egress is isolated by " + strings.Join(g.isolating, ", ")
		if i := s.policyIndex(g.isolating[0]); i >= 0 {
			f.Object, f.Field, f.Source = policyObject(&s.c.Policies[i]), "spec.egress", s.c.Policies[i].Source
			if len(s.c.Policies[i].NetworkPolicy.Spec.Egress) == 0 {
				f.Field = "spec.policyTypes" // isolated by policyTypes alone: a default deny
			}
		}
	} else if len(dns) > 0 {
		d := &s.c.Workloads[dns[0]]
		f.Message += "; their egress is open, so the DNS pods' ingress policies refuse them"
		f.Hint = "admit ingress to the DNS pods on 53/UDP and 53/TCP from every namespace (namespaceSelector: {})"
		f.Object, f.Source = workloadObject(d), d.Source
	}
	f.Message += " (DNS uses TCP for answers that do not fit in UDP)"
	return f
}

// policyIndex returns the index of the policy with ID id, -1 if none.
func (s *scope) policyIndex(id string) int {
	return slices.IndexFunc(s.policies, func(p *netpol.Policy) bool { return p.ID == id })
}
