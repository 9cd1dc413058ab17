package lab

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/podreach/podreach/pkg/model"
)

// responder answers on every probed address and port of the lab: a TCP (or
// SCTP) connection gets one line and is closed; a UDP datagram gets one
// datagram back. The line names the namespace that answered and the source
// address it saw, so a probe knows it reached the right pod from the right
// address. Its sockets are created inside the lab namespaces, bound to lab
// addresses: they cannot receive anything from outside the lab.
type responder struct {
	home    *netns
	sctp    bool
	mu      sync.Mutex
	closers []io.Closer
	wg      sync.WaitGroup
}

// banner is what the responder in namespace ns says to a client at src.
func banner(ns string, src netip.Addr) string { return fmt.Sprintf("prlab %s %s\n", ns, src.Unmap()) }

// listen opens the listeners of one namespace: one per address and port.
func (r *responder) listen(ns *netns, socks map[netip.Addr][]target) error {
	return inNetns(r.home, ns, func() error {
		for addr, ts := range socks {
			for _, t := range ts {
				if err := r.open(ns.name, addr, t); err != nil {
					return fmt.Errorf("listening on %s %s in %s: %w", addr, t, ns.name, err)
				}
			}
		}
		return nil
	})
}

func (r *responder) open(ns string, addr netip.Addr, t target) error {
	switch t.proto {
	case model.TCP:
		l, err := net.ListenTCP("tcp", net.TCPAddrFromAddrPort(netip.AddrPortFrom(addr, uint16(t.port))))
		if err != nil {
			return err
		}
		r.serve(l, func() { r.serveStream(ns, l) })
	case model.UDP:
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(addr, uint16(t.port))))
		if err != nil {
			return err
		}
		r.serve(c, func() { r.serveUDP(ns, c) })
	case model.SCTP:
		if !r.sctp {
			return nil
		}
		l, err := listenSCTP(addr, t.port)
		if err != nil {
			return err
		}
		r.serve(l, func() { r.serveStream(ns, l) })
	}
	return nil
}

func (r *responder) serve(c io.Closer, loop func()) {
	r.mu.Lock()
	r.closers = append(r.closers, c)
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		loop()
	}()
}

func (r *responder) serveStream(ns string, l net.Listener) {
	for {
		c, err := l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil { // EMFILE and the like: the next attempt may succeed
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			src := netip.Addr{}
			if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
				src = ap.Addr()
			}
			io.WriteString(c, banner(ns, src))
		}()
	}
}

func (r *responder) serveUDP(ns string, c *net.UDPConn) {
	buf := make([]byte, 512)
	for {
		_, from, err := c.ReadFromUDPAddrPort(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		c.WriteToUDPAddrPort([]byte(banner(ns, from.Addr())), from)
	}
}

// close stops every listener and waits for the loops to end.
func (r *responder) close() {
	r.mu.Lock()
	for _, c := range r.closers {
		c.Close()
	}
	r.closers = nil
	r.mu.Unlock()
	r.wg.Wait()
}

// raiseFileLimit makes room for n more open files: every listener and
// probe is one. Root may raise the hard limit too, up to fs.nr_open.
func raiseFileLimit(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	want := n + 1024
	if lim.Cur >= want {
		return nil
	}
	if lim.Max < want {
		lim.Max = want
		if b, err := os.ReadFile("/proc/sys/fs/nr_open"); err == nil {
			if max, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && max < want {
				return fmt.Errorf("the lab needs %d open files, more than fs.nr_open (%d): probe fewer pairs (--pairs sample:N)", want, max)
			}
		}
	}
	lim.Cur = want
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("raising the open-file limit to %d: %w", want, err)
	}
	return nil
}
