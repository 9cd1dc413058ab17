// Package kustomize renders a kustomization directory into the YAML stream
// `kubectl kustomize DIR` prints, with the kustomize library kubectl embeds
// (sigs.k8s.io/kustomize/api, krusty), and kubectl's defaults: files may
// load only from inside the kustomization's root, no plugins, no Helm, and
// the "legacy" resource order.
//
// It does no network I/O: before kustomize runs, every kustomization the
// build would read is checked, and a remote base, a file named by URL or
// a Helm chart is an error naming the kustomization file and the field.
// The rendered stream is decoded by pkg/load/manifest like any file.
//
// It must not import client-go or cobra.
package kustomize
