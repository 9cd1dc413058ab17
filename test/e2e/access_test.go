package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var rbacOnce sync.Once

// grantRBAC applies deploy/rbac.yaml (whose binding covers the reader
// user's group) and gives the partial user the same ClusterRole in
// linkerd, linkerd-viz and extras only (not emojivoto), plus what must be cluster-wide.
func grantRBAC(t *testing.T, c *cluster) {
	t.Helper()
	var err error
	rbacOnce.Do(func() {
		if err = c.apply("../../deploy/rbac.yaml"); err != nil {
			return
		}
		partial := filepath.Join(c.srv.dir, "partial-rbac.yaml")
		var b strings.Builder
		b.WriteString(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: podreach-cluster-scope}
rules:
- apiGroups: [""]
  resources: [namespaces]
  verbs: [list]
- apiGroups: [admissionregistration.k8s.io]
  resources: [mutatingwebhookconfigurations, validatingwebhookconfigurations]
  verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: partial-cluster-scope}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: podreach-cluster-scope}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: partial}]
`)
		for _, ns := range []string{"linkerd", "linkerd-viz", "extras"} {
			fmt.Fprintf(&b, `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: partial-reader, namespace: %s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: podreach-reader}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: partial}]
`, ns)
		}
		if err = os.WriteFile(partial, []byte(b.String()), 0o644); err == nil {
			err = c.apply(partial)
		}
	})
	if err != nil {
		t.Fatalf("granting RBAC: %v", err)
	}
}

// TestRBACRoleIsEnough: a user bound only by deploy/rbac.yaml gets exactly
// the answers a cluster admin gets.
func TestRBACRoleIsEnough(t *testing.T) {
	c := env(t)
	grantRBAC(t, c)
	reader, err := c.srv.kubeconfig("reader", "e2e")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "--mesh", "linkerd", "-o", "json"},
		{"matrix", "-o", "json"},
	} {
		admin, aerr := c.run(append(args, "--kubeconfig", c.admin)...)
		got, rerr := c.run(append(args, "--kubeconfig", reader)...)
		if got != admin {
			t.Errorf("%v: the reader's answer differs from the admin's\nreader stderr:\n%s\nadmin stderr:\n%s", args, rerr, aerr)
		}
		if strings.Contains(rerr, "Forbidden") || strings.Contains(rerr, "incomplete") {
			t.Errorf("%v: the reader was refused something:\n%s", args, rerr)
		}
	}
}

// TestForbidden: refused everywhere is an error naming the verb and
// resource and pointing to deploy/rbac.yaml; refused in some namespaces
// gives an answer marked incomplete, never a silently smaller one.
func TestForbidden(t *testing.T) {
	c := env(t)
	grantRBAC(t, c)
	t.Run("nothing allowed", func(t *testing.T) {
		kc, _ := c.srv.kubeconfig("nobody", "e2e")
		out, errOut, code := podreach("matrix", "--kubeconfig", kc)
		if code != 2 || out != "" {
			t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, out)
		}
		for _, want := range []string{"not allowed to list namespaces cluster-wide", "deploy/rbac.yaml", `User "nobody"`} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr does not say %q:\n%s", want, errOut)
			}
		}
	})
	t.Run("some namespaces", func(t *testing.T) {
		kc, _ := c.srv.kubeconfig("partial", "e2e")
		out, errOut, code := podreach("check", "--mesh", "linkerd", "--kubeconfig", kc)
		if code != 1 {
			t.Errorf("check: exit %d, want 1 (blocked flows)", code)
		}
		for _, want := range []string{"‼ can read the whole cluster", "namespace emojivoto could not be read (Forbidden)",
			"incomplete: namespace default, emojivoto, kube-node-lease, kube-public, kube-system could not be fully read"} {
			if !strings.Contains(out, want) {
				t.Errorf("check output does not say %q:\n%s", want, out)
			}
		}
		if !strings.Contains(errOut, "warning: live:e2e: namespace emojivoto could not be read (Forbidden)") {
			t.Errorf("no warning on stderr:\n%s", errOut)
		}
		out, _, code = podreach("matrix", "--kubeconfig", kc)
		if code != 0 || !strings.Contains(out, "INCOMPLETE: namespace emojivoto could not be read (Forbidden)") {
			t.Errorf("matrix: exit %d, want 0 and an INCOMPLETE line:\n%s", code, out)
		}
		out, _, _ = podreach("matrix", "-o", "json", "--kubeconfig", kc)
		if !strings.Contains(out, `"incomplete":[{"namespace":"default"`) {
			t.Errorf("matrix JSON has no incomplete field:\n%s", out)
		}
		_, errOut, code = podreach("explain", "--from", "emojivoto/web", "--to", "linkerd/linkerd-destination", "--kubeconfig", kc)
		if code != 2 || !strings.Contains(errOut, "note: namespaces default, emojivoto, kube-node-lease, kube-public, kube-system could not be fully read") {
			t.Errorf("explain from an unreadable namespace: exit %d, stderr:\n%s", code, errOut)
		}
	})
	t.Run("invalid credentials", func(t *testing.T) {
		kc, _ := c.srv.kubeconfig("stranger", "e2e")
		out, errOut, code := podreach("matrix", "--kubeconfig", kc)
		if code != 2 || out != "" || !strings.Contains(errOut, "rejected the credentials of context \"e2e\" (401 Unauthorized)") {
			t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
		}
	})
}

// TestUnreachable: no server at the address is a clear error, exit 2.
func TestUnreachable(t *testing.T) {
	c := env(t)
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	kc, _ := c.srv.kubeconfig("admin", "gone")
	data, _ := os.ReadFile(kc)
	data = []byte(strings.Replace(string(data), c.srv.host, fmt.Sprintf("https://127.0.0.1:%d", ports[0]), 1))
	os.WriteFile(kc, data, 0o600)
	out, errOut, code := podreach("check", "--mesh", "linkerd", "--kubeconfig", kc)
	if code != 2 || out != "" || !strings.Contains(errOut, "cannot reach the API server at https://127.0.0.1:") ||
		!strings.Contains(errOut, "connection refused") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}

// TestTimeout: a read that does not finish within --timeout is an error
// that names the flag.
func TestTimeout(t *testing.T) {
	c := env(t)
	out, errOut, code := podreach("matrix", "--kubeconfig", c.admin, "--timeout", "1ms")
	if code != 2 || out != "" || !strings.Contains(errOut, "did not finish within --timeout 1ms") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}
