// Package live reads a running cluster into a manifest.Builder, so that a
// live cluster and the same objects given as manifests produce the same
// model by construction.
//
// It owns the connection (kubectl's kubeconfig loading and flags through
// client-go's clientcmd: --kubeconfig, KUBECONFIG lists, --context, exec
// credential plugins), paginated list requests, and turning API errors into
// messages a user can act on (unreachable server, rejected credentials,
// RBAC Forbidden with the verb and resource, namespaces it may not read,
// which become model.Gaps). It only lists and gets; it never writes.
//
// Besides the built-in kinds it reads the policy kinds whose CRDs the API
// server serves (discovery, discover.go): the cluster-wide tiers, Linkerd's
// authorization objects and routes, and EgressNetwork, each in the newest
// version served. Read and Watch (the guard's informers) share that list.
//
// It is the only package that imports client-go. It must not import cobra.
package live
