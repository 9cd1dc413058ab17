// Package watch keeps the mesh check of a changing cluster current and
// says what changed: a source (the live cluster's informers,
// pkg/load/live Connection.Watch) hands it the current objects after
// every change; watch rebuilds the model, judges it with the guard's
// model keeper (pkg/guard: the mesh found, its injection applied, the
// mesh check run), and reports the check lines whose status changed —
// a flow that breaks (×), one that returns (✔ again), one that cannot be
// proven any more (‼). Once waits for a settled verdict, for scripts.
//
// It is the library side of `podreach watch`; printing is the CLI's. It
// does no I/O of its own and must not import client-go, cobra or
// net/http: the source is a function, so that pkg/load/live stays the
// only package that talks to the API server.
package watch
