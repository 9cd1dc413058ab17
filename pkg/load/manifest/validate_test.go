package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// errorsOf decodes in and returns its Error diagnostics (without severity).
func errorsOf(t *testing.T, in string) []string {
	t.Helper()
	c, diags, err := Decode("np.yaml", []byte(in))
	checkResult(t, c, diags, err)
	var out []string
	for _, d := range diags.Errors() {
		out = append(out, d.Error())
	}
	return out
}

// checkPrefixes asserts that got[i] starts with want[i] for all i (k8s
// validation messages are long; rows state the part that matters).
func checkPrefixes(t *testing.T, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		t.Errorf("errors (-want prefixes +got):\n%s", cmp.Diff(want, got))
	}
}

func TestValidatePolicy(t *testing.T) {
	t.Parallel()
	const at = "np.yaml:" // every row's policy is ns/p
	tests := []struct {
		name string
		spec []string // lines under spec:, the first is line 7
		want []string
	}{
		{"valid policy", []string{
			"podSelector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}",
			"ingress:",
			"- from: [{podSelector: {}, namespaceSelector: {matchLabels: {team: a}}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]",
			"  ports: [{port: http}, {port: 80, endPort: 90, protocol: UDP}, {protocol: SCTP}]",
			"egress: [{to: [{ipBlock: {cidr: '2001:db8::/32', except: ['2001:db8:1::/48']}}]}]",
			"policyTypes: [Ingress, Egress]",
		}, nil},
		{"podSelector: invalid label key", []string{`podSelector: {matchLabels: {"a b": x}}`},
			[]string{at + `7: NetworkPolicy ns/p: spec.podSelector.matchLabels[a b]: invalid label key "a b": name part must consist of`}},
		{"podSelector: invalid label value", []string{`podSelector: {matchLabels: {app: "-x"}}`},
			[]string{at + `7: NetworkPolicy ns/p: spec.podSelector.matchLabels.app: invalid label value "-x": a valid label must be`}},
		{"selector: unknown operator", []string{`podSelector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}`},
			[]string{at + `7: NetworkPolicy ns/p: spec.podSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator`}},
		{"selector: In without values", []string{`podSelector: {matchExpressions: [{key: a, operator: In}]}`},
			[]string{at + `7: NetworkPolicy ns/p: spec.podSelector.matchExpressions[0].values: Required value: must be specified when`}},
		{"selector: Exists with values", []string{"podSelector:", "  matchExpressions:", "  - key: a", "    operator: Exists", "    values: [b]"},
			[]string{at + `11: NetworkPolicy ns/p: spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when`}},
		{"selector: invalid value in expression", []string{`podSelector: {matchExpressions: [{key: a, operator: In, values: [ok, "not ok"]}]}`},
			[]string{at + `7: NetworkPolicy ns/p: spec.podSelector.matchExpressions[0].values[1]: Invalid value: "not ok"`}},
		{"peer: namespaceSelector validated", []string{"ingress:", "- from:", "  - namespaceSelector: {matchLabels: {'a/b/c': x}}"},
			[]string{at + `9: NetworkPolicy ns/p: spec.ingress[0].from[0].namespaceSelector.matchLabels[a/b/c]: invalid label key "a/b/c"`}},
		{"peer: must specify a peer", []string{"ingress:", "- from:", "  - {}"},
			[]string{at + `9: NetworkPolicy ns/p: spec.ingress[0].from[0]: must specify a peer (podSelector, namespaceSelector or ipBlock)`}},
		{"peer: ipBlock with podSelector", []string{"ingress:", "- from:", "  - ipBlock: {cidr: 10.0.0.0/8}", "    podSelector: {}"},
			[]string{at + `9: NetworkPolicy ns/p: spec.ingress[0].from[0]: may not specify both ipBlock and another peer`}},
		{"peer: ipBlock with namespaceSelector", []string{"egress:", "- to:", "  - ipBlock: {cidr: 10.0.0.0/8}", "    namespaceSelector: {}"},
			[]string{at + `9: NetworkPolicy ns/p: spec.egress[0].to[0]: may not specify both ipBlock and another peer`}},
		{"ipBlock: invalid CIDR", []string{"ingress:", "- from:", "  - podSelector: {}", "  - ipBlock:", "      cidr: 10.0.0.0/33"},
			[]string{at + `11: NetworkPolicy ns/p: spec.ingress[0].from[1].ipBlock.cidr: invalid CIDR "10.0.0.0/33"`}},
		{"ipBlock: cidr required", []string{"ingress:", "- from:", "  - ipBlock: {except: [10.0.0.0/8]}"},
			[]string{at + `9: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.cidr: required`}},
		{"except: unparsable", []string{"ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [nope]}}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.except[0]: invalid CIDR "nope"`}},
		{"except: equal to cidr is not a strict subset", []string{"ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.except[0]: "10.0.0.0/8" must be a strict subset of cidr "10.0.0.0/8"`}},
		{"except: outside cidr", []string{"ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.except[0]: "11.0.0.0/16" must be a strict subset of cidr "10.0.0.0/8"`}},
		{"except: other IP family", []string{"ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: ['::/1']}}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.except[0]: "::/1" is not the same IP family as cidr "0.0.0.0/0"`}},
		{"port: name longer than 15", []string{"ingress: [{ports: [{port: abcdefghijklmnop}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port name "abcdefghijklmnop": must be no more than 15 characters`}},
		{"port: name with uppercase", []string{"ingress: [{ports: [{port: HTTP}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port name "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`}},
		{"port: name without a letter", []string{`ingress: [{ports: [{port: "8-0"}]}]`},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port name "8-0": must contain at least one letter (a-z)`}},
		{"port: name with double hyphen", []string{"ingress: [{ports: [{port: a--b}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port name "a--b": must not contain consecutive hyphens`}},
		{"port: name with leading hyphen", []string{"ingress: [{ports: [{port: -ab}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port name "-ab": must not begin or end with a hyphen`}},
		{"port: number 0", []string{"egress: [{ports: [{port: 0}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.egress[0].ports[0].port: invalid port 0: must be between 1 and 65535, inclusive`}},
		{"port: number 65536", []string{"ingress:", "- ports:", "  - port: 65536"},
			[]string{at + `9: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port 65536: must be between 1 and 65535, inclusive`}},
		{"endPort: with a named port", []string{"ingress:", "- ports:", "  - port: http", "    endPort: 90"},
			[]string{at + `10: NetworkPolicy ns/p: spec.ingress[0].ports[0].endPort: may not be specified when port is a name`}},
		{"endPort: without port", []string{"ingress: [{ports: [{endPort: 90}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].endPort: may not be specified when port is not specified`}},
		{"endPort: below port", []string{"ingress: [{ports: [{port: 100, endPort: 90}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].endPort: 90 must be greater than or equal to port 100`}},
		{"endPort: above 65535", []string{"ingress: [{ports: [{port: 100, endPort: 65536}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].endPort: invalid port 65536: must be between 1 and 65535, inclusive`}},
		{"endPort: equal to port", []string{"ingress: [{ports: [{port: 100, endPort: 100}]}]"}, nil},
		{"protocol: lowercase rejected", []string{"ingress: [{ports: [{port: 53, protocol: udp}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.ingress[0].ports[0].protocol: unsupported protocol "udp" (want TCP, UDP or SCTP)`}},
		{"protocol: ICMP rejected", []string{"egress: [{ports: [{protocol: ICMP}]}]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.egress[0].ports[0].protocol: unsupported protocol "ICMP" (want TCP, UDP or SCTP)`}},
		{"policyTypes: unknown entry", []string{"policyTypes: [Ingress, ingress]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.policyTypes[1]: unsupported policy type "ingress" (want Ingress or Egress)`}},
		{"policyTypes: more than two", []string{"policyTypes: [Ingress, Egress, Ingress]"},
			[]string{at + `7: NetworkPolicy ns/p: spec.policyTypes: may not specify more than two policyTypes`}},
		{"all errors are collected", []string{
			"ingress:",
			"- from: [{}, {ipBlock: {cidr: bad}}]",
			"  ports: [{port: 0}]",
			"egress:",
			"- to: [{ipBlock: {cidr: 10.0.0.0/33}}]",
		}, []string{
			at + `9: NetworkPolicy ns/p: spec.ingress[0].ports[0].port: invalid port 0`,
			at + `8: NetworkPolicy ns/p: spec.ingress[0].from[0]: must specify a peer`,
			at + `8: NetworkPolicy ns/p: spec.ingress[0].from[1].ipBlock.cidr: invalid CIDR "bad"`,
			at + `11: NetworkPolicy ns/p: spec.egress[0].to[0].ipBlock.cidr: invalid CIDR "10.0.0.0/33"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPrefixes(t, errorsOf(t, policy(tt.spec...)), tt.want)
		})
	}
}

func TestValidateOtherObjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string // prefixes of all diagnostics but the namespace notice
	}{
		{"service: port out of range", obj("v1", "Service", "ns", "s", "spec:", "  ports:", "  - port: 0"),
			[]string{`error: np.yaml:8: Service ns/s: spec.ports[0].port: invalid port 0`}},
		{"service: targetPort name invalid", obj("v1", "Service", "ns", "s", "spec:", "  ports:", "  - port: 80", "    targetPort: Web_Port"),
			[]string{`error: np.yaml:9: Service ns/s: spec.ports[0].targetPort: invalid port name "Web_Port"`}},
		{"service: targetPort number out of range", obj("v1", "Service", "ns", "s", "spec: {ports: [{port: 80, targetPort: 70000}]}"),
			[]string{`error: np.yaml:6: Service ns/s: spec.ports[0].targetPort: invalid port 70000`}},
		{"service: protocol invalid", obj("v1", "Service", "ns", "s", "spec: {ports: [{port: 80, protocol: tcp}]}"),
			[]string{`error: np.yaml:6: Service ns/s: spec.ports[0].protocol: unsupported protocol "tcp"`}},
		{"service: selector label invalid", obj("v1", "Service", "ns", "s", "spec: {selector: {app: 'a b'}}"),
			[]string{`error: np.yaml:6: Service ns/s: spec.selector.app: invalid label value "a b"`}},
		{"container port: number out of range", obj("v1", "Pod", "ns", "p", "spec:", "  containers:", "  - name: c", "    ports:", "    - containerPort: 0"),
			[]string{`error: np.yaml:10: Pod ns/p: spec.containers[0].ports[0].containerPort: invalid port 0`}},
		{"container port: invalid name refused", obj("v1", "Pod", "ns", "p", "spec:", "  containers:", "  - name: c", "    ports:", "    - {containerPort: 80, name: Web}"),
			[]string{`error: np.yaml:10: Pod ns/p: spec.containers[0].ports[0].name: invalid port name "Web"`}},
		{"container port: protocol invalid", obj("v1", "Pod", "ns", "p", "spec: {initContainers: [{name: i, ports: [{containerPort: 53, protocol: Udp}]}]}"),
			[]string{`error: np.yaml:6: Pod ns/p: spec.initContainers[0].ports[0].protocol: unsupported protocol "Udp"`}},
		{"pod: invalid podIP", obj("v1", "Pod", "ns", "p", "status:", "  podIPs:", "  - ip: 10.0.0.1", "  - ip: 10.0.0.300"),
			[]string{`error: np.yaml:9: Pod ns/p: status.podIPs[1].ip: invalid IP "10.0.0.300"`}},
		{"pod: invalid podIP without podIPs", obj("v1", "Pod", "ns", "p", "status: {podIP: fe80::1%eth0}"),
			[]string{`error: np.yaml:6: Pod ns/p: status.podIP: invalid IP "fe80::1%eth0"`}},
		{"metadata: invalid label value", obj("v1", "ConfigMap", "ns", "cm", "  labels: {app: 'x y'}"),
			[]string{`error: np.yaml:6: ConfigMap ns/cm: metadata.labels.app: invalid label value "x y"`}},
		{"metadata: template labels validated", obj("apps/v1", "Deployment", "ns", "d", "spec:", "  template:", "    metadata:", "      labels: {app: 'a/b', k: v}", "  selector: {matchLabels: {k: v}}"),
			[]string{`error: np.yaml:9: Deployment ns/d: spec.template.metadata.labels.app: invalid label value "a/b"`}},
		{"metadata: invalid namespace name", obj("v1", "ConfigMap", "Shop_1", "cm"),
			[]string{`error: np.yaml:5: ConfigMap Shop_1/cm: metadata.namespace: invalid namespace name "Shop_1"`}},
		{"metadata: name required", "apiVersion: v1\nkind: Service\nmetadata: {namespace: ns}\n",
			[]string{`error: np.yaml:3: Service ns/: metadata.name: required`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, d := range decodeDiags(t, "np.yaml", tt.in) {
				if !strings.Contains(d, "used but not declared") {
					got = append(got, d)
				}
			}
			checkPrefixes(t, got, tt.want)
		})
	}
}
