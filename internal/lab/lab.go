package lab

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Option configures Run and RunMesh.
type Option func(*options)

type options struct {
	expand      bool
	sample      int
	keep        bool
	timeout     time.Duration
	parallel    int
	ipBlockPods bool
	log         *slog.Logger
}

func makeOptions(opts []Option) options {
	o := options{timeout: 2 * time.Second, parallel: 128, ipBlockPods: true, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithExpandReplicas runs one pod per declared replica of workloads whose
// pods are not in the input (default: one pod per workload).
func WithExpandReplicas(expand bool) Option { return func(o *options) { o.expand = expand } }

// WithPairs probes only a deterministic sample of the ordered pairs (see
// ParsePairs); the zero value probes them all.
func WithPairs(p Pairs) Option { return func(o *options) { o.sample = p.Sample } }

// WithKeep leaves the namespaces and their nftables rules in place after
// the run, for inspection; the next run removes them.
func WithKeep(keep bool) Option { return func(o *options) { o.keep = keep } }

// WithTimeout sets how long one attempt may wait (default 2s).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithParallel sets how many attempts run at once (default 128).
func WithParallel(n int) Option { return func(o *options) { o.parallel = n } }

// WithIPBlockPods sets whether ipBlock rules match pod addresses, in the
// engine and in the compiled rules alike (default true).
func WithIPBlockPods(match bool) Option { return func(o *options) { o.ipBlockPods = match } }

// WithLogger sets where progress is logged (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Pairs says which ordered pairs a run probes: all (Sample 0) or a sample.
type Pairs struct{ Sample int }

// ParsePairs parses "all" or "sample:N" (N > 0).
func ParsePairs(s string) (Pairs, error) {
	if s == "all" || s == "" {
		return Pairs{}, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "sample:"))
	if !strings.HasPrefix(s, "sample:") || err != nil || n <= 0 {
		return Pairs{}, fmt.Errorf("invalid pairs %q: want all or sample:N with N > 0", s)
	}
	return Pairs{Sample: n}, nil
}

// Run replays c in the lab: one namespace per pod (per workload, or per
// replica with WithExpandReplicas) and per external peer, the policies
// compiled to nftables, every ordered pair probed on every declared port
// and every port the policies name. It compares each connection with the
// engine and returns the report; it tears the lab down before returning,
// also when ctx is cancelled or a probe crashes.
func Run(ctx context.Context, c *model.Cluster, opts ...Option) (*Report, error) {
	o := makeOptions(opts)
	if err := CheckEnv(); err != nil {
		return nil, err
	}
	lc, notes, err := labCluster(c, o.expand, false)
	if err != nil {
		return nil, err
	}
	a, err := reach.Analyze(lc, reach.WithLevel(reach.LevelPod), reach.WithIPBlockPods(o.ipBlockPods))
	if err != nil {
		return nil, err
	}
	j := newJudge(a)
	p := newPlan(a)
	p.notices = append(notes, p.notices...)
	conns := p.conns(p.pairs(o.sample), portsFor(policyTargets(lc)), sctpSupported())
	rep, err := p.execute(ctx, conns, o)
	if err != nil {
		return nil, err
	}
	rep.compare(j, conns)
	return rep, nil
}

// execute builds the lab, probes conns and tears the lab down.
func (p *plan) execute(ctx context.Context, conns []*conn, o options) (rep *Report, err error) {
	rep = &Report{Timeout: o.timeout, Parallel: o.parallel}
	if stale, err := Cleanup(ctx); err != nil {
		return nil, err
	} else if len(stale) > 0 {
		rep.Notices = append(rep.Notices, fmt.Sprintf("removed %d network namespaces left by earlier lab runs (killed, or run with --keep)", len(stale)))
	}
	home, err := homeNetns()
	if err != nil {
		return nil, err
	}
	defer home.close()
	start := time.Now()
	t := newTopo(home)
	defer func() {
		if derr := t.down(o.keep); derr != nil && err == nil {
			err = derr
		}
	}()
	resp := &responder{home: home, sctp: sctpSupported()}
	defer resp.close()
	if err := p.build(ctx, t, resp, conns, o); err != nil {
		return nil, err
	}
	rep.Setup = time.Since(start)
	o.log.Info("lab ready", "namespaces", len(t.names)+1, "setup", rep.Setup)
	start = time.Now()
	pr := &prober{home: home, spaces: t.handles, timeout: o.timeout}
	if err := pr.run(ctx, conns, o.parallel); err != nil {
		return nil, err
	}
	rep.Probing = time.Since(start)
	rep.describe(p, t, o)
	return rep, nil
}

// build creates the topology, loads the rules and starts the responders.
func (p *plan) build(ctx context.Context, t *topo, resp *responder, conns []*conn, o options) error {
	if err := t.up(ctx, p.nodes); err != nil {
		return err
	}
	if err := execIn(ctx, t.home, t.handles[t.bridge], nftProbe, "nft", "-f", "-"); err != nil {
		return nftEnvError(err)
	}
	comp, err := newCompiler(p.analysis.Cluster(), p.nodes, o.ipBlockPods)
	if err != nil {
		return err
	}
	var pods []*node
	for _, n := range p.nodes {
		if !n.external && n.netns != "" {
			pods = append(pods, n)
		}
	}
	err = parallel(4, len(pods), func(i int) error {
		prog, err := comp.compile(pods[i])
		if err != nil {
			return err
		}
		return execIn(ctx, t.home, t.handles[pods[i].netns], prog, "nft", "-f", "-")
	})
	if err != nil {
		return fmt.Errorf("loading the compiled policies: %w", err)
	}
	return listenAll(t, resp, conns, o.parallel)
}

// listenAll starts a responder on every address and port some attempt
// targets, in the namespace holding the address.
func listenAll(t *topo, resp *responder, conns []*conn, parallelism int) error {
	socks := map[string]map[netip.Addr][]target{}
	for _, c := range conns {
		for _, a := range c.attempts {
			ns := a.dstNS()
			if socks[ns] == nil {
				socks[ns] = map[netip.Addr][]target{}
			}
			socks[ns][a.dst] = append(socks[ns][a.dst], c.target)
		}
	}
	n := uint64(0)
	for _, s := range socks {
		for a := range s {
			s[a] = sortTargets(s[a])
			n += uint64(len(s[a]))
		}
	}
	if err := raiseFileLimit(n + 8*uint64(parallelism)); err != nil {
		return err
	}
	return parallel(4, len(t.names), func(i int) error {
		return resp.listen(t.handles[t.names[i]], socks[t.names[i]])
	})
}

// Ruleset returns the nftables program the lab loads into the namespace of
// pod id ("ns/name") for cluster c, for reading and tests.
func Ruleset(c *model.Cluster, id string, opts ...Option) (string, error) {
	o := makeOptions(opts)
	lc, _, err := labCluster(c, o.expand, false)
	if err != nil {
		return "", err
	}
	a, err := reach.Analyze(lc, reach.WithLevel(reach.LevelPod), reach.WithIPBlockPods(o.ipBlockPods))
	if err != nil {
		return "", err
	}
	return rulesetOf(a, id, o.ipBlockPods)
}

func rulesetOf(a *reach.Analysis, id string, ipBlockPods bool) (string, error) {
	p := newPlan(a)
	for _, n := range p.nodes {
		if n.id == id && !n.external {
			comp, err := newCompiler(a.Cluster(), p.nodes, ipBlockPods)
			if err != nil {
				return "", err
			}
			return comp.compile(n)
		}
	}
	return "", fmt.Errorf("no pod %s in the lab", id)
}
