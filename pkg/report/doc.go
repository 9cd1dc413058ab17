// Package report writes podreach's self-contained HTML report: the mesh
// check results, failures first; an interactive graph of workloads grouped
// by namespace, with the allowed connections and the flows the mesh
// requires (green when allowed, red when blocked, naming the blocking
// policy); the matrix as a namespace heatmap that expands to workloads; one
// page per NetworkPolicy (what it selects and admits, and podreach lint's
// findings about it); and, given two states, the connections gained and
// lost.
//
// The page is one file that works from disk, offline: the data (JSON,
// gzip, base64), the page's script and style, and the vendored Cytoscape.js
// (assets/vendor, see its README) are embedded, and a Content-Security-Policy
// forbids every request. Large clusters stay usable: the graph starts at
// namespace level and expands on demand, and the matrix is run-length
// encoded with identical rows shared.
//
// It must not import client-go, cobra or net/http.
package report
