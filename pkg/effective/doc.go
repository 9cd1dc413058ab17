// Package effective builds what every podreach answer is about: the cluster
// as it runs, not as its manifests read. Admission-time changes that decide
// reachability — today the service mesh's proxy injector, with the port on
// which meshed traffic really arrives — are applied here, once, and every
// verb (explain, matrix, diff, report, lab, check, fix) and library caller
// asks its questions of the result.
//
// It owns the orchestration a library user needs above pkg/reach and
// pkg/check: find the mesh (named, or detected), analyse, check. It does no
// I/O and must not import client-go, cobra or net/http.
package effective
