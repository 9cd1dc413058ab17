package manifest

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const cnpHeader = "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: c}\nspec:\n"

// cnpSpec is a ClusterNetworkPolicy whose spec lines start at line 5.
func cnpSpec(lines ...string) string {
	return cnpHeader + "  " + strings.Join(lines, "\n  ") + "\n"
}

// TestDecodeTiers: the three kinds and Nodes load into the model, sorted,
// cluster-scoped, and (the engine evaluates them) neither reported as not
// evaluated nor kept among the policies not evaluated.
func TestDecodeTiers(t *testing.T) {
	t.Parallel()
	in := docs(
		cnpSpec("tier: Baseline", "priority: 10", "subject: {namespaces: {}}",
			"ingress: [{action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 80}}}, {destinationNamedPort: http}]}]",
			"egress: [{action: Accept, to: [{networks: [10.0.0.0/8]}, {nodes: {matchLabels: {role: w}}}, {domainNames: ['*.example.com']}]}]"),
		"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a, namespace: ignored}\nspec:\n  priority: 3\n  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: x}}}}\n  ingress: [{action: Pass, from: [{pods: {namespaceSelector: {}, podSelector: {}}}], ports: [{portRange: {start: 1, end: 9}}]}]\n",
		"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n  subject: {namespaces: {}}\n  egress: [{action: Deny, to: [{networks: ['::/0']}]}]\n",
		"apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {role: w}}\nstatus: {addresses: [{type: InternalIP, address: 10.1.0.1}, {type: Hostname, address: n1}, {type: ExternalIP, address: 'fd00::1'}]}\n",
	)
	c, diags := decodeOK(t, in)
	var ids []string
	for i := range c.ClusterPolicies {
		ids = append(ids, c.ClusterPolicies[i].ID())
	}
	if want := []string{"adminnetworkpolicy/a", "baselineadminnetworkpolicy/default", "clusternetworkpolicy/c"}; !cmp.Equal(ids, want) {
		t.Errorf("cluster policies %v, want %v", ids, want)
	}
	if c.ClusterPolicies[0].ANP.Namespace != "" || c.ClusterPolicies[2].CNP.Spec.Priority != 10 || c.ClusterPolicies[2].Source.Line != 1 {
		t.Errorf("decoded %+v", c.ClusterPolicies)
	}
	if len(c.Nodes) != 1 || !cmp.Equal(c.Nodes[0].Addresses, []netip.Addr{netip.MustParseAddr("10.1.0.1"), netip.MustParseAddr("fd00::1")}, cmpOpts...) {
		t.Errorf("nodes %+v", c.Nodes)
	}
	if s := strings.Join(diagStrings(diags), "\n"); strings.Contains(s, "not evaluated") || len(c.Unevaluated) != 0 {
		t.Errorf("the tiers are reported as not evaluated (%d kept):\n%s", len(c.Unevaluated), s)
	}
}

// TestValidateTiers: what the CRDs reject is an error on its field and
// line; a peer with no known field is a warning (the rule fails closed).
func TestValidateTiers(t *testing.T) {
	t.Parallel()
	const at = "np.yaml:"
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"tier", cnpSpec("tier: App", "subject: {namespaces: {}}"),
			[]string{at + `5: ClusterNetworkPolicy c: spec.tier: unsupported tier "App" (want Admin or Baseline)`}},
		{"priority", cnpSpec("tier: Admin", "priority: 1001", "subject: {namespaces: {}}"),
			[]string{at + `6: ClusterNetworkPolicy c: spec.priority: priority 1001 is outside 0-1000`}},
		{"subject none", cnpSpec("tier: Admin", "subject: {}"),
			[]string{at + `6: ClusterNetworkPolicy c: spec.subject: must set exactly one of namespaces and pods`}},
		{"action", cnpSpec("tier: Admin", "subject: {namespaces: {}}", "ingress: [{action: Allow, from: [{namespaces: {}}]}]"),
			[]string{at + `7: ClusterNetworkPolicy c: spec.ingress[0].action: unsupported action "Allow" (want [Accept Deny Pass])`}},
		{"no peers", cnpSpec("tier: Admin", "subject: {namespaces: {}}", "egress: [{action: Deny, to: []}]"),
			[]string{at + `7: ClusterNetworkPolicy c: spec.egress[0]: must list at least one peer`}},
		{"two peer fields", cnpSpec("tier: Admin", "subject: {namespaces: {}}", "egress:", "- action: Deny", "  to: [{namespaces: {}, networks: [10.0.0.0/8]}]"),
			[]string{at + `9: ClusterNetworkPolicy c: spec.egress[0].to[0]: must set exactly one peer field, not 2`}},
		{"network host bits", cnpSpec("tier: Admin", "subject: {namespaces: {}}", "egress: [{action: Deny, to: [{networks: [10.0.0.1/8]}]}]"),
			[]string{at + `7: ClusterNetworkPolicy c: spec.egress[0].to[0].networks[0]: invalid CIDR "10.0.0.1/8": host bits are set`}},
		{"range order", cnpSpec("tier: Admin", "subject: {namespaces: {}}", "ingress: [{action: Deny, from: [{namespaces: {}}], protocols: [{udp: {destinationPort: {range: {start: 9, end: 9}}}}]}]"),
			[]string{at + `7: ClusterNetworkPolicy c: spec.ingress[0].protocols[0].udp.destinationPort.range: start 9 must be less than end 9`}},
		{"protocol fields", cnpSpec("tier: Admin", "subject: {namespaces: {}}", "ingress: [{action: Deny, from: [{namespaces: {}}], protocols: [{}]}]"),
			[]string{at + `7: ClusterNetworkPolicy c: spec.ingress[0].protocols[0]: must set exactly one of tcp, udp, sctp and destinationNamedPort`}},
		{"banp name", "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: other}\nspec: {subject: {namespaces: {}}}\n",
			[]string{at + `3: BaselineAdminNetworkPolicy other: metadata.name: a BaselineAdminNetworkPolicy must be named "default", not "other"`}},
		{"anp port entry", "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {port: 80}, namedPort: http}]}]\n",
			[]string{at + `7: AdminNetworkPolicy a: spec.ingress[0].ports[0]: must set exactly one of portNumber, namedPort and portRange`}},
		{"node address", "apiVersion: v1\nkind: Node\nmetadata: {name: n9}\nstatus: {addresses: [{type: InternalIP, address: nope}]}\n",
			[]string{at + `4: Node n9: status.addresses[0].address: invalid IP address "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPrefixes(t, errorsOf(t, tt.in), tt.want)
		})
	}
}

// TestTierPeerOfNewerVersion: a peer setting no field podreach knows is a
// warning naming the fail-closed behaviour, not an error.
func TestTierPeerOfNewerVersion(t *testing.T) {
	t.Parallel()
	_, diags := decodeOK(t, cnpSpec("tier: Admin", "subject: {namespaces: {}}", "egress: [{action: Deny, to: [{}]}]"))
	if s := strings.Join(diagStrings(diags), "\n"); !strings.Contains(s, "spec.egress[0].to[0]: sets no peer field podreach knows: the rule fails closed") {
		t.Errorf("diagnostics:\n%s", s)
	}
}
