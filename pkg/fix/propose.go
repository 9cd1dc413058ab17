package fix

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Style is how generous the proposed rules are.
type Style uint8

// Styles.
const (
	StyleUnknown Style = iota
	// StyleMinimal admits only the required ports, only from the pods
	// that need them (least privilege; the default).
	StyleMinimal
	// StyleBroad reproduces the seed's shape: every port from meshed pods,
	// and from the mesh's own namespaces.
	StyleBroad
)

func (s Style) String() string {
	switch s {
	case StyleMinimal:
		return "minimal"
	case StyleBroad:
		return "broad"
	}
	return "unknown"
}

// ParseStyle parses "minimal" or "broad".
func ParseStyle(s string) (Style, error) {
	switch s {
	case "minimal", "":
		return StyleMinimal, nil
	case "broad":
		return StyleBroad, nil
	}
	return StyleUnknown, fmt.Errorf("unknown style %q (want minimal or broad)", s)
}

// Option configures Propose.
type Option func(*options)

type options struct {
	style Style
	tier  Tier
	check []check.Option
}

// WithStyle sets the style (default StyleMinimal).
func WithStyle(s Style) Option { return func(o *options) { o.style = s } }

// WithCheckOptions passes options to the check runs.
func WithCheckOptions(opts ...check.Option) Option {
	return func(o *options) { o.check = append(o.check, opts...) }
}

// Proposal is the fix: policies to apply and what they restore.
type Proposal struct {
	Style    Style
	Tier     Tier
	Policies []Policy
	// ClusterPolicies are the Admin-tier policies proposed with TierAdmin.
	ClusterPolicies []ClusterPolicy
	// Unfixable lists the checks that stay ‼ or × and why (for example the
	// API server's address is unknown, so no ipBlock can be written).
	Unfixable []string
	// Placeholders are policies that would fix API-server flows once its
	// address is known; their ipBlock CIDR is PlaceholderCIDR.
	Placeholders []Policy
	// LinkerdPolicies authorize in Linkerd the flows the destinations'
	// proxies refuse (linkerd.go): Servers, AuthorizationPolicies and
	// their authentications.
	LinkerdPolicies []LinkerdPolicy
	Before          *check.Report
	After           *check.Report
}

// Policy is one proposed NetworkPolicy and the checks it restores.
type Policy struct {
	NetworkPolicy *networkingv1.NetworkPolicy
	Restores      []string // check descriptions
}

// bypassSuffix ends the ID of check's line about meshed clients that
// bypass NetworkPolicy's port restriction through the proxy port.
const bypassSuffix = "-port-bypass"

// ErrIncomplete is wrapped by Propose when the re-check still fails.
var ErrIncomplete = fmt.Errorf("the proposed policies do not restore every blocked flow")

// Propose checks c, writes policies for every fixable blocked flow, and
// proves them by checking c plus the policies again. When c has cluster
// policy tiers (or with TierAdmin), connections are decided by package
// reference through the tiers, and each blocked connection goes where it
// can be fixed: a NetworkPolicy when the NetworkPolicy tier denies it; the
// cluster policy to change when an Admin-tier or Baseline-tier Deny does
// (no NetworkPolicy can undo an Admin Deny); an Admin-tier
// ClusterNetworkPolicy for every one with TierAdmin.
func Propose(c *model.Cluster, p mesh.Profile, opts ...Option) (*Proposal, error) {
	o := options{style: StyleMinimal, tier: TierNetworkPolicy}
	for _, f := range opts {
		f(&o)
	}
	ref := newReferee(c, p, o.tier == TierAdmin)
	before, a, err := check.Run(c, p, ref.checkOptions(o.check)...)
	if err != nil {
		return nil, err
	}
	pr := &proposer{o: o, a: a, ref: ref, b: newBuilder(a, p, o.style), admin: newAdminBuilder(a, ref), lb: newAuthzBuilder(a, p), skip: map[string]bool{},
		prop: &Proposal{Style: o.style, Tier: o.tier, Before: before}}
	for _, res := range before.Results {
		pr.result(res)
	}
	pr.b.narrow()
	prop := pr.prop
	prop.Policies = pr.b.policies()
	var why, unfixed []string
	prop.ClusterPolicies, why, unfixed = pr.admin.policies()
	prop.Unfixable = append(prop.Unfixable, why...)
	for _, id := range unfixed {
		pr.skip[id] = true
	}
	prop.LinkerdPolicies = pr.lb.policies()
	prop.Unfixable = append(prop.Unfixable, pr.lb.unfixed...)
	for id := range pr.lb.skip {
		pr.skip[id] = true
	}
	fixed := withMeshPolicies(withClusterPolicies(withPolicies(c, prop.Policies), prop.ClusterPolicies), prop.LinkerdPolicies)
	after, aa, err := check.Run(fixed, p, ref.checkOptions(o.check)...)
	if err != nil {
		return nil, err
	}
	prop.After = after
	if err := verify(before, after, pr.skip, ref); err != nil {
		return prop, err
	}
	if err := pr.lb.verify(aa); err != nil {
		return prop, err
	}
	return prop, nil
}

// proposer routes each check result to where it can be fixed.
type proposer struct {
	o     options
	a     *reach.Analysis
	ref   *referee
	b     *builder
	admin *adminBuilder
	lb    *authzBuilder
	prop  *Proposal
	skip  map[string]bool // checks left unfixed on purpose (reported in Unfixable)
}

func (pr *proposer) result(res check.Result) {
	switch {
	case pr.ref.passes(res):
	case len(res.Refused) > 0:
		pr.lb.add(res)
	case strings.HasSuffix(res.ID, bypassSuffix) && len(res.Blocked) > 0:
		pr.lb.addBypass(res)
	case !res.Fixable || len(res.Blocked) == 0:
		pr.prop.Unfixable = append(pr.prop.Unfixable, fmt.Sprintf("%s %s: %s", res.Status.Symbol(), res.Description, strings.Join(res.Details, "; ")))
		if ph, ok := pr.b.placeholder(res); ok {
			pr.prop.Placeholders = append(pr.prop.Placeholders, ph)
		}
	case pr.ref == nil:
		pr.b.add(res)
	default:
		pr.tiered(res)
	}
}

// tiered routes the blocked pairs of res by what denies each direction.
// A pair either direction of which an Admin-tier or Baseline-tier Deny
// decides gets no NetworkPolicy (it would be useless, or isolate the pod):
// the rule is named. With TierAdmin every denied direction gets an
// Admin-tier rule, but for those it cannot express (the API server as an
// ingress peer), which a NetworkPolicy fixes when the NetworkPolicy tier
// denies them.
func (pr *proposer) tiered(res check.Result) {
	var np []check.Pair
	left := map[string][]check.Pair{} // why → pairs
	for _, pair := range res.Blocked {
		bls, err := pr.ref.blame(pr.a, pair)
		if err != nil {
			left[err.Error()] = append(left[err.Error()], pair)
			continue
		}
		if why := pr.tierBlocked(bls); why != "" && pr.o.tier != TierAdmin {
			left[why] = append(left[why], pair)
			continue
		}
		for _, bl := range bls {
			if pr.o.tier == TierAdmin {
				why := pr.admin.add(res, pair, bl)
				if why == "" {
					continue
				}
				if bl.layer() != "NetworkPolicy" {
					left[why] = append(left[why], pair)
					continue
				}
			}
			one := pair
			one.Side = bl.side
			np = append(np, one)
		}
	}
	if len(np) > 0 {
		r := res
		r.Blocked = np
		pr.b.add(r)
	}
	for _, why := range slices.Sorted(maps.Keys(left)) {
		ps := left[why]
		pr.skip[res.ID] = true
		pr.prop.Unfixable = append(pr.prop.Unfixable, fmt.Sprintf("%s %s: %d connections (e.g. %s → %s %d/%s): %s",
			res.Status.Symbol(), res.Description, len(ps), ps[0].From, ps[0].To, ps[0].Port, ps[0].Protocol, why))
	}
}

// tierBlocked describes the first direction a cluster policy tier denies
// ("" when the NetworkPolicy tier denies every denied direction).
func (pr *proposer) tierBlocked(bls []blocker) string {
	for _, bl := range bls {
		if l := bl.layer(); l == "Admin tier" || l == "Baseline tier" {
			return bl.describe()
		}
	}
	return ""
}

// withPolicies returns a shallow copy of c with the proposal's policies added.
func withPolicies(c *model.Cluster, ps []Policy) *model.Cluster {
	out := *c
	out.Policies = slices.Clone(c.Policies)
	for _, p := range ps {
		out.Policies = append(out.Policies, model.Policy{NetworkPolicy: p.NetworkPolicy})
	}
	return &out
}

// verify fails when a check that was fixable and not OK is still not OK,
// but for those left unfixed on purpose (skip).
func verify(before, after *check.Report, skip map[string]bool, ref *referee) error {
	status := map[string]check.Status{}
	for _, r := range after.Results {
		status[r.ID] = r.Status
		if ref.passes(r) {
			status[r.ID] = check.StatusOK
		}
	}
	var still []string
	for _, r := range before.Results {
		if r.Status != check.StatusOK && r.Fixable && len(r.Blocked) > 0 && status[r.ID] != check.StatusOK && !skip[r.ID] {
			still = append(still, r.Description)
		}
		// A Linkerd authorization result is written only while something
		// is refused: fixed, it is gone. A bypass moved into Linkerd is ✔.
		if st, ok := status[r.ID]; (len(r.Refused) > 0 || strings.HasSuffix(r.ID, bypassSuffix)) && r.Status != check.StatusOK && ok && st != check.StatusOK && !skip[r.ID] {
			still = append(still, r.Description)
		}
	}
	if len(still) > 0 {
		return fmt.Errorf("%w: still failing: %s", ErrIncomplete, strings.Join(still, "; "))
	}
	return nil
}

// peerPodSelector is the selector a proposal uses for a mesh peer's pods.
func peerPodSelector(p mesh.Peer) *metav1.LabelSelector {
	if p.PodSelector == nil {
		return &metav1.LabelSelector{}
	}
	return p.PodSelector.DeepCopy()
}

func nameSelector(namespaces ...string) *metav1.LabelSelector {
	slices.Sort(namespaces)
	namespaces = slices.Compact(namespaces)
	if len(namespaces) == 1 {
		return &metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: namespaces[0]}}
	}
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: model.NamespaceNameLabel, Operator: metav1.LabelSelectorOpIn, Values: namespaces},
	}}
}
