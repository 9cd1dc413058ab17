package fix

import (
	"fmt"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
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
	Policies []Policy
	// Unfixable lists the checks that stay ‼ or × and why (for example the
	// API server's address is unknown, so no ipBlock can be written).
	Unfixable []string
	// Placeholders are policies that would fix API-server flows once its
	// address is known; their ipBlock CIDR is PlaceholderCIDR.
	Placeholders []Policy
	Before       *check.Report
	After        *check.Report
}

// Policy is one proposed NetworkPolicy and the checks it restores.
type Policy struct {
	NetworkPolicy *networkingv1.NetworkPolicy
	Restores      []string // check descriptions
}

// ErrIncomplete is wrapped by Propose when the re-check still fails.
var ErrIncomplete = fmt.Errorf("the proposed policies do not restore every blocked flow")

// Propose checks c, writes policies for every fixable blocked flow, and
// proves them by checking c plus the policies again.
func Propose(c *model.Cluster, p mesh.Profile, opts ...Option) (*Proposal, error) {
	o := options{style: StyleMinimal}
	for _, f := range opts {
		f(&o)
	}
	before, a, err := check.Run(c, p, o.check...)
	if err != nil {
		return nil, err
	}
	b := newBuilder(a, p, o.style)
	prop := &Proposal{Style: o.style, Before: before}
	for _, res := range before.Results {
		switch {
		case res.Status == check.StatusOK:
		case !res.Fixable || len(res.Blocked) == 0:
			prop.Unfixable = append(prop.Unfixable, fmt.Sprintf("%s %s: %s", res.Status.Symbol(), res.Description, strings.Join(res.Details, "; ")))
			if ph, ok := b.placeholder(res); ok {
				prop.Placeholders = append(prop.Placeholders, ph)
			}
		default:
			b.add(res)
		}
	}
	b.narrow()
	prop.Policies = b.policies()
	fixed := withPolicies(c, prop.Policies)
	after, _, err := check.Run(fixed, p, o.check...)
	if err != nil {
		return nil, err
	}
	prop.After = after
	if err := verify(before, after); err != nil {
		return prop, err
	}
	return prop, nil
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

// verify fails when a check that was fixable and not OK is still not OK.
func verify(before, after *check.Report) error {
	status := map[string]check.Status{}
	for _, r := range after.Results {
		status[r.ID] = r.Status
	}
	var still []string
	for _, r := range before.Results {
		if r.Status != check.StatusOK && r.Fixable && len(r.Blocked) > 0 && status[r.ID] != check.StatusOK {
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
