package reach_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// focusCluster: shop/web (front, port http 80) and shop/db (port pg 5432,
// only web may reach it); shop/api is not isolated; other/client may
// open connections only to shop/web:80 (its own namespace's egress
// policy); misc/tool is not isolated. Service shop/web-svc selects web.
const focusCluster = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web, tier: front}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db, tier: db}}
spec: {containers: [{name: c, image: i, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api, tier: back}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {app: client}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: misc, labels: {app: tool}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-svc, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-out, namespace: other}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}, podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 80}]
`

// shown lists a matrix as "from → to: ports" lines.
func shown(t *testing.T, a *reach.Analysis) []string {
	t.Helper()
	var out []string
	err := a.Matrix(func(c reach.Connection) error {
		out = append(out, c.From+" → "+c.To+": "+c.Allowed.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sel(t *testing.T, s string) labels.Selector {
	t.Helper()
	l, err := labels.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestFocus(t *testing.T) {
	t.Parallel()
	a := analyze(t, focusCluster)
	all := "all ports"
	tests := []struct {
		name  string
		focus reach.Focus
		want  []string
	}{
		{"namespace: either end in it; other's egress policy still decides", reach.Focus{Namespaces: []string{"shop"}}, []string{
			"misc/tool → shop/api: " + all, "misc/tool → shop/web: " + all,
			"other/client → shop/web: TCP:80",
			"shop/api → misc/tool: " + all, "shop/api → other/client: " + all, "shop/api → shop/web: " + all,
			"shop/db → misc/tool: " + all, "shop/db → other/client: " + all, "shop/db → shop/api: " + all, "shop/db → shop/web: " + all,
			"shop/web → misc/tool: " + all, "shop/web → other/client: " + all, "shop/web → shop/api: " + all, "shop/web → shop/db: TCP:5432",
		}},
		{"a namespace that only egress policies of others reach", reach.Focus{Namespaces: []string{"other"}}, []string{
			"misc/tool → other/client: " + all, "other/client → shop/web: TCP:80",
			"shop/api → other/client: " + all, "shop/db → other/client: " + all, "shop/web → other/client: " + all,
		}},
		{"from a name", reach.Focus{From: []string{"other/client"}}, []string{"other/client → shop/web: TCP:80"}},
		{"to a Service: its backends", reach.Focus{To: []string{"svc/shop/web-svc"}, From: []string{"misc/tool", "shop/api"}}, []string{
			"misc/tool → shop/web: " + all, "shop/api → shop/web: " + all,
		}},
		{"from a namespace, to a namespace", reach.Focus{From: []string{"namespace/other"}, To: []string{"ns/shop"}}, []string{
			"other/client → shop/web: TCP:80",
		}},
		{"a name without namespace is in the default one", reach.Focus{From: []string{"web"}, To: []string{"db"}, DefaultNamespace: "shop"}, []string{
			"shop/web → shop/db: TCP:5432",
		}},
		{"selector with namespace: scope is both", reach.Focus{Namespaces: []string{"shop"}, Selector: sel(t, "tier!=front,tier!=back"), From: []string{"namespace/shop"}}, []string{
			"shop/db → misc/tool: " + all, "shop/db → other/client: " + all, "shop/db → shop/api: " + all, "shop/db → shop/web: " + all,
			"shop/web → shop/db: TCP:5432",
		}},
		{"from and to selectors", reach.Focus{FromSelector: sel(t, "app in (web,api)"), ToSelector: sel(t, "tier")}, []string{
			"shop/api → shop/web: " + all, "shop/web → shop/api: " + all, "shop/web → shop/db: TCP:5432",
		}},
		{"selectors never match external peers or unlabelled keys", reach.Focus{ToSelector: sel(t, "tier=db")}, []string{
			"shop/web → shop/db: TCP:5432",
		}},
		{"a port number narrows every pair to it", reach.Focus{From: []string{"other/client", "shop/web"}, Port: reach.PortSpec{Number: 5432, Protocol: 1}}, []string{
			"shop/web → misc/tool: TCP:5432", "shop/web → other/client: TCP:5432", "shop/web → shop/api: TCP:5432", "shop/web → shop/db: TCP:5432",
		}},
		{"a port name is each destination's port of that name", reach.Focus{From: []string{"other/client", "misc/tool"}, Port: reach.PortSpec{Name: "http", Protocol: 1}}, []string{
			"misc/tool → shop/api: TCP:8080", "misc/tool → shop/web: TCP:80", "other/client → shop/web: TCP:80",
		}},
		{"nothing matches", reach.Focus{Namespaces: []string{"nowhere"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := a.Focus(tc.focus)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, shown(t, f)); diff != "" {
				t.Errorf("focused matrix (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFocusZeroIsTheMatrix(t *testing.T) {
	t.Parallel()
	a := analyze(t, focusCluster)
	f, err := a.Focus(reach.Focus{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(shown(t, a), shown(t, f)); diff != "" {
		t.Errorf("zero focus (-unfocused +focused):\n%s", diff)
	}
	if n := len(a.Nodes()); f.Pairs() != n*(n-1) || a.Pairs() != n*(n-1) {
		t.Errorf("Pairs = %d, %d; want %d", f.Pairs(), a.Pairs(), n*(n-1))
	}
}

func TestFocusNodesAndPairs(t *testing.T) {
	t.Parallel()
	a := analyze(t, focusCluster)
	f, err := a.Focus(reach.Focus{From: []string{"other/client"}, To: []string{"namespace/shop"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range f.Nodes() {
		ids = append(ids, n.ID)
	}
	if diff := cmp.Diff([]string{"other/client", "shop/api", "shop/db", "shop/web"}, ids); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	if f.Pairs() != 3 {
		t.Errorf("Pairs = %d, want 3", f.Pairs())
	}
}

func TestFocusErrors(t *testing.T) {
	t.Parallel()
	a := analyze(t, focusCluster)
	tests := []struct {
		name  string
		focus reach.Focus
		field string
	}{
		{"unknown name", reach.Focus{From: []string{"shop/nope"}}, "From"},
		{"empty namespace", reach.Focus{To: []string{"namespace/nowhere"}}, "To"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := a.Focus(tc.focus)
			var fe *reach.FocusError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("err = %v, want a FocusError on %s", err, tc.field)
			}
		})
	}
	f, _ := a.Focus(reach.Focus{})
	if _, err := f.Focus(reach.Focus{}); err == nil {
		t.Error("focusing a focused analysis: no error")
	}
	if _, err := reach.Diff(f, a); err == nil {
		t.Error("Diff of a focused analysis: no error")
	}
}

// TestFocusWorkloadAtPodLevel: at pod level a workload's name stands for
// its pods, and one pod's name for that pod only; at workload level a
// pod's name stands for its workload.
func TestFocusWorkloadAtPodLevel(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeS.Config(3))
	pod, err := reach.Analyze(c, reach.WithLevel(reach.LevelPod))
	if err != nil {
		t.Fatal(err)
	}
	talks := map[string]bool{} // pods that open some connection
	for _, cn := range matrixConns(t, pod) {
		talks[cn.From] = true
	}
	var w *model.Workload
	var pods []string
	for i := range c.Workloads {
		w, pods = &c.Workloads[i], nil
		for _, p := range w.Pods {
			if id := w.Namespace + "/" + p.Name; talks[id] {
				pods = append(pods, id)
			}
		}
		if len(pods) > 1 && len(pods) == len(w.Pods) {
			break
		}
	}
	if len(pods) < 2 {
		t.Fatal("no workload whose pods all talk in the generated cluster")
	}
	slices.Sort(pods)
	sources := func(a *reach.Analysis, from string) []string {
		f, err := a.Focus(reach.Focus{From: []string{from}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range matrixConns(t, f) {
			seen[c.From] = true
		}
		return slices.Sorted(maps.Keys(seen))
	}
	if got := sources(pod, w.ID()); !slices.Equal(got, pods) {
		t.Errorf("pod level, --from %s: sources %q, want its pods %q", w.ID(), got, pods)
	}
	if got := sources(pod, pods[1]); !slices.Equal(got, pods[1:2]) {
		t.Errorf("pod level, --from %s: sources %q, want the pod", pods[1], got)
	}
	if got := sources(analyzeCluster(t, c), pods[0]); !slices.Equal(got, []string{w.ID()}) {
		t.Errorf("workload level, --from %s: sources %q, want its workload", pods[0], got)
	}
}

func analyzeCluster(t *testing.T, c *model.Cluster) *reach.Analysis {
	t.Helper()
	a, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestFocusUnevaluated: a focused analysis reports the unevaluated
// policies that select an end of a shown pair — a pod of a shown workload
// included — and only those.
func TestFocusUnevaluated(t *testing.T) {
	t.Parallel()
	const anp = `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-canary}
spec:
  endpointSelector: {matchLabels: {track: canary}}
  ingress: [{fromEndpoints: [{matchLabels: {app: none}}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pay, namespace: bank}
spec:
  selector: {matchLabels: {app: pay}}
  template: {metadata: {labels: {app: pay}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: pay-canary
  namespace: bank
  labels: {app: pay, track: canary}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: pay, uid: u}]
spec: {containers: [{name: c, image: i}]}
`
	a := analyze(t, focusCluster, anp)
	if len(a.Unevaluated()) != 1 {
		t.Fatalf("unfocused: %v, want the Cilium policy", a.Unevaluated())
	}
	tests := []struct {
		name  string
		focus reach.Focus
		want  int
	}{
		{"the workload of the selected pod is shown", reach.Focus{Namespaces: []string{"bank"}}, 1},
		{"it is an end of a shown pair", reach.Focus{From: []string{"shop/web"}}, 1},
		{"no shown pair has it", reach.Focus{From: []string{"namespace/shop"}, To: []string{"namespace/shop"}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := a.Focus(tc.focus)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(f.Unevaluated()); got != tc.want {
				t.Errorf("%d unevaluated policies, want %d: %v", got, tc.want, f.Unevaluated())
			}
		})
	}
}
