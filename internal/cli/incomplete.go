package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// gapNotes returns a note for an explanation whose source or destination
// is in a namespace the live read could not fully see.
func gapNotes(a *reach.Analysis, x *reach.Explanation) []string {
	gapNS := model.GapNamespaces(a.Cluster().Gaps)
	if len(gapNS) == 0 {
		return nil
	}
	eps := a.Engine().Endpoints()
	var hit []string
	for _, i := range slices.Concat(x.From.Endpoints, x.To.Endpoints) {
		if ns := eps[i].Namespace; slices.Contains(gapNS, ns) {
			hit = append(hit, ns)
		}
	}
	if len(hit) == 0 {
		return nil
	}
	slices.Sort(hit)
	return []string{"INCOMPLETE: namespace " + strings.Join(slices.Compact(hit), ", ") +
		" could not be fully read (see the warnings): this answer may be wrong"}
}

// withGaps adds to a resolution error that the live read could not see
// some namespaces, where the name may well be.
func withGaps(a *reach.Analysis, err error) error {
	gapNS := model.GapNamespaces(a.Cluster().Gaps)
	if len(gapNS) == 0 {
		return err
	}
	return fmt.Errorf("%w; note: namespaces %s could not be fully read (see the warnings)", err, strings.Join(gapNS, ", "))
}
