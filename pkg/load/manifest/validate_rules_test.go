package manifest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// rule is one API validation rule: the upstream function it mirrors, an
// input, and the prefixes of every diagnostic it must produce (the notices
// about undeclared namespaces aside). docs/validation.md lists the rules
// by these test names.
type rule struct {
	name    string
	mirrors string // the k8s.io validation function (documentation)
	in      string
	want    []string
}

// checkRules runs each rule on YAML and on the same objects as a JSON
// stream (the fast JSON path), which must report the same diagnostics.
func checkRules(t *testing.T, rules []rule, opts ...Option) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			if r.mirrors == "" {
				t.Fatal("rule without the upstream function it mirrors")
			}
			got := ruleDiags(t, "in.yaml", r.in, opts...)
			checkPrefixes(t, got, r.want)
			js := ruleDiags(t, "in.json", jsonStream(t, r.in), opts...)
			if diff := cmp.Diff(unlocated(got), unlocated(js)); diff != "" {
				t.Errorf("JSON diagnostics differ from YAML (-yaml +json):\n%s", diff)
			}
		})
	}
}

func ruleDiags(t *testing.T, name, in string, opts ...Option) []string {
	t.Helper()
	var out []string
	for _, d := range decodeDiags(t, name, in, opts...) {
		if !strings.Contains(d, "used but not declared") {
			out = append(out, d)
		}
	}
	return out
}

var location = regexp.MustCompile(`in\.(yaml|json):\d+: `)

func unlocated(ds []string) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = location.ReplaceAllString(d, "")
	}
	return out
}

// jsonStream converts a stream of YAML documents into JSON values, one per
// line.
func jsonStream(t *testing.T, in string) string {
	t.Helper()
	var out []string
	for _, doc := range strings.Split(in, "---\n") {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("converting %q: %v", doc, err)
		}
		out = append(out, string(js))
	}
	return strings.Join(out, "\n")
}

const (
	dns1123Subdomain = "a lowercase RFC 1123 subdomain must consist of"
	dns1123Label     = "a lowercase RFC 1123 label must consist of"
	dns1035Label     = "a DNS-1035 label must consist of"
)

func TestValidateNames(t *testing.T) {
	t.Parallel()
	cm := func(name string) string { return obj("v1", "ConfigMap", "ns", name) }
	checkRules(t, []rule{
		{"name: newline in a NetworkPolicy name (document injection)", "ValidateNetworkPolicyName (NameIsDNSSubdomain)",
			obj("networking.k8s.io/v1", "NetworkPolicy", "ns", `"x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding"`, "spec: {podSelector: {}}"),
			[]string{`error: in.yaml:4: NetworkPolicy ns/"x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding": metadata.name: invalid name "x\n---\n` +
				`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding": ` + dns1123Subdomain}},
		{"name: upper case", "ValidatePodName (NameIsDNSSubdomain)", pod("ns", "Web"),
			[]string{`error: in.yaml:4: Pod ns/Web: metadata.name: invalid name "Web": ` + dns1123Subdomain}},
		{"name: slash", "ValidateConfigMapName (NameIsDNSSubdomain)", cm("a/b"),
			[]string{`error: in.yaml:4: ConfigMap ns/a/b: metadata.name: invalid name "a/b": ` + dns1123Subdomain}},
		{"name: terminal escape sequence", "ValidatePodName (NameIsDNSSubdomain)", pod("ns", `"w\e[31m"`),
			[]string{`error: in.yaml:4: Pod ns/"w\x1b[31m": metadata.name: invalid name "w\x1b[31m": ` + dns1123Subdomain}},
		{"name: non-ASCII look-alike", "ValidatePodName (NameIsDNSSubdomain)", pod("ns", "wеb"),
			[]string{`error: in.yaml:4: Pod ns/"w\u0435b": metadata.name: invalid name "w\u0435b": ` + dns1123Subdomain}},
		{"name: longer than 253", "NameIsDNSSubdomain", cm(strings.Repeat("a", 254)),
			// Echoes are capped above the longest name (diagcap.go).
			[]string{`error: in.yaml:4: ConfigMap ns/` + strings.Repeat("a", 254) + `: metadata.name: invalid name "` + strings.Repeat("a", 254) + `": must be no more than 253 characters`}},
		{"name: dots in a Deployment name (a subdomain)", "ValidateDeploymentName (NameIsDNSSubdomain)", deployment("ns", "web.v2"), nil},
		{"name: Service name is a DNS-1035 label (no leading digit)", "ValidateServiceName (NameIsDNS1035Label)", obj("v1", "Service", "ns", "1web"),
			[]string{`error: in.yaml:4: Service ns/1web: metadata.name: invalid name "1web": ` + dns1035Label}},
		{"name: Service name with a dot", "ValidateServiceName (NameIsDNS1035Label)", obj("v1", "Service", "ns", "web.v2"),
			[]string{`error: in.yaml:4: Service ns/web.v2: metadata.name: invalid name "web.v2": ` + dns1035Label}},
		{"name: StatefulSet name with a dot", "ValidateStatefulSetName (NameIsDNSLabel)",
			obj("apps/v1", "StatefulSet", "ns", "db.v2", "spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}}}"),
			[]string{`error: in.yaml:4: StatefulSet ns/db.v2: metadata.name: invalid name "db.v2": must not contain dots`}},
		{"name: Namespace name with a dot", "ValidateNamespaceName (DNS-1123 label)", obj("v1", "Namespace", "", "a.b"),
			[]string{`error: in.yaml:4: Namespace a.b: metadata.name: invalid name "a.b": must not contain dots`}},
		{"name: CronJob name longer than 52", "ValidateCronJobCreate",
			obj("batch/v1", "CronJob", "ns", strings.Repeat("c", 53), "spec: {schedule: '@daily', jobTemplate: {spec: {template: {spec: {}}}}}"),
			[]string{`error: in.yaml:4: CronJob ns/` + strings.Repeat("c", 53) + `: metadata.name: invalid name "` + strings.Repeat("c", 53) + `": must be no more than 52 characters`}},
		{"name: APIService name is a path segment", "ValidateAPIService (IsValidPathSegmentName)", obj("apiregistration.k8s.io/v1", "APIService", "", "v1%2Fx"),
			[]string{`error: in.yaml:4: APIService v1%2Fx: metadata.name: invalid name "v1%2Fx": may not contain '%'`}},
		{"name: neither name nor generateName", "ValidateObjectMetaAccessor",
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: ns}\n",
			[]string{`error: in.yaml:3: ConfigMap ns/: metadata.name: required (name or generateName)`}},
		{"generateName: read under its prefix", "ValidateObjectMetaAccessor (generateName as a prefix)",
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: cache-, namespace: ns}\n", nil},
		{"generateName: invalid prefix", "ValidateObjectMetaAccessor (generateName as a prefix)",
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: Cache-, namespace: ns}\n",
			[]string{`error: in.yaml:3: ConfigMap ns/Cache-: metadata.generateName: invalid generateName "Cache-": ` + dns1123Subdomain}},
		{"namespace: newline", "ValidateNamespaceName", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: \"a\\nb\"\n",
			[]string{`error: in.yaml:5: ConfigMap "a\nb"/x: metadata.namespace: invalid namespace name "a\nb": ` + dns1123Label}},
	})
}

func TestValidateMetadata(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 256<<10)
	checkRules(t, []rule{
		{"labels: key with two slashes", "ValidateLabels (IsQualifiedName)", obj("v1", "ConfigMap", "ns", "c", "  labels: {a/b/c: x}"),
			[]string{`error: in.yaml:6: ConfigMap ns/c: metadata.labels[a/b/c]: invalid label key "a/b/c"`}},
		{"labels: value longer than 63", "ValidateLabels (IsValidLabelValue)", obj("v1", "ConfigMap", "ns", "c", "  labels: {a: "+strings.Repeat("v", 64)+"}"),
			[]string{`error: in.yaml:6: ConfigMap ns/c: metadata.labels.a: invalid label value "` + strings.Repeat("v", 64) + `": must be no more than 63 bytes`}},
		{"annotations: invalid key", "ValidateAnnotations (IsQualifiedName)", obj("v1", "ConfigMap", "ns", "c", "  annotations: {'a b': x}"),
			[]string{`error: in.yaml:6: ConfigMap ns/c: metadata.annotations[a b]: invalid annotation key "a b"`}},
		{"annotations: upper-case key", "ValidateAnnotations (keys compared in lower case)", obj("v1", "ConfigMap", "ns", "c", "  annotations: {Example.COM/Key: x}"), nil},
		{"annotations: more than 256 KiB", "ValidateAnnotations (TotalAnnotationSizeLimitB)", obj("v1", "ConfigMap", "ns", "c", "  annotations: {a: "+big+"}"),
			[]string{`error: in.yaml:6: ConfigMap ns/c: metadata.annotations: Too long: may not be more than 262144 bytes`}},
	})
}

func TestValidateKinds(t *testing.T) {
	t.Parallel()
	np := func(apiVersion, kind string) string {
		return obj(apiVersion, kind, "ns", "p", "spec: {podSelector: {}}")
	}
	checkRules(t, []rule{
		{"kind: case typo of a read kind", "REST mapping (no matches for kind)", np("networking.k8s.io/v1", "Networkpolicy"),
			[]string{`error: in.yaml:2: Networkpolicy ns/p: kind: no matches for kind "Networkpolicy" in version "networking.k8s.io/v1" (did you mean "NetworkPolicy"?)`}},
		{"kind: spelling mistake", "REST mapping (no matches for kind)", obj("apps/v1", "Deploymnet", "ns", "d"),
			[]string{`error: in.yaml:2: Deploymnet ns/d: kind: no matches for kind "Deploymnet" in version "apps/v1" (did you mean "Deployment"?)`}},
		{"kind: unknown kind of a read group", "REST mapping (no matches for kind)", obj("v1", "Widget", "ns", "w"),
			[]string{`error: in.yaml:2: Widget ns/w: kind: no matches for kind "Widget" in version "v1"`}},
		{"kind: served kind podreach does not read", "REST mapping", obj("v1", "Secret", "ns", "s"),
			[]string{`notice: skipped 1 object of a kind not used for reachability: Secret (1)`}},
		{"kind: other API groups are skipped", "REST mapping (CRDs)", np("crd.projectcalico.org/v1", "NetworkPolicy"),
			[]string{`warning: not evaluated: NetworkPolicy crd.projectcalico.org/v1 (1)`}},
		{"apiVersion: v9 Pod", "REST mapping (no matches for kind)", strings.Replace(pod("ns", "p"), "apiVersion: v1", "apiVersion: v9", 1),
			[]string{`error: in.yaml:1: Pod ns/p: apiVersion: no matches for kind "Pod" in version "v9" (did you mean "v1"?)`}},
		{"apiVersion: apps/v1beta9 Deployment", "REST mapping (no matches for kind)", obj("apps/v1beta9", "Deployment", "ns", "d"),
			[]string{`error: in.yaml:1: Deployment ns/d: apiVersion: no matches for kind "Deployment" in version "apps/v1beta9" (did you mean "apps/v1"?)`}},
		{"apiVersion: StatefulSet in extensions", "REST mapping (no matches for kind)", obj("extensions/v1beta1", "StatefulSet", "ns", "s"),
			[]string{`error: in.yaml:2: StatefulSet ns/s: kind: no matches for kind "StatefulSet" in version "extensions/v1beta1"`}},
		{"apiVersion: apps/v1beta1 Deployment still read", "apps/v1beta1 (served until 1.16)",
			obj("apps/v1beta1", "Deployment", "ns", "d", "spec: {template: {metadata: {labels: {a: b}}}}"), nil},
		{"apiVersion: batch/v1beta1 CronJob still read", "batch/v1beta1 (served until 1.25)",
			obj("batch/v1beta1", "CronJob", "ns", "c", "spec: {schedule: '@daily', jobTemplate: {spec: {template: {spec: {}}}}}"), nil},
	})
}

// FuzzValidName: the fast name check never accepts a name the API's rule
// refuses, for every kind, and accepts the common names.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"web", "web-1", "a.b", "a-.b", "a..b", "1web", "Web", "x\n", strings.Repeat("a", 64), "-a", "a-"} {
		f.Add(s)
	}
	kinds := []string{"Pod", "Service", "Namespace", "StatefulSet", "CronJob", "NetworkPolicy", "APIService"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range kinds {
			if validName(k, s) && len(nameRule(k)(s, false)) > 0 {
				t.Fatalf("validName(%q, %q) but the rule refuses it: %v", k, s, nameRule(k)(s, false))
			}
		}
	})
}

func TestValidNameFast(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind, name string
		want       bool
	}{
		{"Pod", "web-5d8f-x2", true}, {"Pod", "a.b.c", true}, {"Pod", "a-.b", false}, {"Pod", "Web", false},
		{"Service", "web", true}, {"Service", "1web", false}, {"Service", "a.b", false},
		{"Namespace", "kube-system", true}, {"CronJob", strings.Repeat("c", 52), true}, {"CronJob", strings.Repeat("c", 53), false},
	} {
		if got := validName(tt.kind, tt.name); got != tt.want {
			t.Errorf("validName(%q, %q) = %v, want %v", tt.kind, tt.name, got, tt.want)
		}
	}
}
