package render_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/render"
	"github.com/podreach/podreach/test/hostile"
)

// hostileProposal is a proposal of two policies and one placeholder in
// which every text from the input is s: names, namespace, labels, the
// checks restored, the unfixable reasons, the mesh version and the header.
func hostileProposal(s string) (*fix.Proposal, string) {
	np := func(name string) *networkingv1.NetworkPolicy {
		return &networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: s, Labels: map[string]string{"app": s}},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{s: s}},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}},
		}
	}
	prop := &fix.Proposal{
		Style:        fix.StyleMinimal,
		Policies:     []fix.Policy{{NetworkPolicy: np(s), Restores: []string{s}}, {NetworkPolicy: np("podreach-" + s), Restores: []string{s, s}}},
		Unfixable:    []string{s, "‼ " + s},
		Placeholders: []fix.Policy{{NetworkPolicy: np("placeholder-" + s), Restores: []string{s}}},
		Before:       &check.Report{Mesh: s, Version: s},
	}
	return prop, "podreach fix -f " + s
}

// kubectlDocuments splits a stream as kubectl apply -f does
// (k8s.io/apimachinery/pkg/util/yaml.YAMLReader: a line starting with
// "---" ends a document) and decodes each with sigs.k8s.io/yaml, the
// parser kubectl uses; empty documents (only comments) are skipped.
func kubectlDocuments(t testing.TB, out []byte) []map[string]any {
	t.Helper()
	var docs []map[string]any
	var cur bytes.Buffer
	flush := func() {
		var m map[string]any
		if err := yaml.Unmarshal(cur.Bytes(), &m); err != nil {
			t.Fatalf("document %d does not parse: %v\n%s", len(docs), err, cur.Bytes())
		}
		if m != nil {
			docs = append(docs, m)
		}
		cur.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "---") {
			flush()
			continue
		}
		cur.WriteString(sc.Text() + "\n")
	}
	flush()
	return docs
}

// yamlV3Documents decodes the stream with a YAML 1.2 parser.
func yamlV3Documents(t testing.TB, out []byte) []map[string]any {
	t.Helper()
	var docs []map[string]any
	dec := yamlv3.NewDecoder(bytes.NewReader(out))
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("YAML 1.2 decoding: %v", err)
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
}

// checkFixYAML asserts that out holds exactly want NetworkPolicy
// documents, read as kubectl reads them and as a YAML 1.2 parser does.
func checkFixYAML(t testing.TB, s string, out []byte, want int) {
	t.Helper()
	for parser, docs := range map[string][]map[string]any{"kubectl": kubectlDocuments(t, out), "yaml v3": yamlV3Documents(t, out)} {
		if len(docs) != want {
			t.Fatalf("name %q: %s reads %d documents, want %d:\n%s", s, parser, len(docs), want, out)
		}
		for _, d := range docs {
			if d["kind"] != "NetworkPolicy" || d["apiVersion"] != "networking.k8s.io/v1" || len(d) != 4 {
				t.Fatalf("name %q: %s reads a document that is not one NetworkPolicy: %v\n%s", s, parser, d, out)
			}
		}
	}
}

// TestFixYAMLHostile: whatever the names, the fix output is exactly the
// proposed NetworkPolicies (the placeholder stays commented out).
func TestFixYAMLHostile(t *testing.T) {
	t.Parallel()
	names, err := hostile.Names()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range names {
		prop, header := hostileProposal(s)
		var out bytes.Buffer
		if err := render.FixYAML(&out, prop, header); err != nil {
			t.Fatalf("name %q: %v", s, err)
		}
		checkFixYAML(t, s, out.Bytes(), 2)
	}
}

func FuzzFixYAML(f *testing.F) {
	names, err := hostile.Names()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range names {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prop, header := hostileProposal(s)
		var out bytes.Buffer
		if err := render.FixYAML(&out, prop, header); err != nil {
			t.Skip(err) // a name the encoder refuses is an error, not output
		}
		checkFixYAML(t, s, out.Bytes(), 2)
	})
}
