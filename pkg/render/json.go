package render

import (
	"encoding/json"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// PortsJSON is the JSON form of a port set: one entry per protocol with
// inclusive, merged, sorted ranges; "all ports" is [[1,65535]].
type PortsJSON struct {
	Protocol string      `json:"protocol"`
	Ports    [][2]uint16 `json:"ports"`
}

// PortSetJSON converts a port set.
func PortSetJSON(s ports.Set) []PortsJSON {
	out := []PortsJSON{}
	for _, p := range model.Protocols {
		rs := s.Ranges(p)
		if len(rs) == 0 {
			continue
		}
		pj := PortsJSON{Protocol: p.String(), Ports: make([][2]uint16, len(rs))}
		for i, r := range rs {
			pj.Ports[i] = [2]uint16{r.Lo, r.Hi}
		}
		out = append(out, pj)
	}
	return out
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // only plain data structs are passed here
		panic(err)
	}
	return b
}
