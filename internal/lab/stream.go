package lab

import (
	"encoding/binary"
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
	if !src.Is4() {
		// An ICMPv6 error that arrives while connect still holds the socket
		// is only a soft error: TCP would report it after retransmitting
		// the SYN, a second later. With IPV6_RECVERR it is also queued, and
		// the socket polls as failed at once (see queuedError).
		syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_RECVERR, 1)
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

// sockError returns the pending error of the socket (SO_ERROR), if any,
// and clears it.
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

// queuedError returns the errno of the first error in the socket's error
// queue (IPV6_RECVERR), if any.
func queuedError(c net.Conn) error {
	var errno syscall.Errno
	control(c, func(fd int) {
		oob := make([]byte, 512)
		_, oobn, _, _, err := syscall.Recvmsg(fd, nil, oob, syscall.MSG_ERRQUEUE|syscall.MSG_DONTWAIT)
		if err != nil {
			return
		}
		msgs, err := syscall.ParseSocketControlMessage(oob[:oobn])
		if err != nil {
			return
		}
		for _, m := range msgs {
			// struct sock_extended_err starts with __u32 ee_errno.
			if m.Header.Level == syscall.IPPROTO_IPV6 && m.Header.Type == syscall.IPV6_RECVERR && len(m.Data) >= 4 {
				errno = syscall.Errno(binary.NativeEndian.Uint32(m.Data))
				return
			}
		}
	})
	if errno == 0 {
		return nil
	}
	return errno
}
