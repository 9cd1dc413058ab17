package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/mesh"
)

// flowCase blocks one flow of a band and says what the check must report.
type flowCase struct {
	id       string
	status   Status
	from, to []string // the endpoints of the blocked pairs
	ports    []string // the wire ports the blocker denies, and that the pairs name
	egress   bool     // blocked at the sources (the destination is not a pod)
	// coupled are the other checks that necessarily fail with this one (the
	// same connection on the same wire port), and why.
	coupled []string
	why     string
	// between replaces the flow's peers for the blocker: for the data-plane
	// flow, one client and one server.
	between *[2]mesh.Peer
	// unblockable says why no NetworkPolicy can make this check fail; the
	// blocker then denies between on ports and every check must pass.
	unblockable string
}

func blocks(id string, st Status, from, to []string, ports ...string) flowCase {
	return flowCase{id: id, status: st, from: from, to: to, ports: ports}
}

func (c flowCase) atSource() flowCase { c.egress = true; return c }

func (c flowCase) coupledWith(why string, ids ...string) flowCase {
	c.why, c.coupled = why, ids
	return c
}

// inside blocks only the connection from one workload to another (both
// labelled app=<name>).
func (c flowCase) inside(from, to string) flowCase {
	c.between = &[2]mesh.Peer{appPeer(from), appPeer(to)}
	return c
}

func (c flowCase) notBlockable(why string) flowCase { c.unblockable = why; return c }

func appPeer(id string) mesh.Peer {
	ns, app, _ := strings.Cut(id, "/")
	return mesh.Peer{Kind: mesh.PeerPods, Name: id, Namespace: ns, PodSelector: matchLabels("app", app)}
}

func idList(s ...string) []string { return s }

// outcome is what the test compares: a result reduced to its status,
// policies and the distinct ends, ports and sides of its blocked pairs.
type outcome struct {
	Status          Status
	Policies        []string
	From, To, Ports []string
	Sides           []string
}

func outcomeOf(r Result) outcome {
	o := outcome{Status: r.Status, Policies: r.Policies}
	for _, p := range r.Blocked {
		o.From = append(o.From, p.From)
		o.To = append(o.To, p.To)
		o.Ports = append(o.Ports, fmt.Sprintf("%d/%s", p.Port, p.Protocol))
		o.Sides = append(o.Sides, p.Side.String())
	}
	for _, s := range []*[]string{&o.From, &o.To, &o.Ports, &o.Sides} {
		*s = slices.Compact(slices.Sorted(slices.Values(*s)))
	}
	return o
}

func (c flowCase) want() outcome {
	side, at := "ingress", c.to
	if c.egress {
		side, at = "egress", c.from
	}
	var policies []string
	for _, id := range at {
		ns, _, _ := strings.Cut(id, "/")
		policies = append(policies, ns+"/"+blockerName)
	}
	return outcome{Status: c.status, Policies: slices.Compact(slices.Sorted(slices.Values(policies))),
		From: sortedIDs(c.from), To: sortedIDs(c.to), Ports: sortedIDs(c.ports), Sides: []string{side}}
}

// TestEveryFlowBlocked starts each band with every check passing, blocks
// one flow with a NetworkPolicy that denies exactly its connections on
// their wire ports, and expects exactly that check (and the documented
// couplings) to fail, with the right status, the blocking policy named,
// and blocked pairs between the right workloads on the right ports.
// Every flow of every band must have a row.
func TestEveryFlowBlocked(t *testing.T) {
	t.Parallel()
	for _, b := range bands {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			in := b.install(t)
			flows := map[string]mesh.Flow{}
			for _, f := range in.Flows() {
				flows[f.ID] = f
			}
			cases := flowCases[b.name]
			var covered []string
			for _, tc := range cases {
				covered = append(covered, tc.id)
			}
			if diff := cmp.Diff(slices.Sorted(maps.Keys(flows)), slices.Sorted(slices.Values(covered))); diff != "" {
				t.Errorf("flow rows differ from the profile's flows (-profile +rows):\n%s", diff)
			}
			for _, tc := range cases {
				t.Run(tc.id, func(t *testing.T) {
					t.Parallel()
					f, ok := flows[tc.id]
					if !ok {
						t.Skipf("the profile has no flow %s", tc.id)
					}
					from, to := f.From, f.To
					if tc.between != nil {
						from, to = tc.between[0], tc.between[1]
					}
					c := b.build()
					rep := mustRun(t, withPolicies(c, blocker(c, from, to, tc.ports)...), in)
					if tc.unblockable != "" {
						if bad := notOK(rep); len(bad) > 0 {
							t.Errorf("%s; yet failing: %v", tc.unblockable, bad)
						}
						return
					}
					wantFailing := slices.Sorted(slices.Values(append([]string{tc.id}, tc.coupled...)))
					if diff := cmp.Diff(wantFailing, slices.Sorted(slices.Values(notOK(rep)))); diff != "" {
						t.Errorf("failing checks (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(tc.want(), outcomeOf(resultByID(t, rep, tc.id))); diff != "" {
						t.Errorf("result (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}
