package render

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// cached returns (*cache)[i], made by mk on first use.
func cached(cache *[][]byte, i int, mk func() []byte) []byte {
	for len(*cache) <= i {
		*cache = append(*cache, nil)
	}
	if (*cache)[i] == nil {
		(*cache)[i] = mk()
	}
	return (*cache)[i]
}

// appendPortSetJSON appends json.Marshal(PortSetJSON(s)).
func appendPortSetJSON(b []byte, s ports.Set) []byte {
	b = append(b, '[')
	first := true
	for _, p := range model.Protocols {
		rs := s.Ranges(p)
		if len(rs) == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"protocol":`...)
		b = appendJSONString(b, p.String())
		b = append(b, `,"ports":[`...)
		for i, r := range rs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendUint(b, uint64(r.Lo), 10)
			b = append(b, ',')
			b = strconv.AppendUint(b, uint64(r.Hi), 10)
			b = append(b, ']')
		}
		b = append(b, "]}"...)
	}
	return append(b, ']')
}

// appendJSONString appends s as encoding/json writes it: plain printable
// ASCII directly, anything else (escapes, HTML characters, non-ASCII)
// through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// matrixJSONConnections writes the connections of a's matrix, comma
// separated, encoding blocks of sources on up to workers goroutines. A
// block's output is a list of pieces of about pieceSize bytes, recycled
// once written: no buffer grows by copying, and a few MiB are in use
// however large the matrix.
// nodes are a.Nodes(). bw is flushed first and the pieces then go to w, bw's writer, as they
// are: copying them into bw would only add a copy.
func matrixJSONConnections(bw *bufio.Writer, w io.Writer, a *reach.Analysis, nodes []reach.Node, workers int) error {
	if err := bw.Flush(); err != nil {
		return err
	}
	const pieceSize, pieceSlack = 256 << 10, 16 << 10
	ids := make([][]byte, len(nodes)) // quoted IDs
	host := make([]bool, len(nodes))
	for i, n := range nodes {
		ids[i], host[i] = appendJSONString(nil, n.ID), n.HostNetwork
	}
	// The "allowed" JSON of each set id and the "layers" JSON of each
	// layer answer, one cache per busy worker.
	type cache struct{ sets, layers [][]byte }
	caches := make(chan *cache, max(workers, 1))
	free := make(chan []byte, 256) // pieces written, for reuse
	piece := func() []byte {
		select {
		case b := <-free:
			return b
		default:
			return make([]byte, 0, pieceSize)
		}
	}
	first := true
	return reach.Blocks(a, workers,
		func(b *reach.Block) ([][]byte, error) {
			var c *cache
			select {
			case c = <-caches:
			default:
				c = new(cache)
			}
			// Every connection after a comma; the first block's first one
			// loses it. A run's connections differ only in "to".
			var out [][]byte
			cur := piece()
			var head []byte
			err := b.Runs(func(from int, runs []reach.Run) error {
				head = append(append(head[:0], ",\n  {\"from\":"...), ids[from]...)
				head = append(head, `,"to":`...)
				for _, r := range runs {
					set := cached(&c.sets, int(r.SetID), func() []byte {
						return appendPortSetJSON([]byte(`,"allowed":`), b.Set(r.SetID))
					})
					var layers []byte
					if r.Layers != 0 {
						layers = cached(&c.layers, int(r.Layers), func() []byte {
							return appendLayersJSON([]byte(`,"layers":`), a.LayerAnswer(r.Layers))
						})
					}
					for to := r.Lo; to <= r.Hi; to++ {
						cur = append(cur, head...)
						cur = append(cur, ids[to]...)
						cur = append(cur, set...)
						if host[from] || host[to] || r.Dataplane {
							cur = append(cur, `,"contested":true`...)
						}
						if r.Dataplane {
							cur = append(cur, `,"dataplane":true`...)
						}
						cur = append(cur, layers...)
						if cur = append(cur, '}'); len(cur) > pieceSize-pieceSlack {
							out, cur = append(out, cur), piece()
						}
					}
				}
				return nil
			})
			caches <- c
			return append(out, cur), err
		},
		func(pieces [][]byte) error {
			for _, p := range pieces {
				out := p
				if first && len(out) > 0 {
					out, first = out[1:], false
				}
				if _, err := w.Write(out); err != nil {
					return err
				}
				select {
				case free <- p[:0]:
				default:
				}
			}
			return nil
		})
}

// appendLayersJSON appends a pair's answer per layer (-o json, README):
// {"networkPolicy":PORTS,"linkerd":{"refused":PORTS,"audited":PORTS,"unknown":PORTS}},
// the Linkerd layer's members only when not empty.
func appendLayersJSON(b []byte, la reach.LayerAnswer) []byte {
	b = appendPortSetJSON(append(b, `{"networkPolicy":`...), la.NetPol)
	b = append(b, `,"linkerd":{`...)
	first := true
	for _, m := range []struct {
		name string
		set  ports.Set
	}{{"refused", la.Refused}, {"audited", la.Audited}, {"unknown", la.Unknown}} {
		if m.set.IsEmpty() {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendPortSetJSON(append(append(append(b, '"'), m.name...), `":`...), m.set)
	}
	return append(b, "}}"...)
}
