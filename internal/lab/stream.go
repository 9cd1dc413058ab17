package lab

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
)

// Stream sockets by hand: the probe creates its socket, binds it and starts
// connecting inside the source's namespace (a few microseconds on a locked
// thread), then waits for the outcome outside it, through net.FileConn, so
// waiting costs a goroutine rather than an OS thread. A one-to-one style
// SCTP socket (SOCK_STREAM, IPPROTO_SCTP) accepts, connects, reads and
// writes like a TCP socket, so SCTP goes the same way, listeners included
// (net.FileListener). The SCTP paths only run on kernels with SCTP; this
// project's CI kernel has none, so there they are never reached (probes are
// reported "not probed: kernel has no SCTP").

func streamSocket(addr netip.Addr, proto int) (int, syscall.Sockaddr, error) {
	fam := syscall.AF_INET6
	if addr.Is4() {
		fam = syscall.AF_INET
	}
	fd, err := syscall.Socket(fam, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, proto)
	if err != nil {
		return -1, nil, fmt.Errorf("socket: %w", err)
	}
	return fd, sockaddr(addr, 0), nil
}

func sockaddr(a netip.Addr, port int) syscall.Sockaddr {
	if a.Is4() {
		return &syscall.SockaddrInet4{Addr: a.As4(), Port: port}
	}
	return &syscall.SockaddrInet6{Addr: a.As16(), Port: port}
}

// listenSCTP listens on addr:port.
func listenSCTP(addr netip.Addr, port int) (net.Listener, error) {
	fd, _, err := streamSocket(addr, syscall.IPPROTO_SCTP)
	if err != nil {
		return nil, err
	}
	if err := syscall.Bind(fd, sockaddr(addr, port)); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("sctp bind: %w", err)
	}
	if err := syscall.Listen(fd, 128); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("sctp listen: %w", err)
	}
	f := os.NewFile(uintptr(fd), "sctp-listener")
	defer f.Close()
	return net.FileListener(f)
}

// dialStream binds a TCP or SCTP socket to src and starts connecting to
// dst:port. The returned conn's first read completes the connection (or
// reports why it failed). Binding first means that a socket created
// anywhere but in the namespace holding src fails before sending anything.
func dialStream(proto int, src, dst netip.Addr, port int) (net.Conn, error) {
	fd, local, err := streamSocket(src, proto)
	if err != nil {
		return nil, err
	}
	if err := syscall.Bind(fd, local); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("bind %s: %w", src, err)
	}
	if err := syscall.Connect(fd, sockaddr(dst, port)); err != nil && !errors.Is(err, syscall.EINPROGRESS) {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "probe")
	defer f.Close()
	return net.FileConn(f)
}

// connected reports whether a stream conn got connected (it has a peer).
func connected(c net.Conn) bool {
	var perr error
	if !control(c, func(fd int) { _, perr = syscall.Getpeername(fd) }) {
		return false
	}
	return perr == nil
}

// sockError returns the pending error of the socket (SO_ERROR), if any. It
// is sticky until read, so a failed connection reports the same error to
// every call.
func sockError(c net.Conn) error {
	var e int
	var gerr error
	if !control(c, func(fd int) { e, gerr = syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR) }) || gerr != nil {
		return nil
	}
	if e == 0 {
		return nil
	}
	return syscall.Errno(e)
}

// control runs fn on the conn's file descriptor.
func control(c net.Conn, fn func(fd int)) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	return err == nil && raw.Control(func(fd uintptr) { fn(int(fd)) }) == nil
}
