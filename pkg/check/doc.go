// Package check checks a mesh the way `linkerd check` checks a control
// plane: for every flow a mesh.Profile says the mesh needs, it resolves the
// sources and destinations in the cluster, asks the policy engine whether
// each connection is allowed, and reports one Result per flow — ✔ allowed,
// × blocked (naming the blocking policies and an example pair), ‼ cannot be
// proven or optional — grouped in categories.
//
// It does no I/O and must not import client-go, cobra or net/http.
package check
