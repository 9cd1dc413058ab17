package check

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

// Describer is implemented by profiles that can say, in a few lines, what
// they found (control-plane namespace, version and how it was found,
// extensions). Each line becomes a ✔ line of the first category.
type Describer interface {
	Describe() []string
}

// preamble reports what was checked: the profile's own description and the
// meshed workloads, with those the injector meshes only at admission (they
// depend on the API server reaching the injector). isMeshed is Meshed for
// every workload of injected.
func preamble(orig, injected *model.Cluster, p mesh.Profile, isMeshed []bool) []Result {
	cat := p.Name() + "-mesh"
	var out []Result
	if d, ok := p.(Describer); ok {
		for i, line := range d.Describe() {
			out = append(out, Result{Category: cat, ID: fmt.Sprintf("mesh-%d", i), Description: line, Status: StatusOK})
		}
	}
	var meshed, admission []string
	for i := range injected.Workloads {
		w := &injected.Workloads[i]
		if !isMeshed[i] {
			continue
		}
		meshed = append(meshed, w.ID())
		if i < len(orig.Workloads) && !orig.Workloads[i].Template.HasContainer("linkerd-proxy") {
			admission = append(admission, w.ID())
		}
	}
	desc := fmt.Sprintf("%d meshed workloads", len(meshed))
	if len(admission) > 0 {
		desc += fmt.Sprintf(" (%d meshed at admission by the proxy injector)", len(admission))
	}
	res := Result{Category: cat, ID: "meshed-workloads", Description: desc, Status: StatusOK}
	if len(meshed) == 0 {
		res.Status = StatusWarning
		res.Details = []string{"no workload in the input is meshed: data-plane flows cannot be checked"}
	} else if len(admission) > 0 {
		res.Details = []string{"meshed at admission: " + strings.Join(admission, ", ")}
	}
	return append(out, res)
}
