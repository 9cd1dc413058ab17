// Package reach is podreach's library facade: it turns a model.Cluster into
// endpoints at the requested level (workloads or pods), resolves the names
// users type (ns/workload, ns/pod, ns/service, external peers), and answers
// the questions: Explain one connection, stream the Matrix of all of them.
//
// It does no I/O beyond the io.Writer-free callbacks it is given and must not
// import client-go, cobra or net/http.
package reach
