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

// connEncoder writes connections as json.Marshal(connectionJSON) would,
// byte for byte, without reflection: a large matrix has millions of them.
// The quoted node IDs and the "allowed" part are made once per node and
// per set (Connection.SetID).
type connEncoder struct {
	n    int      // connections written
	ids  [][]byte // the quoted IDs of the nodes, by position
	sets [][]byte // the "allowed" JSON by SetID
}

// encode appends to b the JSON of c, after a comma unless it is the
// first, on a new line indented by two.
func (e *connEncoder) encode(b []byte, c reach.Connection) []byte {
	if e.n > 0 {
		b = append(b, ',')
	}
	e.n++
	b = append(b, "\n  {\"from\":"...)
	b = append(b, cached(&e.ids, c.FromNode, func() []byte { return appendJSONString(nil, c.From) })...)
	b = append(b, `,"to":`...)
	b = append(b, cached(&e.ids, c.ToNode, func() []byte { return appendJSONString(nil, c.To) })...)
	b = append(b, `,"allowed":`...)
	b = append(b, cached(&e.sets, c.SetID, func() []byte { return appendPortSetJSON(nil, c.Allowed) })...)
	if c.Contested {
		b = append(b, `,"contested":true`...)
	}
	return append(b, '}')
}

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
// bw is flushed first and the pieces then go to w, bw's writer, as they
// are: copying them into bw would only add a copy.
func matrixJSONConnections(bw *bufio.Writer, w io.Writer, a *reach.Analysis, workers int) error {
	if err := bw.Flush(); err != nil {
		return err
	}
	const pieceSize, pieceSlack = 256 << 10, 16 << 10
	ids := make([][]byte, 0, len(a.Nodes()))
	for _, n := range a.Nodes() {
		ids = append(ids, appendJSONString(nil, n.ID))
	}
	encoders := make(chan *connEncoder, max(workers, 1)) // one per busy worker: caches are not shared
	free := make(chan []byte, 256)                       // pieces written, for reuse
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
			var enc *connEncoder
			select {
			case enc = <-encoders:
			default:
				enc = &connEncoder{ids: ids}
			}
			enc.n = 1 // every connection after a comma; the first block's first one loses it
			var out [][]byte
			cur := piece()
			err := b.Each(func(c reach.Connection) error {
				if cur = enc.encode(cur, c); len(cur) > pieceSize-pieceSlack {
					out, cur = append(out, cur), piece()
				}
				return nil
			})
			encoders <- enc
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
