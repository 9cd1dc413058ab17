package lab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/podreach/podreach/pkg/model"
)

// prober makes the attempts: each from a socket created inside the source's
// namespace and bound to the source address before it sends anything.
type prober struct {
	home    *netns
	spaces  map[string]*netns
	timeout time.Duration
}

type job struct {
	a *attempt
	t target
}

// run makes every attempt of conns with n workers. A panic in an attempt
// is reported as its outcome, and run returns the first such error.
func (pr *prober) run(ctx context.Context, conns []*conn, n int) error {
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var crash error
	for range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := pr.safe(ctx, j); err != nil {
					mu.Lock()
					crash = errors.Join(crash, err)
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, c := range conns {
		for i := range c.attempts {
			select {
			case jobs <- job{&c.attempts[i], c.target}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if crash != nil {
		return crash
	}
	return ctx.Err()
}

func (pr *prober) safe(ctx context.Context, j job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			j.a.outcome, j.a.detail = Failed, fmt.Sprintf("probe crashed: %v", p)
			err = fmt.Errorf("probe %s → %s %s crashed: %v", j.a.src, j.a.dst, j.t, p)
		}
	}()
	start := time.Now()
	pr.attempt(ctx, j.a, j.t)
	if j.a.outcome == Blocked && j.a.detail == "timeout" && ctx.Err() == nil {
		pr.attempt(ctx, j.a, j.t) // the rules reject rather than drop: a timeout may be a lost packet
	}
	j.a.took = time.Since(start)
	return nil
}

// attempt makes one connection and records its outcome.
func (pr *prober) attempt(ctx context.Context, a *attempt, t target) {
	ns, ok := pr.spaces[a.srcNS()]
	if !ok {
		a.outcome, a.detail = Failed, "no namespace holds "+a.src.String()
		return
	}
	var c net.Conn
	err := inNetns(pr.home, ns, func() error {
		var err error
		c, err = pr.dial(a.src, a.dst, t)
		return err
	})
	if err != nil {
		a.outcome, a.detail = classify(err)
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(pr.timeout))
	if t.proto == model.UDP {
		a.outcome, a.detail = pr.exchange(c, a, 3)
		return
	}
	a.outcome, a.detail = answer(ctx, c, a)
}

// answer waits for a stream connection to complete and the responder's
// line, and says what happened.
func answer(ctx context.Context, c net.Conn, a *attempt) (Outcome, string) {
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	line, err := bufio.NewReader(c).ReadString('\n')
	var soErr error
	if err != nil {
		if soErr = sockError(c); soErr == nil {
			soErr = queuedError(c)
		}
	}
	switch {
	case err == nil:
		return verify(line, a)
	case connected(c):
		// The kernel let it through: what failed is the responder.
		return Failed, "connected, but no answer: " + err.Error()
	case soErr != nil:
		// The runtime reports a bare EPOLLERR as "not pollable"; the
		// socket's own error says why the connection failed.
		return classify(soErr)
	}
	return classify(err)
}

func (pr *prober) dial(src, dst netip.Addr, t target) (net.Conn, error) {
	switch t.proto {
	case model.TCP:
		return dialStream(syscall.IPPROTO_TCP, src, dst, t.port)
	case model.UDP:
		return net.DialUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(src, 0)), net.UDPAddrFromAddrPort(netip.AddrPortFrom(dst, uint16(t.port))))
	case model.SCTP:
		return dialStream(syscall.IPPROTO_SCTP, src, dst, t.port)
	}
	return nil, fmt.Errorf("cannot probe protocol %s", t.proto)
}

// exchange sends a datagram and waits for the answer, up to tries times
// within the deadline.
func (pr *prober) exchange(c net.Conn, a *attempt, tries int) (Outcome, string) {
	buf := make([]byte, 512)
	for i := range tries {
		c.SetReadDeadline(time.Now().Add(pr.timeout / time.Duration(tries)))
		if _, err := c.Write([]byte("prlab?\n")); err != nil {
			return classify(err)
		}
		n, err := c.Read(buf)
		if err == nil {
			return verify(string(buf[:n]), a)
		}
		if o, d := classify(err); d != "timeout" || i == tries-1 {
			return o, d
		}
	}
	return Blocked, "timeout"
}

// verify checks the responder's line: the namespace holding the
// destination answered, and it saw the source address.
func verify(line string, a *attempt) (Outcome, string) {
	if want := banner(a.dstNS(), a.src); line != want {
		return Failed, fmt.Sprintf("unexpected answer %q (want %q)", line, want)
	}
	return Open, ""
}

// classify maps a connection error to an outcome. Policies reject with
// ICMP admin-prohibited (EHOSTUNREACH for IPv4, EACCES for IPv6), and
// rejecting in the sender's own output hook gives EPERM; only "connection
// refused" means that nothing listens.
func classify(err error) (Outcome, string) {
	var errno syscall.Errno
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused, "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		errors.As(err, &errno)
		return Blocked, errnoName(errno)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return Blocked, "timeout"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Blocked, "timeout"
	}
	return Failed, err.Error()
}

func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.EHOSTUNREACH:
		return "EHOSTUNREACH (ICMP admin-prohibited)"
	case syscall.EACCES:
		return "EACCES (ICMPv6 admin-prohibited)"
	case syscall.EPERM:
		return "EPERM (rejected at the source)"
	case syscall.ENETUNREACH:
		return "ENETUNREACH"
	}
	return e.Error()
}
