// Package manifest loads Kubernetes manifests (YAML or JSON files,
// directories, stdin) into a model.Cluster, with diagnostics that name the
// file, line, object and field of every problem.
//
// It owns everything between bytes and the model: multi-document YAML and
// Lists, kubectl's YAML 1.1 reading of unquoted scalars, decoding into the
// k8s.io/api types, the defaults and validation the API server applies to
// the objects reachability depends on, namespace inference, and
// de-duplication of pods owned by declared workloads.
//
// Reading is bounded whatever the input: only regular files (read.go),
// at most WithMaxInputSize bytes, large Lists item by item (yamllist.go,
// jsonlist.go), and echoed values cut short in messages (diagcap.go).
//
// It does no network I/O and must not import client-go or cobra (nor
// net/http); the live loader is a separate package.
package manifest
