package manifest

import (
	"slices"
	"testing"
)

func FuzzDecode(f *testing.F) {
	seeds := []string{
		"",
		"---\n---\n",
		deployment("ns", "web", "  replicas: 2"),
		docs(deployment("ns", "web"), pod("ns", "web-1a-x", "labels: {pod-template-hash: 1a}", ownedBy("ReplicaSet", "web-1a"))),
		policy("podSelector: {matchLabels: {app: web}}",
			"ingress: [{from: [{namespaceSelector: {}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: http}, {port: 80, endPort: 90}]}]",
			"egress: []"),
		policy("ingress: [{from: [{}], ports: [{port: 0, endPort: 1}]}]", "policyTypes: [Sideways]"),
		obj("v1", "ConfigMap", "no", "cm", "  labels: {a: yes, b: 1.0}", "data: {y: n}"),
		"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d\n  <<: *d\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" + aliasBomb(8),
		`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {"podIPs": [{"ip": "fd00::1"}]}}`,
		"a: b\n c: d\n",
		"- [\n",
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad_Name, labels: {kubernetes.io/metadata.name: x}}\n",
		cnpSpec("tier: Admin", "priority: 5", "subject: {pods: {namespaceSelector: {}, podSelector: {}}}",
			"egress: [{action: Pass, to: [{networks: [10.0.0.0/8]}, {}], protocols: [{tcp: {destinationPort: {range: {start: 1, end: 2}}}}]}]"),
		"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 1, subject: {namespaces: {}}, ingress: [{action: Allow, from: [{namespaces: {}}], ports: [{namedPort: http}]}]}\n",
		"apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1}]}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.yaml", "f.json"} {
			c, diags, err := Decode(name, data)
			checkResult(t, c, diags, err)
			_, again, _ := Decode(name, data)
			if !slices.Equal(diagStrings(diags), diagStrings(again)) {
				t.Fatalf("%s: diagnostics differ between runs:\n%q\n%q", name, diagStrings(diags), diagStrings(again))
			}
		}
	})
}
