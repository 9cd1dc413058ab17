package check

import (
	"testing"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// anpSelecting is an AdminNetworkPolicy (not evaluated by podreach) whose
// subject is the pods labelled app=app in every namespace.
func anpSelecting(app string) model.Object {
	return model.Object{APIVersion: "policy.networking.k8s.io/v1alpha1", Kind: "AdminNetworkPolicy", Name: "anp-" + app,
		Data: map[string]string{"spec": `{"priority":10,"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"` + app + `"}}}}}`}}
}

// TestDataPlaneCouldChange: a policy podreach does not evaluate that
// selects a pod of a meshed connection the data-plane check judges makes
// an allowed answer ‼ (cannot know) and is listed on a blocked one, which
// stays ×; one selecting no judged pod changes nothing.
func TestDataPlaneCouldChange(t *testing.T) {
	t.Parallel()
	webToVoting := func(nums ...int32) model.Policy { return admitOnly("emojivoto", "web", "emojivoto", "voting", nums...) }
	tests := []struct {
		name   string
		uneval []model.Object
		policy model.Policy
		status Status
		could  []string // names of the objects listed
	}{
		{"no unevaluated policy, both ports", nil, webToVoting(8080, 4143), StatusOK, nil},
		{"selects the server, both ports: cannot know", []model.Object{anpSelecting("voting")}, webToVoting(8080, 4143), StatusWarning, []string{"anp-voting"}},
		{"selects the server, app port only: stays blocked", []model.Object{anpSelecting("voting")}, webToVoting(8080), StatusError, []string{"anp-voting"}},
		{"selects no judged pod", []model.Object{anpSelecting("nothing")}, webToVoting(8080, 4143), StatusOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := withPolicies(currentCluster(), tt.policy)
			c.Unevaluated = tt.uneval
			rep := mustRun(t, c, install(t, "edge-26.8.3", linkerd.WithComponents("destination", "identity", "proxy-injector")))
			r := resultByID(t, rep, "meshed-app-traffic")
			var could []string
			for _, cc := range r.CouldChange {
				could = append(could, cc.Name)
			}
			if r.Status != tt.status || len(could) != len(tt.could) || len(could) > 0 && could[0] != tt.could[0] {
				t.Errorf("status %v, couldChange %v; want %v, %v (details %q)", r.Status, could, tt.status, tt.could, r.Details)
			}
		})
	}
}
