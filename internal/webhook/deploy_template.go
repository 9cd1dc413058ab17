package webhook

// manifestTemplate is deploy/guard/guard.yaml's source (see Render).
const manifestTemplate = `# podreach guard: a validating admission webhook that warns (or, with
# --mode enforce, refuses) when a change breaks the Linkerd mesh check.
# Rendered by "podreach guard certs"; docs/guard.md explains each choice.
apiVersion: v1
kind: Namespace
metadata:
  name: {{.Namespace}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{.Service}}
  namespace: {{.Namespace}}
---
# Read-only: get, list and watch of exactly the kinds the model reads.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{.Service}}
rules:
- apiGroups: [""]
  resources: [namespaces, pods, services, replicationcontrollers, configmaps]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets, replicasets]
  verbs: [get, list, watch]
- apiGroups: [batch]
  resources: [jobs, cronjobs]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch]
- apiGroups: [admissionregistration.k8s.io]
  resources: [mutatingwebhookconfigurations, validatingwebhookconfigurations]
  verbs: [get, list, watch]
- apiGroups: [apiregistration.k8s.io]
  resources: [apiservices]
  verbs: [get, list, watch]
# The policy kinds of the cluster tiers and of Linkerd, watched when served.
- apiGroups: [policy.networking.k8s.io]
  resources: [clusternetworkpolicies, adminnetworkpolicies, baselineadminnetworkpolicies]
  verbs: [get, list, watch]
- apiGroups: [policy.linkerd.io]
  resources: [servers, serverauthorizations, authorizationpolicies, meshtlsauthentications, networkauthentications, httproutes]
  verbs: [get, list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes, grpcroutes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{.Service}}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{.Service}}
subjects:
- kind: ServiceAccount
  name: {{.Service}}
  namespace: {{.Namespace}}
---
{{- if .Key}}
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: {{.Service}}-tls
  namespace: {{.Namespace}}
data:
  tls.crt: {{.Cert}}
  tls.key: {{.Key}}
---
{{- else}}
# The serving certificate: kubectl -n {{.Namespace}} create secret tls {{.Service}}-tls --cert=tls.crt --key=tls.key
# (podreach guard certs writes the pair and renders this file with it).
{{- end}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{.Service}}
  namespace: {{.Namespace}}
  labels:
    app.kubernetes.io/name: {{.Service}}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: {{.Service}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{.Service}}
    spec:
      serviceAccountName: {{.Service}}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: guard
        image: {{.Image}}
        args: [guard, --mode, {{.Mode}}, --log-json, --tls-cert-file, /tls/tls.crt, --tls-key-file, /tls/tls.key]
        ports:
        - name: https
          containerPort: 8443
        readinessProbe:
          httpGet: {path: /readyz, port: https, scheme: HTTPS}
        livenessProbe:
          httpGet: {path: /healthz, port: https, scheme: HTTPS}
        resources:
          requests: {cpu: 100m, memory: 256Mi}
          limits: {memory: 1Gi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: [ALL]
        volumeMounts:
        - name: tls
          mountPath: /tls
          readOnly: true
      volumes:
      - name: tls
        secret:
          secretName: {{.Service}}-tls
---
apiVersion: v1
kind: Service
metadata:
  name: {{.Service}}
  namespace: {{.Namespace}}
spec:
  selector:
    app.kubernetes.io/name: {{.Service}}
  ports:
  - name: https
    port: 443
    targetPort: https
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: {{.Service}}
webhooks:
- name: guard.podreach.io
  admissionReviewVersions: [v1]
  sideEffects: None
  # A guard that is down or slow must never stop the cluster.
  timeoutSeconds: 2
  failurePolicy: Ignore
  clientConfig:
    service:
      name: {{.Service}}
      namespace: {{.Namespace}}
      path: /validate
    caBundle: "{{.CABundle}}"
  rules:
  - apiGroups: [networking.k8s.io]
    apiVersions: [v1]
    resources: [networkpolicies]
    operations: [CREATE, UPDATE, DELETE]
  - apiGroups: [""]
    apiVersions: [v1]
    resources: [namespaces]
    operations: [UPDATE, DELETE]
  - apiGroups: [apps]
    apiVersions: [v1]
    resources: [deployments, statefulsets, daemonsets]
    operations: [CREATE, UPDATE, DELETE]
  # The cluster tiers and Linkerd's policy objects: rules for kinds whose
  # CRDs are not installed match nothing. Versions podreach does not read
  # are judged as policies it does not evaluate.
  - apiGroups: [policy.networking.k8s.io]
    apiVersions: [v1alpha1, v1alpha2]
    resources: [clusternetworkpolicies, adminnetworkpolicies, baselineadminnetworkpolicies]
    operations: [CREATE, UPDATE, DELETE]
    scope: Cluster
  - apiGroups: [policy.linkerd.io]
    apiVersions: ["*"]
    resources: [servers, serverauthorizations, authorizationpolicies, meshtlsauthentications, networkauthentications, httproutes]
    operations: [CREATE, UPDATE, DELETE]
  - apiGroups: [gateway.networking.k8s.io]
    apiVersions: ["*"]
    resources: [httproutes, grpcroutes]
    operations: [CREATE, UPDATE, DELETE]
`
