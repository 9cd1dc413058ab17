package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Prefix starts the name of every network namespace the lab creates:
// prlab-<pid>-<run>-<role>. Cleanup finds leftovers by it.
const Prefix = "prlab-"

var runSeq atomic.Int64

// topo is the lab's namespaces: a bridge namespace, and one namespace per
// node holding addresses, each with a veth whose peer is a bridge port.
type topo struct {
	prefix  string
	home    *netns
	bridge  string
	names   []string // node namespaces, in creation order
	handles map[string]*netns
}

func newTopo(home *netns) *topo {
	prefix := fmt.Sprintf("%s%d-%d-", Prefix, os.Getpid(), runSeq.Add(1))
	return &topo{prefix: prefix, home: home, bridge: prefix + "br", handles: map[string]*netns{}}
}

// up creates the namespaces and links, gives every node its addresses and
// routes, and opens a handle on each namespace. Everything happens inside
// lab namespaces: the veth pairs are created with both ends already placed
// in them.
func (t *topo) up(ctx context.Context, nodes []*node) error {
	held, host, br, fdb := t.plan(nodes)
	if err := ipBatch(ctx, "", false, host); err != nil {
		return fmt.Errorf("creating the lab namespaces: %w", err)
	}
	if err := ipBatch(ctx, t.bridge, false, br); err != nil {
		return fmt.Errorf("creating the lab bridge: %w", err)
	}
	if _, err := exec.LookPath("bridge"); err == nil {
		if err := batch(ctx, "bridge", t.bridge, false, fdb); err != nil {
			return fmt.Errorf("filling the lab bridge's forwarding table: %w", err)
		}
	}
	neigh := neighbors(held)
	err := parallel(4, len(held), func(i int) error { return ipBatch(ctx, held[i].netns, false, nodeLinks(held[i], neigh)) })
	if err != nil {
		return fmt.Errorf("configuring a lab namespace: %w", err)
	}
	for _, name := range append([]string{t.bridge}, t.names...) {
		h, err := openNetns(name)
		if err != nil {
			return err
		}
		t.handles[name] = h
	}
	return parallel(4, len(t.names), func(i int) error { return inNetns(t.home, t.handles[t.names[i]], unlimitICMP) })
}

// unlimitICMP lifts the ICMP error rate limits of the calling thread's
// namespace. A policy rejects with ICMP admin-prohibited; rate-limited, the
// errors would be dropped after a burst and denied connections would wait
// for SYN retransmissions instead of failing at once.
func unlimitICMP() error {
	for _, kv := range [][2]string{
		{"ipv4/icmp_ratelimit", "0"}, {"ipv4/icmp_ratemask", "0"},
		{"ipv6/icmp/ratelimit", "0"}, {"ipv6/icmp/ratemask", "0"},
	} {
		if err := os.WriteFile("/proc/sys/net/"+kv[0], []byte(kv[1]), 0o644); err != nil {
			return fmt.Errorf("setting net.%s: %w", strings.ReplaceAll(kv[0], "/", "."), err)
		}
	}
	return nil
}

// mac is the address of the eth0 of the i-th node namespace (locally
// administered, "pl" for podreach lab).
func mac(i int) string {
	return fmt.Sprintf("02:70:6c:%02x:%02x:%02x", byte(i>>16), byte(i>>8), byte(i))
}

// neighbors lists, for every address in the lab, the permanent neighbor
// entry that resolves it: the lab needs no ARP or neighbor discovery, whose
// broadcasts to every namespace made resolution fail under load (probes of
// allowed connections timed out or got EHOSTUNREACH with 200 pods).
func neighbors(held []*node) map[*node][]string {
	out := map[*node][]string{}
	for i, n := range held {
		for _, a := range n.own {
			out[n] = append(out[n], "neigh replace "+a.String()+" lladdr "+mac(i)+" dev eth0 nud permanent")
		}
	}
	return out
}

// plan names the namespaces of the nodes that hold addresses and returns
// them with the commands that create them: in the host's ip (namespaces,
// and veth pairs created with both ends already in lab namespaces), in the
// bridge namespace's ip, and in its bridge (forwarding table).
func (t *topo) plan(nodes []*node) (held []*node, host, br, fdb []string) {
	host = []string{"netns add " + t.bridge}
	br = []string{"link add br0 type bridge mcast_snooping 0", "link set br0 addrgenmode none"}
	for _, n := range nodes {
		if len(n.own) == 0 {
			continue
		}
		i := len(held)
		role := "p"
		if n.external {
			role = "x"
		}
		n.netns = t.prefix + role + strconv.Itoa(i)
		veth := "v" + strconv.Itoa(i)
		host = append(host, "netns add "+n.netns, fmt.Sprintf("link add eth0 netns %s address %s type veth peer name %s netns %s", n.netns, mac(i), veth, t.bridge))
		br = append(br, "link set "+veth+" master br0", "link set "+veth+" addrgenmode none", "link set "+veth+" up")
		fdb = append(fdb, "fdb add "+mac(i)+" dev "+veth+" master static")
		t.names = append(t.names, n.netns)
		held = append(held, n)
	}
	return held, host, append(br, "link set br0 up"), fdb
}

// nodeLinks configures a node's namespace: its addresses as host routes
// (/32, /128 without duplicate address detection) on eth0, a default route
// through eth0, so every other lab address is reached on the bridge, and
// the neighbor entries of every other node.
func nodeLinks(n *node, neigh map[*node][]string) []string {
	lines := []string{"link set lo up", "link set eth0 addrgenmode none"}
	v4, v6 := false, false
	for _, a := range n.own {
		if a.Is4() {
			v4 = true
			lines = append(lines, "addr add "+a.String()+"/32 dev eth0")
		} else {
			v6 = true
			lines = append(lines, "addr add "+a.String()+"/128 dev eth0 nodad")
		}
	}
	lines = append(lines, "link set eth0 up")
	if v4 {
		lines = append(lines, "route add 0.0.0.0/0 dev eth0")
	}
	if v6 {
		lines = append(lines, "route add ::/0 dev eth0")
	}
	for other, entries := range neigh {
		if other != n {
			lines = append(lines, entries...)
		}
	}
	return lines
}

// down closes the handles and, unless keep, deletes every namespace (which
// removes its links, addresses, routes and rules with it).
func (t *topo) down(keep bool) error {
	for _, h := range t.handles {
		h.close()
	}
	if keep {
		return nil
	}
	lines := []string{"netns del " + t.bridge}
	for _, name := range t.names {
		lines = append(lines, "netns del "+name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return ipBatch(ctx, "", true, lines)
}

// Cleanup deletes the namespaces that lab runs left behind when they were
// killed (their process is gone), and returns their names.
func Cleanup(ctx context.Context) ([]string, error) {
	entries, err := os.ReadDir(netnsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing network namespaces: %w", err)
	}
	var stale, lines []string
	for _, e := range entries {
		if pid, ok := ownerPID(e.Name()); ok && !alive(pid) {
			stale = append(stale, e.Name())
			lines = append(lines, "netns del "+e.Name())
		}
	}
	if err := ipBatch(ctx, "", true, lines); err != nil {
		return stale, fmt.Errorf("removing leftovers of killed lab runs: %w", err)
	}
	return stale, nil
}

// ownerPID parses the process id out of a lab namespace name.
func ownerPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return 0, false
	}
	pid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	return n, err == nil && n > 0
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// parallel runs fn(0..count-1) with at most n at a time and returns the
// errors joined.
func parallel(n, count int, fn func(int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, max(n, 1))
	for i := range count {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(i); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
