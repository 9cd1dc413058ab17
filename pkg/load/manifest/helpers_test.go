package manifest

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/podreach/podreach/pkg/model"
)

// cmpOpts compares model values (netip.Addr has unexported fields).
var cmpOpts = []cmp.Option{cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})}

// decodeOK decodes YAML that must load without errors.
func decodeOK(t *testing.T, in string, opts ...Option) (*model.Cluster, model.Diagnostics) {
	t.Helper()
	c, diags, err := Decode("in.yaml", []byte(in), opts...)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return c, diags
}

// decodeDiags decodes input and returns its diagnostics as strings
// ("severity: file:line: object: field: message"), checking that the error
// and the cluster agree with them.
func decodeDiags(t *testing.T, name, in string, opts ...Option) []string {
	t.Helper()
	c, diags, err := Decode(name, []byte(in), opts...)
	checkResult(t, c, diags, err)
	return diagStrings(diags)
}

// checkResult asserts the contract: an error iff an Error diagnostic, and
// a cluster iff no error.
func checkResult(t testing.TB, c *model.Cluster, diags model.Diagnostics, err error) {
	t.Helper()
	hasError := len(diags.Errors()) > 0
	if (err != nil) != hasError {
		t.Fatalf("err = %v, but Error diagnostics = %v", err, diags.Errors())
	}
	if (c == nil) != hasError {
		t.Fatalf("cluster = %v with err = %v", c, err)
	}
	if err != nil {
		if _, ok := err.(*model.InputError); !ok {
			t.Fatalf("err is %T, want *model.InputError", err)
		}
	}
}

func diagStrings(diags model.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.String())
	}
	return out
}

// docs joins YAML documents into one stream.
func docs(ds ...string) string { return strings.Join(ds, "---\n") }

// obj is a YAML object of the given kind with a name, a namespace (omitted
// when empty) and body lines appended verbatim.
func obj(apiVersion, kind, ns, name string, body ...string) string {
	s := "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	for _, b := range body {
		s += b + "\n"
	}
	return s
}

// policy is a NetworkPolicy ns/p whose spec is the given lines, indented
// under "spec:"; the first spec line is line 7.
func policy(spec ...string) string {
	s := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: ns\nspec:\n"
	for _, l := range spec {
		s += "  " + l + "\n"
	}
	return s
}

// deployment is a Deployment selecting template labels app=<name>.
func deployment(ns, name string, body ...string) string {
	return obj("apps/v1", "Deployment", ns, name, append([]string{
		"spec:",
		"  template:",
		"    metadata: {labels: {app: " + name + "}}",
		"    spec: {containers: [{name: c, image: img}]}",
		"  selector: {matchLabels: {app: " + name + "}}",
	}, body...)...)
}

// pod is a Pod with the given metadata lines (indented under metadata).
func pod(ns, name string, meta ...string) string {
	s := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n"
	for _, m := range meta {
		s += "  " + m + "\n"
	}
	return s + "spec: {containers: [{name: c, image: img}]}\n"
}

// ownedBy is an ownerReferences metadata line.
func ownedBy(kind, name string) string {
	return "ownerReferences: [{apiVersion: v1, kind: " + kind + ", name: " + name + ", uid: u, controller: true}]"
}

// workloadNames lists "Kind ns/name: pod,pod" for each workload.
func workloadNames(c *model.Cluster) []string {
	var out []string
	for _, w := range c.Workloads {
		s := w.Kind.String() + " " + w.ID() + ":"
		for i, p := range w.Pods {
			if i > 0 {
				s += ","
			}
			s += p.Name
		}
		out = append(out, s)
	}
	return out
}
