package hostile

import (
	"net/netip"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// nameLabel is the label every namespace carries with its own name.
const nameLabel = "kubernetes.io/metadata.name"

// Rename puts s into every name of namespace ns of c, as the loader would
// never let through, so that renderers are tested on their own: the
// namespace becomes s + "." + ns (so that IDs start with s), its
// workloads, pods and NetworkPolicies get s in their names, its objects'
// labels carry s, every source file is named after s, a gap in the
// namespace gives s as its reason, and an external peer is named s (or,
// when s cannot name one, having "/" (which separates namespace and name
// in IDs) or "=", "peer-" and s without them). Renaming two copies of a cluster with different strings keeps
// their reachability the same.
func Rename(c *model.Cluster, ns, s string) {
	to := s + "." + ns
	src := model.Source{File: s + ".yaml", Line: 1}
	for i := range c.Namespaces {
		if n := &c.Namespaces[i]; n.Name == ns {
			n.Name, n.Source = to, src
			n.Labels = withLabel(n.Labels, nameLabel, to)
		}
	}
	for i := range c.Workloads {
		w := &c.Workloads[i]
		if w.Namespace != ns {
			continue
		}
		w.Namespace, w.Name, w.Source = to, w.Name+"."+s, src
		for j := range w.Pods {
			w.Pods[j].Name += "." + s
		}
	}
	for i := range c.Services {
		if sv := &c.Services[i]; sv.Namespace == ns {
			sv.Namespace, sv.Source = to, src
		}
	}
	for i := range c.Policies {
		p := &c.Policies[i]
		if p.NetworkPolicy.Namespace != ns {
			continue
		}
		np := p.NetworkPolicy.DeepCopy()
		np.Namespace, np.Name = to, s+"."+np.Name
		p.NetworkPolicy, p.Source = np, src
	}
	for i := range c.Objects {
		if o := &c.Objects[i]; o.Namespace == ns {
			o.Namespace, o.Source = to, src
		}
	}
	c.Gaps = append(c.Gaps, model.Gap{Namespace: to, Resources: []string{"configmaps." + s}, Reason: s})
	ext := s
	if strings.ContainsAny(s, "/=") || s == "" {
		ext = "peer-" + strings.NewReplacer("/", "", "=", "").Replace(s)
	}
	c.Externals = append(c.Externals, model.External{Name: ext, Prefix: netip.MustParsePrefix("203.0.113.0/24")})
}

func withLabel(labels map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range labels {
		if key != k {
			out[key] = val
		}
	}
	return out
}
