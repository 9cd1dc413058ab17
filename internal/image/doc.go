// Package image builds podreach's OCI container image without a container
// daemon, with github.com/google/go-containerregistry (as ko does): the
// podreach binary built statically (CGO_ENABLED=0), one layer holding it
// and the /etc/passwd and /etc/group entries of the non-root user 65532,
// on an empty base (no shell, no package manager, nothing else), the
// entrypoint, the user and the OCI labels set. The image is reproducible:
// the same binary, version, revision and creation time give the same
// digest (fixed timestamps, sorted entries, a deterministic gzip stream).
// It writes an OCI image layout directory, a tarball for `docker load`,
// or pushes to a registry.
//
// It is the library of hack/image (go run ./hack/image); only that
// program and tests use it. It must not import cobra.
package image
