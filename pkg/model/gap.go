package model

import (
	"slices"
	"strings"
)

// Gap is part of a cluster that could not be read (a live source was
// refused it), so answers that involve it are incomplete: Namespace is
// where (empty for a cluster-scoped resource), Resources what ("pods",
// "networkpolicies.networking.k8s.io", or AllResources), Reason why
// ("Forbidden").
type Gap struct {
	Namespace string
	Resources []string
	Reason    string
}

// AllResources in Gap.Resources means nothing in the namespace could be
// read.
const AllResources = "*"

func (g Gap) String() string {
	switch {
	case g.Namespace == "":
		return strings.Join(g.Resources, ", ") + " could not be read cluster-wide (" + g.Reason + ")"
	case len(g.Resources) == 1 && g.Resources[0] == AllResources:
		return "namespace " + g.Namespace + " could not be read (" + g.Reason + ")"
	}
	return strings.Join(g.Resources, ", ") + " in namespace " + g.Namespace + " could not be read (" + g.Reason + ")"
}

// GapNamespaces returns the namespaces with a gap, sorted.
func GapNamespaces(gaps []Gap) []string {
	var out []string
	for _, g := range gaps {
		if g.Namespace != "" {
			out = append(out, g.Namespace)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
