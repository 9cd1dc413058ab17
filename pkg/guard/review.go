package guard

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
)

// Warning lines: "Limit warnings to 120 characters if possible. Warnings
// over 256 characters and large numbers of warnings may be truncated"
// (k8s.io/api admission/v1 AdmissionResponse.warnings); "If more than 4096
// characters of warning messages are added (from all sources), additional
// warning messages are ignored"
// (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#response).
const (
	maxWarning  = 256
	maxWarnings = 8 // broken flows listed; the rest are counted in one line
)

// Verdict is the guard's answer to one request.
type Verdict struct {
	Allowed bool
	// Evaluated is false when the request cannot change what the guard
	// judges (another kind, an image bump, a controlled ReplicaSet).
	Evaluated bool
	Message   string   // why it is denied; empty when allowed
	Warnings  []string // one line each, as kubectl prints them
	// Broken are the mesh check lines that are × after the change and were
	// not before; Removed counts the ordered workload pairs that lose a
	// port; Lost are the protected flows lost.
	Broken  []check.Result
	Was     []check.Status // the status of each Broken line before
	Removed int
	Lost    []Flow
}

// Review judges r against the current state. An error means the change
// could not be evaluated: the verdict then allows it, with a warning that
// says so (a guard that cannot read a change must not block the cluster;
// the API server has validated the object already).
func (g *Guard) Review(r Request) (Verdict, error) {
	st := g.cur.Load()
	after, err := apply(st.c, r)
	if err == nil && after == nil {
		return Verdict{Allowed: true}, nil
	}
	var ast *state
	if err == nil {
		ast, err = g.afterState(st, after, r)
	}
	if err != nil {
		w := cut("podreach guard could not evaluate this change: "+err.Error(), maxWarning)
		return Verdict{Allowed: true, Evaluated: true, Warnings: []string{w}}, err
	}
	return g.judge(r, st, ast)
}

// afterState analyses after, st with r applied. A NetworkPolicy or
// cluster policy edit whose ipBlocks or networks cut the external ranges
// at no new boundary (the engine's endpoints are the state's), with no
// protected flows to look up, is judged incrementally on st's incremental engine (replayer):
// what it removes is counted from the engine's delta, and only the check
// lines it can change are judged again, on the edited engine
// (check.Rechecker); the state has no analysis then. Anything else is a
// full analysis of after.
func (g *Guard) afterState(st *state, after *model.Cluster, r Request) (*state, error) {
	if st.rc == nil || st.rp == nil || len(g.o.protected) > 0 {
		return g.analyse(after, st.prof)
	}
	ast := &state{c: after, prof: st.prof, incremental: true}
	var err error
	if e, ok := clusterPolicyEdit(st.c, after, r); ok && reach.SameCuts(st.c, after) {
		ast.removed, ast.rep, err = st.rp.judgeTier(after, e, func(eng *policy.Engine) (*check.Report, error) {
			return st.rc.ClusterPolicyEditOn(after, e, eng)
		})
		if err != nil { // the full analysis says what the engine could not
			return g.analyse(after, st.prof)
		}
		return ast, nil
	}
	old, new, ok := policyEdit(st.c, after, r)
	if !ok || old == nil && new == nil || (hasIPBlock(old) || hasIPBlock(new)) && !reach.SameCuts(st.c, after) {
		return g.analyse(after, st.prof)
	}
	ast.removed, ast.rep, err = st.rp.judge(after, old, new, func(eng *policy.Engine) (*check.Report, error) {
		return st.rc.EditOn(after, check.PolicyEdit{Old: old, New: new}, eng)
	})
	switch {
	case errors.Is(err, errLost):
		return g.analyse(after, st.prof)
	case err != nil:
		return nil, fmt.Errorf("judging the edited cluster: %w", err)
	}
	return ast, nil
}

// judge compares the states before and after r.
func (g *Guard) judge(r Request, before, after *state) (Verdict, error) {
	v := Verdict{Allowed: true, Evaluated: true}
	if before.rep != nil {
		now := make(map[string]check.Result, len(after.rep.Results))
		for _, res := range after.rep.Results {
			now[res.ID] = res
		}
		had := make(map[string]bool, len(before.rep.Results))
		for _, res := range before.rep.Results {
			had[res.ID] = true
		}
		for _, sc := range check.Compare(before.rep, after.rep) {
			// A flow's Linkerd authorization line is there only when
			// something is refused: without it, the flow was authorized.
			if sc.Before == check.StatusUnknown && strings.HasSuffix(sc.ID, "-authorized") && had[strings.TrimSuffix(sc.ID, "-authorized")] {
				sc.Before = check.StatusOK
			}
			if sc.After == check.StatusError && sc.Before != check.StatusError {
				v.Broken, v.Was = append(v.Broken, now[sc.ID]), append(v.Was, sc.Before)
			}
		}
	}
	var err error
	if v.Removed, err = g.removed(before, after); err != nil {
		return Verdict{Allowed: true, Evaluated: true}, fmt.Errorf("comparing the states: %w", err)
	}
	v.Lost = g.lostProtected(before, after)
	v.Warnings = g.warnings(r, &v)
	if g.o.mode == ModeEnforce {
		v.Allowed, v.Message = g.decide(r, &v)
	}
	return v, nil
}

// removed counts the ordered workload pairs that lose a port: replayed on
// before's incremental engine for a state judged incrementally
// (afterState), else comparing the two matrices (reach.Diff).
func (g *Guard) removed(before, after *state) (int, error) {
	if after.incremental {
		return after.removed, nil
	}
	d, err := reach.Diff(before.a, after.a)
	if err != nil {
		return 0, err
	}
	n, _ := d.Counts()
	return n, nil
}

// decide is enforce mode's answer: deny when a mesh check line goes from
// ✔ to ×, or a protected flow is lost.
func (g *Guard) decide(r Request, v *Verdict) (bool, string) {
	var why []string
	for i, res := range v.Broken {
		if v.Was[i] == check.StatusOK {
			why = append(why, fmt.Sprintf("mesh check %q goes from ✔ to ×", res.Description))
		}
	}
	for _, f := range v.Lost {
		why = append(why, "protected flow "+f.String()+" is lost")
	}
	if len(why) == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("podreach guard (enforce): %s %s breaks the mesh: %s", strings.ToLower(r.Operation.String()), r.ref(), strings.Join(why, "; "))
}

// warnings writes the verdict's lines: one per broken mesh flow (at most
// maxWarnings, then a count), one per lost protected flow, and how many
// connections the change removes.
func (g *Guard) warnings(r Request, v *Verdict) []string {
	var out []string
	for i, res := range v.Broken {
		if i == maxWarnings {
			out = append(out, fmt.Sprintf("podreach: and %d more mesh flows broken", len(v.Broken)-maxWarnings))
			break
		}
		out = append(out, cut(g.brokenLine(r, res, v.Was[i]), maxWarning))
	}
	for _, f := range v.Lost {
		out = append(out, cut("podreach: protected flow "+f.String()+" is lost", maxWarning))
	}
	if v.Removed > 0 {
		out = append(out, fmt.Sprintf("podreach: this change removes %d connections (workload pairs losing a port)", v.Removed))
	}
	return out
}

// brokenLine is "✔→× <check line>: N/M sources blocked by <layer>; see:
// <explain command>", at most maxWarning bytes: the head is shortened
// first, so that the command stays whole.
func (g *Guard) brokenLine(r Request, res check.Result, was check.Status) string {
	srcs := map[string]bool{}
	var first check.Pair
	for _, p := range res.Blocked {
		srcs[p.From] = true
	}
	if len(res.Blocked) > 0 {
		first = res.Blocked[0]
	}
	verb := "blocked"
	switch {
	case len(res.Refused) > 0: // Linkerd refuses what NetworkPolicy admits
		verb = "refused"
		for _, rf := range res.Refused {
			srcs[rf.From] = true
		}
		first = check.Pair{From: res.Refused[0].From, To: res.Refused[0].To, Port: res.Refused[0].Port, Protocol: model.TCP}
	case authzLine(res):
		verb = "refused"
		for i, d := range res.Details {
			if p, ok := refusedPair(d); ok {
				srcs[p.From] = true
				if i == 0 {
					first = p
				}
			}
		}
	}
	mark := was.Symbol() + "→×"
	if was == check.StatusUnknown { // a line the state before did not have
		mark = "new ×"
	}
	head := fmt.Sprintf("%s %s: %d/%d sources %s", mark, res.Description, len(srcs), res.Sources, verb)
	if l := layer(r, res); l != "" {
		head += " by " + l
	}
	if first.From == "" {
		return cut(head, maxWarning)
	}
	tail := "; see: " + g.explain(g.o.explain, r, first)
	if len(head)+len(tail) > maxWarning { // long input flags: the user knows them
		program, _, _ := strings.Cut(g.o.explain, " explain")
		tail = "; see: " + g.explain(program+" explain", r, first)
	}
	return cut(head, max(maxWarning-len(tail), maxWarning/2)) + tail
}

// authzLine reports whether res is the Linkerd authorization line of a
// flow (check.Runner's authorized lines).
func authzLine(res check.Result) bool { return strings.HasSuffix(res.ID, "-authorized") }

// refusedPair reads the pair of an authorization line's detail,
// "ns/src → ns/dst:port: Linkerd deny (…)".
func refusedPair(detail string) (check.Pair, bool) {
	from, rest, ok := strings.Cut(detail, " → ")
	if !ok {
		return check.Pair{}, false
	}
	to, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return check.Pair{}, false
	}
	port, _, _ := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(port, 10, 32)
	if err != nil {
		return check.Pair{}, false
	}
	return check.Pair{From: from, To: to, Port: int32(n), Protocol: model.TCP}, true
}

// layer names what blocks a broken line after r: the NetworkPolicies
// isolating the blocked side (as namespace/name: only NetworkPolicies are
// named so), the Linkerd authorization layer, or the cluster-wide tier r
// edits ("" when none of these says it).
func layer(r Request, res check.Result) string {
	switch {
	case authzLine(res):
		return "Linkerd"
	case len(res.Policies) > 0: // NetworkPolicies, named ns/name (the lines stay under 256 bytes)
		return strings.Join(res.Policies, ", ")
	case !slices.Contains(TierKinds, r.Kind):
		return ""
	case r.Operation == OpDelete: // what decides now is what is left
		return "the tiers without " + r.Kind + " " + r.Name
	}
	if r.Kind == "ClusterNetworkPolicy" { // the kind of the others says their tier
		return "ClusterNetworkPolicy " + r.Name + " (" + cnpTier(r) + " tier)"
	}
	return r.Kind + " " + r.Name
}

// cnpTier is spec.tier of r's ClusterNetworkPolicy.
func cnpTier(r Request) string {
	var o struct {
		Spec struct {
			Tier string `json:"tier"`
		} `json:"spec"`
	}
	if json.Unmarshal(r.Object, &o) != nil || o.Spec.Tier == "" {
		return "cluster"
	}
	return o.Spec.Tier
}

// explain is the command that explains pair p with the change applied:
// base is the command and its input flags.
func (g *Guard) explain(base string, r Request, p check.Pair) string {
	port := p.Port
	if p.AppPort != 0 {
		port = p.AppPort
	}
	var b strings.Builder
	b.WriteString(base)
	if r.Operation == OpDelete {
		fmt.Fprintf(&b, " --delete %s/%s", strings.ToLower(r.Kind), r.name())
	} else {
		b.WriteString(" -f FILE") // the manifest being applied
	}
	fmt.Fprintf(&b, " --from %s --to %s --port %d", p.From, p.To, port)
	if p.Protocol != model.TCP {
		fmt.Fprintf(&b, " --protocol %s", p.Protocol)
	}
	return b.String()
}

// cut shortens s to n bytes, on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
