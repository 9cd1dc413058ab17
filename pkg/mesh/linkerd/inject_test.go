package linkerd

import (
	"fmt"
	"maps"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// injectByCopy is Inject as it was before copy-on-write: a deep copy of c,
// injected in place. It is the reference the copy-on-write Inject must
// equal.
func injectByCopy(in *Install, c *model.Cluster) *model.Cluster {
	out := cloneCluster(c)
	for i := range out.Workloads {
		w := &out.Workloads[i]
		if hasProxy(&w.Template) || !in.wouldInject(out, w) {
			continue
		}
		ns := namespaceOf(out, w.Namespace)
		inject := func(spec *model.PodSpec) {
			if spec.Labels == nil {
				spec.Labels = map[string]string{}
			}
			maps.Copy(spec.Labels, in.injectedLabels(w))
			spec.Annotations = inheritAnnotations(spec.Annotations, ns.Annotations)
			spec.Containers = append(in.injectedContainers(), spec.Containers...)
		}
		inject(&w.Template)
		for j := range w.Pods {
			if !hasProxy(&w.Pods[j].Spec) {
				inject(&w.Pods[j].Spec)
			}
		}
	}
	return out
}

// generatedClusters are synth clusters with a Linkerd control plane, made
// harder: some pods already carry the proxy their template lacks, some
// templates have no labels, namespaces inherit config annotations, one
// namespace is declared twice and one workload's namespace not at all.
func generatedClusters(t *testing.T) map[string]*model.Cluster {
	t.Helper()
	out := map[string]*model.Cluster{}
	for seed := range 4 {
		c := synth.Generate(synth.SizeS.Config(int64(seed + 1)))
		if seed > 0 {
			harden(c, seed)
		}
		out[fmt.Sprintf("S/seed=%d", seed+1)] = c
	}
	if !testing.Short() {
		c := synth.Generate(synth.SizeM.Config(1))
		harden(c, 1)
		out["M/seed=1"] = c
	}
	return out
}

func harden(c *model.Cluster, every int) {
	for i := range c.Namespaces {
		ns := &c.Namespaces[i]
		ns.Annotations = maps.Clone(ns.Annotations)
		if ns.Annotations == nil {
			ns.Annotations = map[string]string{}
		}
		switch i % 3 {
		case 0:
			ns.Annotations[annotationOpaquePorts] = "6379"
		case 1:
			if ns.Name != "linkerd" {
				ns.Annotations[annotationInject] = "enabled"
				ns.Annotations[annotationSkipInbound] = "9000"
			}
		}
	}
	if len(c.Namespaces) > 1 {
		dup := c.Namespaces[1]
		dup.Annotations = map[string]string{annotationInject: "disabled"}
		c.Namespaces = append(c.Namespaces, dup)
	}
	for i := range c.Workloads {
		w := &c.Workloads[i]
		if i%(2+every) == 0 && len(w.Pods) > 0 {
			w.Pods[0].Spec.Containers = append(w.Pods[0].Spec.Containers, model.Container{Name: containerProxy})
		}
		if i%(3+every) == 1 {
			w.Template.Labels = nil
		}
		if i%(4+every) == 3 {
			w.Template.Annotations = map[string]string{annotationOpaquePorts: "5432"}
			for j := range w.Pods {
				w.Pods[j].Spec.Annotations = map[string]string{annotationOpaquePorts: "5432"}
			}
		}
		if i%(5+every) == 2 {
			w.Namespace = "undeclared"
			w.Template.Annotations = map[string]string{annotationInject: "enabled"}
		}
	}
}

// installs are the releases and settings whose injection differs.
func installs() map[string]*Install {
	return map[string]*Install{
		"2.2":         install("stable-2.2.0", WithComponents("proxy-injector")),
		"2.9":         install("stable-2.9.0"),
		"2.14 cni":    install("stable-2.14.10", WithCNI(true)),
		"edge native": install("edge-26.8.3", WithNativeSidecar(true)),
		"2.3 no inj":  install("stable-2.3.0"),
	}
}

var addrCmp = []cmp.Option{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// TestInjectCopyOnWrite: Inject gives the cluster the full copy gives, on
// generated clusters, leaves its input alone, and clips its slices.
func TestInjectCopyOnWrite(t *testing.T) {
	t.Parallel()
	for name, c := range generatedClusters(t) {
		for iname, in := range installs() {
			t.Run(name+"/"+iname, func(t *testing.T) {
				t.Parallel()
				before := cloneCluster(c)
				want := injectByCopy(in, c)
				got := in.Inject(c)
				if diff := cmp.Diff(want, got, addrCmp...); diff != "" {
					t.Fatalf("copy-on-write Inject differs from the full copy (-copy +cow):\n%s", diff)
				}
				if n := injectedCount(c, got); n > 0 && iname == "2.3 no inj" || n == 0 && iname != "2.3 no inj" && name != "S/seed=1" {
					t.Fatalf("%d workloads injected", n)
				}
				if diff := cmp.Diff(before, c, addrCmp...); diff != "" {
					t.Fatalf("Inject modified its input (-before +after):\n%s", diff)
				}
				for field, ok := range map[string]bool{
					"Namespaces": clipped(got.Namespaces, c.Namespaces), "Workloads": clipped(got.Workloads, c.Workloads),
					"Services": clipped(got.Services, c.Services), "Policies": clipped(got.Policies, c.Policies),
					"Objects": clipped(got.Objects, c.Objects), "Externals": clipped(got.Externals, c.Externals),
					"Gaps": clipped(got.Gaps, c.Gaps),
				} {
					if !ok {
						t.Errorf("%s shares the input's array with room to append: appending to it would write into the input", field)
					}
				}
			})
		}
	}
}

// injectedCount counts the workloads whose template gained the proxy.
func injectedCount(orig, out *model.Cluster) int {
	n := 0
	for i := range out.Workloads {
		if hasProxy(&out.Workloads[i].Template) && !hasProxy(&orig.Workloads[i].Template) {
			n++
		}
	}
	return n
}

// clipped reports whether appending to got cannot write into the array of
// orig: got has no spare capacity, or its own array.
func clipped[T any](got, orig []T) bool {
	return len(got) == cap(got) || len(got) == 0 || len(orig) == 0 || &got[0] != &orig[0]
}

// TestMeshedWorkloads: MeshedWorkloads is Meshed for every workload, on
// generated clusters and on what Inject makes of them.
func TestMeshedWorkloads(t *testing.T) {
	t.Parallel()
	for name, c := range generatedClusters(t) {
		for iname, in := range installs() {
			for _, cc := range []*model.Cluster{c, in.Inject(c)} {
				got := in.MeshedWorkloads(cc)
				for i := range cc.Workloads {
					if want := in.Meshed(cc, &cc.Workloads[i]); got[i] != want {
						t.Errorf("%s/%s: %s: MeshedWorkloads says %v, Meshed %v", name, iname, cc.Workloads[i].ID(), got[i], want)
					}
				}
			}
		}
	}
}
