package lab

import (
	"strings"
	"time"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Report is the outcome of a lab run.
type Report struct {
	Pods, Externals int // nodes in the lab
	Namespaces      int // network namespaces created, the bridge's included
	Notices         []string
	Setup, Probing  time.Duration
	Timeout         time.Duration
	Parallel        int
	Attempts        int // real connections tried
	Results         []Result
	Summary         Summary
	// Judge is what the kernel was compared with: "engine" (with the
	// cluster policy tiers when the cluster has them).
	Judge string
}

// Result is one connection: the engine's verdict and what the kernel did.
type Result struct {
	From, To string
	Protocol model.Protocol
	Port     int
	Engine   policy.Verdict // Allow or Deny
	Kernel   Outcome
	Detail   string        // addresses and errno of the deciding attempt, or why it was not probed
	Took     time.Duration // the longest attempt
	// Decision is the engine's explanation, for disagreements.
	Decision *policy.Decision
	// Chain is the engine's chain of tiers per direction, for
	// disagreements on a cluster with cluster policy tiers.
	Chain string
}

// Agree reports whether the kernel did what the engine said.
func (r *Result) Agree() bool {
	return r.Engine == policy.Allow && r.Kernel == Open || r.Engine == policy.Deny && r.Kernel == Blocked
}

// Summary counts the results.
type Summary struct {
	Connections    int // results
	OpenAllowed    int // agree: open, engine allows
	BlockedDenied  int // agree: blocked, engine denies
	OpenDenied     int // disagree: open although the engine denies
	BlockedAllowed int // disagree: blocked although the engine allows
	Faults         int // disagree: refused or failed attempts (the lab did not work)
	NotProbed      int // not compared
}

// Agreed is the number of connections where kernel and engine agree.
func (s Summary) Agreed() int { return s.OpenAllowed + s.BlockedDenied }

// Disagreed is the number of probed connections where they do not.
func (s Summary) Disagreed() int { return s.OpenDenied + s.BlockedAllowed + s.Faults }

// OK reports whether every probed connection agreed.
func (s Summary) OK() bool { return s.Disagreed() == 0 }

// Disagreements returns the results that disagree, faults included.
func (r *Report) Disagreements() []Result {
	var out []Result
	for _, res := range r.Results {
		if !res.Agree() && res.Kernel != NotProbed {
			out = append(out, res)
		}
	}
	return out
}

// compare asks the judge about every connection.
func (r *Report) compare(j *judge, conns []*conn) {
	r.Judge = j.name
	for _, c := range conns {
		res := Result{From: c.from.id, To: c.to.id, Protocol: c.proto, Port: c.port}
		var undecided string
		res.Engine, undecided = j.decide(c)
		res.Kernel, res.Detail = c.kernel()
		if undecided != "" {
			res.Kernel, res.Detail = NotProbed, undecided
		}
		for _, at := range c.attempts {
			res.Took = max(res.Took, at.took)
		}
		r.Attempts += len(c.attempts)
		s := &r.Summary
		s.Connections++
		switch {
		case res.Kernel == NotProbed:
			s.NotProbed++
		case res.Kernel == Refused || res.Kernel == Failed || res.Kernel == OutcomeUnknown:
			s.Faults++
		case res.Agree() && res.Kernel == Open:
			s.OpenAllowed++
		case res.Agree():
			s.BlockedDenied++
		case res.Kernel == Open:
			s.OpenDenied++
		default:
			s.BlockedAllowed++
		}
		if !res.Agree() && res.Kernel != NotProbed {
			j.explain(&res, c)
		}
		r.Results = append(r.Results, res)
	}
}

// describe fills in the lab's size and notices.
func (r *Report) describe(p *plan, t *topo, o options) {
	for _, n := range p.nodes {
		if n.external {
			r.Externals++
		} else {
			r.Pods++
		}
	}
	r.Namespaces = len(t.names) + 1
	r.Notices = append(r.Notices, p.notices...)
	r.Notices = append(r.Notices, "the lab has no nodes: connections from a pod's own node (kubelet probes), always allowed, are not replayed")
	if o.keep {
		var names []string
		for _, n := range p.nodes {
			if n.netns != "" {
				names = append(names, strings.TrimPrefix(n.netns, t.prefix)+"="+n.id)
			}
		}
		r.Notices = append(r.Notices, "kept the lab namespaces "+t.prefix+"* (the responders ended with the run; the next lab run removes them): "+
			strings.Join(names, " ")+"; inspect one with `ip netns exec "+t.prefix+"p0 nft list ruleset`")
	}
}
