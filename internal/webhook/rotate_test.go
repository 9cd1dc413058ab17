package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podreach/podreach/pkg/guard"
)

// secretDir is a directory laid out as the kubelet mounts a Secret:
// tls.crt and tls.key are symlinks to ..data/tls.crt and ..data/tls.key,
// ..data a symlink to the timestamped directory in service; an update
// writes a new timestamped directory and renames a new symlink over
// ..data (atomic), then removes the old directory.
type secretDir struct {
	t   *testing.T
	dir string
	n   int
}

func newSecretDir(t *testing.T, c Certs) *secretDir {
	d := &secretDir{t: t, dir: t.TempDir()}
	d.update(c.Cert, c.Key)
	for _, f := range []string{"tls.crt", "tls.key"} {
		if err := os.Symlink(filepath.Join("..data", f), filepath.Join(d.dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func (d *secretDir) update(cert, key []byte) {
	d.t.Helper()
	d.n++
	ts := fmt.Sprintf("..2026_12_05_08_00_00.%d", d.n)
	if err := os.Mkdir(filepath.Join(d.dir, ts), 0o755); err != nil {
		d.t.Fatal(err)
	}
	for name, data := range map[string][]byte{"tls.crt": cert, "tls.key": key} {
		if err := os.WriteFile(filepath.Join(d.dir, ts, name), data, 0o600); err != nil {
			d.t.Fatal(err)
		}
	}
	old, _ := os.Readlink(filepath.Join(d.dir, "..data"))
	tmp := filepath.Join(d.dir, "..data_tmp")
	if err := os.Symlink(ts, tmp); err != nil {
		d.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(d.dir, "..data")); err != nil {
		d.t.Fatal(err)
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(d.dir, old)); err != nil {
			d.t.Fatal(err)
		}
	}
}

func (d *secretDir) files() (string, string) {
	return filepath.Join(d.dir, "tls.crt"), filepath.Join(d.dir, "tls.key")
}

func newCerts(t *testing.T, validity time.Duration) Certs {
	t.Helper()
	c, err := NewCerts([]string{"127.0.0.1"}, validity)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logBuffer is a log the test reads while the server writes it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// served returns the serial of the certificate a fresh TLS handshake with
// addr gets, verifying it against ca.
func served(t *testing.T, addr string, ca []byte) string {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber.Text(16)
}

func serialOf(t *testing.T, c Certs) string {
	t.Helper()
	pair, err := tls.X509KeyPair(c.Cert, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pair.Leaf.SerialNumber.Text(16)
}

// TestCertFilesRotation: a Secret-style atomic swap is served from the
// next handshake, without a restart; every bad new pair keeps the pair in
// service and is logged once; a good pair after a bad one is taken.
func TestCertFilesRotation(t *testing.T) {
	a, b, c := newCerts(t, time.Hour), newCerts(t, time.Hour), newCerts(t, time.Hour)
	expired, future := newCerts(t, -2*time.Hour), newCerts(t, time.Hour)
	d := newSecretDir(t, a)
	logs := &logBuffer{}
	cf, err := LoadCertFiles(filepath.Join(d.dir, "tls.crt"), filepath.Join(d.dir, "tls.key"), slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln := tls.NewListener(mustListen(t), cf.TLSConfig())
	go http.Serve(ln, http.NotFoundHandler())
	t.Cleanup(func() { ln.Close() })
	addr := ln.Addr().String()
	if got := served(t, addr, a.CA); got != serialOf(t, a) {
		t.Fatalf("serving %s, want a's %s", got, serialOf(t, a))
	}
	if cf.Reload() {
		t.Error("Reload with unchanged files reloaded")
	}

	d.update(b.Cert, b.Key)
	if !cf.Reload() || served(t, addr, b.CA) != serialOf(t, b) {
		t.Fatal("after the swap to b: not serving b")
	}

	for _, bad := range []struct {
		name, log string
		cert, key []byte
		clock     time.Duration // the reloader's clock, from now
	}{
		{name: "key of another certificate", cert: c.Cert, key: b.Key, log: "private key does not match public key"},
		{name: "half-written rotation: new certificate, old key", cert: c.Cert, key: a.Key, log: "private key does not match public key"},
		{name: "not PEM", cert: []byte("garbage"), key: []byte("garbage"), log: "failed to find any PEM data in certificate input"},
		{name: "empty files", cert: nil, key: nil, log: "failed to find any PEM data"},
		{name: "expired", cert: expired.Cert, key: expired.Key, log: "the certificate expired at"},
		{name: "not yet valid", cert: future.Cert, key: future.Key, clock: -3 * time.Hour, log: "the certificate is not valid before"}, // its NotBefore is an hour ago
	} {
		t.Run(bad.name, func(t *testing.T) {
			cf.now = func() time.Time { return time.Now().Add(bad.clock) }
			before := strings.Count(logs.String(), "level=ERROR")
			d.update(bad.cert, bad.key)
			for range 2 { // the second look finds the same bad pair: not logged again
				if cf.Reload() {
					t.Fatal("a bad pair was put in service")
				}
			}
			if got := served(t, addr, b.CA); got != serialOf(t, b) {
				t.Errorf("serving %s after a bad pair, want b's %s", got, serialOf(t, b))
			}
			out := logs.String()
			if strings.Count(out, "level=ERROR") != before+1 || !strings.Contains(out, bad.log) {
				t.Errorf("want one error log naming %q, got:\n%s", bad.log, out)
			}
		})
	}
	cf.now = time.Now

	if err := os.Remove(filepath.Join(d.dir, "tls.key")); err != nil {
		t.Fatal(err)
	}
	if cf.Reload() || !strings.Contains(logs.String(), "reading the serving key") {
		t.Errorf("a missing key file: want the pair kept and an error logged:\n%s", logs)
	}
	if err := os.Symlink(filepath.Join("..data", "tls.key"), filepath.Join(d.dir, "tls.key")); err != nil {
		t.Fatal(err)
	}
	d.update(c.Cert, c.Key)
	if !cf.Reload() || served(t, addr, c.CA) != serialOf(t, c) {
		t.Fatal("a good pair after bad ones: not serving it")
	}
}

// TestCertFilesLoadRefusesBadPair: with no pair in service, a bad one is
// an error naming the files.
func TestCertFilesLoadRefusesBadPair(t *testing.T) {
	a, b := newCerts(t, time.Hour), newCerts(t, time.Hour)
	d := newSecretDir(t, Certs{Cert: a.Cert, Key: b.Key})
	cert, key := d.files()
	_, err := LoadCertFiles(cert, key, nil)
	if err == nil || !strings.Contains(err.Error(), cert) || !strings.Contains(err.Error(), "private key does not match") {
		t.Errorf("err %v", err)
	}
	if _, err := LoadCertFiles(filepath.Join(d.dir, "missing.crt"), key, nil); err == nil || !strings.Contains(err.Error(), "missing.crt") {
		t.Errorf("missing file: err %v", err)
	}
}

// slowSource is a Source whose Guard blocks until released: a /readyz
// request stays in flight for as long as the test wants.
type slowSource struct {
	entered chan struct{}
	release chan struct{}
}

func (s slowSource) Guard() *guard.Guard {
	s.entered <- struct{}{}
	<-s.release
	return &guard.Guard{}
}
func (s slowSource) Synced() time.Time { return time.Time{} }

// TestServeRotatesWithRequestInFlight: the guard's server, serving with
// CertFiles and Watch, takes a swapped pair for new connections while a
// request that arrived on the old certificate is in flight, and that
// request completes.
func TestServeRotatesWithRequestInFlight(t *testing.T) {
	a, b := newCerts(t, time.Hour), newCerts(t, time.Hour)
	d := newSecretDir(t, a)
	cert, key := d.files()
	cf, err := LoadCertFiles(cert, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go cf.Watch(ctx, 20*time.Millisecond)
	src := slowSource{entered: make(chan struct{}), release: make(chan struct{})}
	ln := mustListen(t)
	done := make(chan error, 1)
	go func() { done <- New(src).Serve(ctx, ln, cf.TLSConfig(), 5*time.Second) }()
	addr := ln.Addr().String()

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(a.CA)
	inflight := make(chan error, 1)
	go func() {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := c.Get("https://" + addr + "/readyz")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %s", resp.Status)
			}
		}
		inflight <- err
	}()
	<-src.entered // the request is in the handler, on a connection with a's certificate

	d.update(b.Cert, b.Key)
	deadline := time.Now().Add(5 * time.Second)
	for servedSerial(addr, b.CA) != serialOf(t, b) {
		if time.Now().After(deadline) {
			t.Fatal("the swapped pair was never served")
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(src.release)
	if err := <-inflight; err != nil {
		t.Errorf("the request in flight during the rotation: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// servedSerial is served without a test to fail: "" when the handshake
// fails (the old certificate, which b's CA does not trust).
func servedSerial(addr string, ca []byte) string {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool})
	if err != nil {
		return ""
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber.Text(16)
}

func mustListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
