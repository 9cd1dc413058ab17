package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/lint"
)

// ExposureText writes, per workload, who may connect to it as the rules
// say it, then a summary:
//
//	shop/api (Deployment): isolated for ingress by shop/default-deny, shop/web-to-api
//	  ← pods labelled app=web in namespace shop, on 8080/TCP  [shop/web-to-api spec.ingress[0].from[0]]
//	linkerd-viz/web (Deployment): UNPROTECTED — no policy isolates it for ingress: every source, every port
func ExposureText(w io.Writer, xs []lint.Exposure) error {
	var b strings.Builder
	unprotected, world := 0, 0
	for _, x := range xs {
		fmt.Fprintf(&b, "%s (%s): ", escape.Text(x.Workload), x.Kind)
		if x.Unprotected {
			unprotected++
			b.WriteString("UNPROTECTED — no policy isolates it for ingress: every source, every port\n")
			continue
		}
		b.WriteString("isolated for ingress by " + escape.Text(strings.Join(x.Isolating, ", ")) + "\n")
		if len(x.Admits) == 0 {
			b.WriteString("  ← nothing: no rule admits any source\n")
		}
		exposed := false
		for _, a := range x.Admits {
			fmt.Fprintf(&b, "  ← %s, on %s  [%s %s]\n", escape.Text(a.From), escape.Text(a.Ports), escape.Text(a.Policy), a.Field)
			exposed = exposed || a.Reach == "world"
		}
		if exposed {
			world++
		}
	}
	fmt.Fprintf(&b, "%d workloads: %d unprotected, %d exposed to every external address\n", len(xs), unprotected, world)
	_, err := io.WriteString(w, b.String())
	return err
}

// ExposureJSON writes {"workloads": [...], "unprotected": ["ns/name", ...]}.
func ExposureJSON(w io.Writer, xs []lint.Exposure) error {
	out := struct {
		Workloads   []lint.Exposure `json:"workloads"`
		Unprotected []string        `json:"unprotected"`
	}{Workloads: xs, Unprotected: []string{}}
	if out.Workloads == nil {
		out.Workloads = []lint.Exposure{}
	}
	for _, x := range xs {
		if x.Unprotected {
			out.Unprotected = append(out.Unprotected, x.Workload)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
