package render

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// connEncoder writes connections as json.Marshal(connectionJSON) would,
// byte for byte, without reflection: a large matrix has millions of them.
// The "allowed" part is cached per port set: the engine hands out interned
// sets, so the same few sets (recognised by their storage) recur.
type connEncoder struct {
	n     int      // connections written
	ids   [][]byte // the quoted IDs of the nodes, by position
	buf   []byte
	sets  map[setKey][]byte
	last  setKey
	lastB []byte
}

// setKey identifies a port set by the storage of its ranges. Sets are
// immutable and the cache keeps them reachable, so equal keys mean equal
// sets.
type setKey struct {
	p [3]*ports.Range
	n [3]int
}

func keyOf(s ports.Set) setKey {
	var k setKey
	for i, proto := range model.Protocols {
		if rs := s.Ranges(proto); len(rs) > 0 {
			k.p[i], k.n[i] = &rs[0], len(rs)
		}
	}
	return k
}

// encode returns the JSON of c, after a comma unless it is the first, on
// a new line indented by two (valid until the next call).
func (e *connEncoder) encode(c reach.Connection) []byte {
	b := e.buf[:0]
	if e.n > 0 {
		b = append(b, ',')
	}
	e.n++
	b = append(b, "\n  {\"from\":"...)
	b = append(b, e.id(c.FromNode, c.From)...)
	b = append(b, `,"to":`...)
	b = append(b, e.id(c.ToNode, c.To)...)
	b = append(b, `,"allowed":`...)
	b = append(b, e.allowed(c.Allowed)...)
	if c.Contested {
		b = append(b, `,"contested":true`...)
	}
	b = append(b, '}')
	e.buf = b
	return b
}

// id returns the quoted ID of node i, computed once.
func (e *connEncoder) id(i int, id string) []byte {
	for len(e.ids) <= i {
		e.ids = append(e.ids, nil)
	}
	if e.ids[i] == nil {
		e.ids[i] = appendJSONString(nil, id)
	}
	return e.ids[i]
}

func (e *connEncoder) allowed(s ports.Set) []byte {
	k := keyOf(s)
	if e.lastB != nil && k == e.last {
		return e.lastB
	}
	if e.sets == nil {
		e.sets = make(map[setKey][]byte)
	}
	b, ok := e.sets[k]
	if !ok {
		b = appendPortSetJSON(nil, s)
		e.sets[k] = b
	}
	e.last, e.lastB = k, b
	return b
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
