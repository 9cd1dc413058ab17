package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// testbinsEnv names the directory holding kube-apiserver and etcd, as
// hack/testbins.sh prints it.
const testbinsEnv = "PODREACH_TESTBINS"

// user is a token-authenticated user of the test server.
type user struct {
	name, token string
	groups      []string
}

// server is a real etcd + kube-apiserver on loopback, with token users.
type server struct {
	dir       string
	host      string // https://127.0.0.1:PORT
	caFile    string
	etcd, api *exec.Cmd
	users     []user
	started   time.Duration // from launching etcd to /readyz
}

// Users of every server: admin is in system:masters; the others get
// their permissions from the tests (RBAC).
var users = []user{
	{name: "admin", token: "admin-token", groups: []string{"system:masters"}},
	{name: "reader", token: "reader-token", groups: []string{"podreach-readers"}}, // bound by deploy/rbac.yaml
	{name: "partial", token: "partial-token"},                                     // the reader role in some namespaces only
	{name: "nobody", token: "nobody-token"},                                       // no permissions
}

// binaries returns the directory with kube-apiserver and etcd. When they
// are missing the test is skipped with a loud message, or fails when CI is
// set: CI must run these tests.
func binaries(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv(testbinsEnv)
	missing := dir == ""
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); dir != "" && err != nil {
			missing = true
		}
	}
	if !missing {
		return dir
	}
	msg := fmt.Sprintf("*** NO REAL API SERVER: $%s=%q does not hold kube-apiserver and etcd; run hack/test.sh, or: export %s=$(hack/testbins.sh) ***",
		testbinsEnv, dir, testbinsEnv)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// ownServer starts a server of the test's own in a temporary directory,
// stopped when the test ends; it skips under -short.
func ownServer(t *testing.T) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real kube-apiserver; skipped with -short")
	}
	bins := binaries(t)
	srv, err := startServer(bins, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.stop)
	return srv
}

// startServer starts etcd and kube-apiserver in dir; stop them with stop.
func startServer(bins, dir string) (*server, error) {
	s := &server{dir: dir, users: users}
	begin := time.Now()
	if err := s.writePKI(); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	s.etcd = command(filepath.Join(bins, "etcd"), filepath.Join(dir, "etcd.log"),
		"--name=podreach", "--data-dir="+filepath.Join(dir, "etcd-data"), "--unsafe-no-fsync", "--log-level=error",
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=podreach="+peerURL)
	if err := s.etcd.Start(); err != nil {
		return nil, err
	}
	if err := waitHTTP(&http.Client{}, etcdURL+"/health", "", 30*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("etcd: %w\n%s", err, tail(filepath.Join(dir, "etcd.log")))
	}
	s.host = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	p := func(f string) string { return filepath.Join(dir, f) }
	s.api = command(filepath.Join(bins, "kube-apiserver"), p("apiserver.log"),
		"--etcd-servers="+etcdURL, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none", fmt.Sprintf("--secure-port=%d", ports[2]),
		"--tls-cert-file="+p("apiserver.crt"), "--tls-private-key-file="+p("apiserver.key"),
		"--client-ca-file="+p("ca.crt"), "--token-auth-file="+p("tokens.csv"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+p("sa.pub"), "--service-account-signing-key-file="+p("sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16", "--authorization-mode=RBAC",
		"--disable-admission-plugins=ServiceAccount", "--profiling=false", "--v=0")
	if err := s.api.Start(); err != nil {
		s.stop()
		return nil, err
	}
	if err := waitHTTP(s.httpClient(), s.host+"/readyz", "admin-token", 90*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("kube-apiserver: %w\n%s", err, tail(p("apiserver.log")))
	}
	s.started = time.Since(begin)
	return s, nil
}

// command prepares a process whose output goes to logFile and which dies
// with the test binary.
func command(bin, logFile string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	if f, err := os.Create(logFile); err == nil {
		cmd.Stdout, cmd.Stderr = f, f
	}
	cmd.SysProcAttr = deathSignal()
	return cmd
}

// stop kills both processes and waits for them.
func (s *server) stop() {
	for _, c := range []*exec.Cmd{s.api, s.etcd} {
		if c != nil && c.Process != nil {
			c.Process.Kill()
			c.Wait()
		}
	}
}

// killAPIServer kills kube-apiserver at once (the server going away).
func (s *server) killAPIServer() {
	if s.api != nil && s.api.Process != nil {
		s.api.Process.Kill()
	}
}

func (s *server) httpClient() *http.Client {
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(s.caFile); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// waitHTTP polls url until it answers 200.
func waitHTTP(c *http.Client, url, token string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s: %s", url, resp.Status)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s: %v", timeout, last)
}

// kubeconfig writes a kubeconfig for u with one context named context and
// returns its path.
func (s *server) kubeconfig(u, context string) (string, error) {
	ca, err := os.ReadFile(s.caFile)
	if err != nil {
		return "", err
	}
	token := ""
	for _, x := range s.users {
		if x.name == u {
			token = x.token
		}
	}
	if token == "" {
		token = "invalid-token"
	}
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: %s
  context: {cluster: e2e, user: %s, namespace: emojivoto}
current-context: %s
`, s.host, b64(ca), u, token, context, u, context)
	path := filepath.Join(s.dir, "kubeconfig-"+u+"-"+context)
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// freePorts returns n distinct free loopback ports.
func freePorts(n int) ([]int, error) {
	var out []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// tail returns the end of a log file, for failure messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
