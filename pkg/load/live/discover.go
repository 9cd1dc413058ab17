package live

import (
	"log/slog"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
)

// servedPolicies returns the policy kinds of kinds (policyResources…) the API server
// serves, each in the first of its versions it serves (the newest: it
// carries every field). A kind not served is absent: its CRDs are not
// installed, so the cluster holds no such object. Read lists them and
// Watch watches them, so both see the same objects.
func (s *discoverer) servedPolicies(log *slog.Logger, kinds [][]resource) []resource {
	var out []resource
	for _, alts := range kinds {
		i := slices.IndexFunc(alts, s.served)
		if i < 0 {
			log.Info("not served: not read", "resource", alts[0].name())
			continue
		}
		out = append(out, alts[i])
	}
	return out
}

// discoverer asks the API server what it serves, each group version once.
type discoverer struct {
	d     discovery.DiscoveryInterface
	gvs   map[string]bool // nil: not known (discovery of the groups failed)
	lists map[string]*metav1.APIResourceList
	errs  map[string]error
}

// newDiscoverer reads the served group versions in one request.
func newDiscoverer(d discovery.DiscoveryInterface) *discoverer {
	s := &discoverer{d: d, lists: map[string]*metav1.APIResourceList{}, errs: map[string]error{}}
	gl, err := d.ServerGroups()
	if err != nil {
		return s
	}
	s.gvs = map[string]bool{}
	for _, g := range gl.Groups {
		for _, v := range g.Versions {
			s.gvs[v.GroupVersion] = true
		}
	}
	return s
}

// served reports whether the API server serves res's group, version and
// resource. When it cannot tell (discovery failed otherwise than 404), it
// says served: listing it then fails with the server's own error, or finds
// it absent.
func (s *discoverer) served(res resource) bool {
	gv := res.apiVersion()
	if s.gvs != nil && !s.gvs[gv] {
		return false
	}
	rl, seen := s.lists[gv]
	if !seen {
		var err error
		rl, err = s.d.ServerResourcesForGroupVersion(gv)
		s.lists[gv], s.errs[gv] = rl, err
	}
	if err := s.errs[gv]; err != nil {
		return !apierrors.IsNotFound(err)
	}
	return slices.ContainsFunc(rl.APIResources, func(r metav1.APIResource) bool { return r.Name == res.plural })
}
