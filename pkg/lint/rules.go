package lint

// Rule is one lint rule: a stable ID (also the anchor of its section in
// docs/lint.md), the severity of its findings, and a one-sentence summary.
type Rule struct {
	ID       string
	Severity Severity
	Summary  string
	// Narrows: a finding says a rule or selector admits or selects less
	// than meant, so it may be why a connection is blocked (check's notes).
	Narrows bool
	check   func(*scope) []Finding
}

// Rules returns the catalogue, in the order findings are looked for.
func Rules() []Rule {
	return []Rule{
		{"selector-no-match", Warning, "A peer's pod or namespace selector matches nothing in the input.", true, checkPeerSelectors},
		{"policy-selects-nothing", Warning, "A policy's podSelector selects no pod of its namespace.", true, checkPolicySelectors},
		{"named-port-undeclared", Warning, "A rule names a port that no pod it resolves on declares for that protocol.", true, checkNamedPorts},
		{"except-covers-cidr", Error, "An ipBlock's except entries cover its whole cidr: the peer matches no address.", true, checkExcept},
		{"endport-unserved", Warning, "A port range (endPort) contains no port that the pods it reaches declare.", true, checkEndPorts},
		{"rule-shadowed", Info, "A rule admits nothing that a broader rule for the same pods does not already admit.", false, checkShadowed},
		{"dns-egress-blocked", Error, "Pods cannot reach the cluster's DNS pods on both UDP and TCP 53.", false, checkDNS},
		{"namespace-unisolated", Warning, "A namespace with workloads has no NetworkPolicy while other namespaces are isolated.", false, checkUnisolated},
		{"isolated-one-way", Warning, "Pods are isolated in one direction only where the policies clearly meant both.", false, checkOneWay},
		{"exposed-world", Warning, "An ingress rule admits every external address.", false, checkExposedWorld},
		{"exposed-cluster", Info, "An ingress rule admits every pod of every namespace.", false, checkExposedCluster},
		{"namespace-label-trust", Warning, "A namespaceSelector trusts a label that namespace owners can set.", false, checkNamespaceTrust},
		{"cross-namespace-pod-selector", Info, "A peer trusts pod labels in namespaces the policy's owner does not control.", false, checkCrossNamespace},
		{"mesh-proxy-deployment-selector", Warning, "A selector uses linkerd.io/proxy-deployment, which only Deployments' pods carry.", true, checkProxyDeployment},
		{"mesh-app-port-unused", Warning, "A rule admits application ports that meshed traffic between its peers never arrives on.", true, checkMeshAppPorts},
		{"mesh-port-bypass", Warning, "Admitting the proxy's inbound port lets meshed clients past the other rules' port restrictions.", false, checkMeshBypass},
	}
}

func findRule(id string) (Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

func ruleIDs() []string {
	var out []string
	for _, r := range Rules() {
		out = append(out, r.ID)
	}
	return out
}
