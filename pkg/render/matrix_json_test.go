package render

import (
	"encoding/json"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// TestConnEncoder: the hand-written encoder writes what json.Marshal
// writes, byte for byte, cached sets included.
func TestConnEncoder(t *testing.T) {
	t.Parallel()
	sets := []ports.Set{
		ports.All(), {}, ports.Of(model.TCP, 80, 80),
		ports.Of(model.TCP, 80, 90).Union(ports.Of(model.UDP, 53, 53)).Union(ports.Of(model.SCTP, 1, 65535)),
		ports.AllOf(model.UDP), ports.Of(model.TCP, 1, 5).Union(ports.Of(model.TCP, 7, 9)),
	}
	ids := []string{"ns/web", "internet", `a"b\c`, "x<y>&z", "ünïcode", "tab\there", "\u2028", "bad\xffutf8", ""}
	var enc connEncoder
	n := 0
	for i, from := range ids {
		for j, to := range ids {
			for k, s := range sets {
				c := reach.Connection{From: from, To: to, Allowed: s, Contested: (i+j+k)%3 == 0, FromNode: i, ToNode: j, SetID: k}
				want, err := json.Marshal(connectionJSON{From: c.From, To: c.To, Allowed: PortSetJSON(c.Allowed), Contested: c.Contested})
				if err != nil {
					t.Fatal(err)
				}
				prefix := "\n  "
				if n > 0 {
					prefix = ",\n  "
				}
				n++
				if got := string(enc.encode(nil, c)); got != prefix+string(want) {
					t.Errorf("encode(%q -> %q, %s):\n got %s\nwant %s", from, to, s, got, prefix+string(want))
				}
			}
		}
	}
}
