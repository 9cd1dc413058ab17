package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestServerGoesAway: a second API server is killed while podreach is
// paging through its pods: a clear error, exit 2, and no partial verdict
// on stdout. A TCP proxy in front of it kills the apiserver process once
// enough of the read has gone through, so the kill is mid-list every time.
func TestServerGoesAway(t *testing.T) {
	srv := ownServer(t)
	t.Logf("second server: etcd + kube-apiserver ready in %s", srv.started.Round(time.Millisecond))
	c := &cluster{srv: srv}
	var err error
	if c.admin, err = srv.kubeconfig("admin", "doomed"); err != nil {
		t.Fatal(err)
	}
	dc, err := c.client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "many"}}}
	if _, err := create(ctx, dc, ns); err != nil {
		t.Fatal(err)
	}
	const pods = 60
	for i := range pods {
		p := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": fmt.Sprintf("p%02d", i), "namespace": "many", "labels": map[string]any{"app": "p"}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "i"}}}}}
		if _, err := create(ctx, dc, p); err != nil {
			t.Fatal(err)
		}
	}
	// Each page of one pod is over 1 KiB: the proxy kills the server
	// well after the first pages and well before the last.
	proxy, err := newKillingProxy(strings.TrimPrefix(srv.host, "https://"), 30<<10, srv.killAPIServer)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.close()
	data, _ := os.ReadFile(c.admin)
	os.WriteFile(c.admin, []byte(strings.Replace(string(data), srv.host, "https://"+proxy.addr(), 1)), 0o600)

	out, errOut, code := podreach("matrix", "--kubeconfig", c.admin, "--chunk-size", "1")
	if code != 2 || out != "" {
		t.Errorf("exit %d, stdout %q; want 2 and no verdict", code, out)
	}
	if !strings.Contains(errOut, "lost the API server at https://"+proxy.addr()+" while listing") ||
		!strings.Contains(errOut, "no result is given from a partial read") {
		t.Errorf("stderr does not explain the lost server:\n%s", errOut)
	}
	t.Logf("stderr: %s", errOut)
	if got := proxy.forwarded.Load(); got < 30<<10 {
		t.Errorf("the proxy forwarded only %d bytes: the server was not killed mid-list", got)
	}
}

// killingProxy forwards TCP to target and, once limit bytes have come
// back, calls kill and stops forwarding and accepting.
type killingProxy struct {
	l         net.Listener
	target    string
	limit     int64
	kill      func()
	forwarded atomic.Int64
	once      sync.Once
	mu        sync.Mutex
	conns     []net.Conn
}

func newKillingProxy(target string, limit int64, kill func()) (*killingProxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &killingProxy{l: l, target: target, limit: limit, kill: kill}
	go p.serve()
	return p, nil
}

func (p *killingProxy) addr() string { return p.l.Addr().String() }

func (p *killingProxy) serve() {
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { io.Copy(out, in); out.Close() }()
		go func() { p.copyBack(in, out); in.Close() }()
	}
}

// copyBack copies the server's answers to the client, counting them.
func (p *killingProxy) copyBack(dst, src net.Conn) {
	buf := make([]byte, 16<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if p.forwarded.Add(int64(n)) > p.limit {
				p.once.Do(func() { p.kill(); go p.close() })
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *killingProxy) close() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}
