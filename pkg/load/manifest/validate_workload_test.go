package manifest

import (
	"strings"
	"testing"
)

// workload is a workload of kind at apiVersion named w in ns whose spec
// lines follow "spec:", indented.
func workload(apiVersion, kind string, spec ...string) string {
	body := []string{"spec:"}
	for _, l := range spec {
		body = append(body, "  "+l)
	}
	return obj(apiVersion, kind, "ns", "w", body...)
}

const (
	template = "template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c, image: i}]}}"
	selectsA = "selector: {matchLabels: {app: a}}"
)

func TestValidateWorkloads(t *testing.T) {
	t.Parallel()
	checkRules(t, []rule{
		{"replicas: negative Deployment", "ValidateDeploymentSpec (ValidateNonnegativeField)",
			workload("apps/v1", "Deployment", "replicas: -1", selectsA, template),
			[]string{`error: in.yaml:7: Deployment ns/w: spec.replicas: invalid value -1: must be greater than or equal to 0`}},
		{"replicas: negative StatefulSet", "ValidateStatefulSetSpec (ValidateNonnegativeField)",
			workload("apps/v1", "StatefulSet", "replicas: -3", selectsA, template),
			[]string{`error: in.yaml:7: StatefulSet ns/w: spec.replicas: invalid value -3`}},
		{"replicas: negative ReplicaSet", "ValidateReplicaSetSpec (ValidateNonnegativeField)",
			workload("apps/v1", "ReplicaSet", "replicas: -1", selectsA, template),
			[]string{`error: in.yaml:7: ReplicaSet ns/w: spec.replicas: invalid value -1`}},
		{"replicas: negative ReplicationController", "ValidateReplicationControllerSpec (ValidateNonnegativeField)",
			workload("v1", "ReplicationController", "replicas: -1", template),
			[]string{`error: in.yaml:7: ReplicationController ns/w: spec.replicas: invalid value -1`}},
		{"replicas: zero", "ValidateNonnegativeField", workload("apps/v1", "Deployment", "replicas: 0", selectsA, template), nil},
		{"parallelism: negative Job", "ValidateJobSpec (ValidateNonnegativeField)",
			workload("batch/v1", "Job", "parallelism: -2", "completions: -1", template),
			[]string{`error: in.yaml:7: Job ns/w: spec.parallelism: invalid value -2`, `error: in.yaml:8: Job ns/w: spec.completions: invalid value -1`}},
		{"selector: required in apps/v1", "ValidateDeploymentSpec (Required selector)",
			workload("apps/v1", "Deployment", template),
			[]string{`error: in.yaml:7: Deployment ns/w: spec.selector: required`}},
		{"selector: required in apps/v1beta2", "ValidateDaemonSetSpec (Required selector)",
			workload("apps/v1beta2", "DaemonSet", template),
			[]string{`error: in.yaml:7: DaemonSet ns/w: spec.selector: required`}},
		{"selector: defaulted in extensions/v1beta1", "SetDefaults_Deployment (extensions/v1beta1)",
			workload("extensions/v1beta1", "Deployment", template), nil},
		{"selector: empty", "ValidateDaemonSetSpec (empty selector is invalid)",
			workload("apps/v1", "DaemonSet", "selector: {}", template),
			[]string{`error: in.yaml:7: DaemonSet ns/w: spec.selector: empty selector is invalid for daemonset`}},
		{"selector: does not match the template", "ValidatePodTemplateSpecForReplicaSet",
			workload("apps/v1", "ReplicaSet", "selector: {matchLabels: {app: b}}", template),
			[]string{"error: in.yaml:8: ReplicaSet ns/w: spec.template.metadata.labels: `selector` does not match template `labels`"}},
		{"selector: expression not matching the template", "ValidatePodTemplateSpecForStatefulSet",
			workload("apps/v1", "StatefulSet", "selector: {matchExpressions: [{key: app, operator: NotIn, values: [a]}]}", template),
			[]string{"error: in.yaml:8: StatefulSet ns/w: spec.template.metadata.labels: `selector` does not match template `labels`"}},
		{"selector: invalid operator", "ValidateLabelSelector",
			workload("apps/v1", "Deployment", "selector: {matchExpressions: [{key: app, operator: Is}]}", template),
			[]string{`error: in.yaml:7: Deployment ns/w: spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator`}},
		{"selector: ReplicationController defaults to the template", "SetDefaults_ReplicationController",
			workload("v1", "ReplicationController", template), nil},
		{"selector: ReplicationController not matching", "ValidatePodTemplateSpecForRC",
			workload("v1", "ReplicationController", "selector: {app: b}", template),
			[]string{"error: in.yaml:8: ReplicationController ns/w: spec.template.metadata.labels: `selector` does not match template `labels`"}},
		{"selector: ReplicationController without template", "ValidatePodTemplateSpecForRC (Required template)",
			workload("v1", "ReplicationController", "replicas: 1"),
			[]string{`error: in.yaml:7: ReplicationController ns/w: spec.template: required`}},
		{"selector: Job without manualSelector is generated", "generateSelector (Job strategy)",
			workload("batch/v1", "Job", "selector: {matchLabels: {app: b}}", template), nil},
		{"selector: Job manualSelector not matching", "ValidateJobSpec",
			workload("batch/v1", "Job", "manualSelector: true", "selector: {matchLabels: {app: b}}", template),
			[]string{"error: in.yaml:9: Job ns/w: spec.template.metadata.labels: `selector` does not match template `labels`"}},
		{"selector: Job manualSelector without selector", "ValidateJobSpec (Required selector)",
			workload("batch/v1", "Job", "manualSelector: true", template),
			[]string{`error: in.yaml:7: Job ns/w: spec.selector: required`}},
	})
}

func TestValidatePorts(t *testing.T) {
	t.Parallel()
	podWith := func(containers ...string) string {
		return obj("v1", "Pod", "ns", "p", "spec:", "  containers:", "  - "+strings.Join(containers, "\n  - "))
	}
	svc := func(ports string) string { return obj("v1", "Service", "ns", "s", "spec: {ports: "+ports+"}") }
	checkRules(t, []rule{
		{"container port: duplicate name in one container", "validateContainerPorts (Duplicate value)",
			podWith("{name: c, ports: [{containerPort: 80, name: web}, {containerPort: 81, name: web}]}"),
			[]string{`error: in.yaml:8: Pod ns/p: spec.containers[0].ports[1].name: duplicate port name "web" (also spec.containers[0].ports[0])`}},
		{"container port: same name in two containers", "GetWarningsForPodTemplate (a warning only)",
			podWith("{name: c, ports: [{containerPort: 80, name: web}]}", "{name: d, ports: [{containerPort: 81, name: web}]}"), nil},
		{"container port: name longer than 15", "validateContainerPorts (IsValidPortName)",
			podWith("{name: c, ports: [{containerPort: 80, name: abcdefghijklmnop}]}"),
			[]string{`error: in.yaml:8: Pod ns/p: spec.containers[0].ports[0].name: invalid port name "abcdefghijklmnop": must be no more than 15 characters`}},
		{"container port: number required", "validateContainerPorts (IsValidPortNum)",
			podWith("{name: c, ports: [{name: web}]}"),
			[]string{`error: in.yaml:8: Pod ns/p: spec.containers[0].ports[0].containerPort: invalid port 0`}},
		{"container port: hostPort out of range", "validateContainerPorts (IsValidPortNum hostPort)",
			podWith("{name: c, ports: [{containerPort: 80, hostPort: 70000}]}"),
			[]string{`error: in.yaml:8: Pod ns/p: spec.containers[0].ports[0].hostPort: invalid port 70000`}},
		{"container port: protocol", "validateContainerPorts (supportedPortProtocols)",
			podWith("{name: c, ports: [{containerPort: 80, protocol: ICMP}]}"),
			[]string{`error: in.yaml:8: Pod ns/p: spec.containers[0].ports[0].protocol: unsupported protocol "ICMP"`}},
		{"service: names required with two ports", "validateServicePort (requireName)", svc("[{name: a, port: 80}, {port: 81}]"),
			[]string{`error: in.yaml:6: Service ns/s: spec.ports[1].name: required when the service has more than one port`}},
		{"service: duplicate port name", "validateServicePort (Duplicate name)", svc("[{name: a, port: 80}, {name: a, port: 81}]"),
			[]string{`error: in.yaml:6: Service ns/s: spec.ports[1].name: duplicate port name "a"`}},
		{"service: duplicate port and protocol", "ValidateService (Duplicate port/protocol)", svc("[{name: a, port: 80}, {name: b, port: 80, protocol: TCP}]"),
			[]string{`error: in.yaml:6: Service ns/s: spec.ports[1]: duplicate port 80/TCP`}},
		{"service: same port, other protocol", "ValidateService", svc("[{name: a, port: 53}, {name: b, port: 53, protocol: UDP}]"), nil},
		{"service: port name is a DNS-1123 label", "validateServicePort (ValidateDNS1123Label)", svc("[{name: Web, port: 80}]"),
			[]string{`error: in.yaml:6: Service ns/s: spec.ports[0].name: invalid port name "Web"`}},
	})
}
