package render

import (
	"bufio"
	"fmt"
	"strconv"

	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// compactBlock is the rows of a block of sources, as a worker found
// them: row k is runs[ends[k-1]:ends[k]] of source from[k].
type compactBlock struct {
	from, ends []int
	runs       []reach.Run
}

// matrixCompact writes the matrix as run-length encoded rows (-o
// json-compact; schema in the README): the nodes as in -o json, then per
// source the ranges of consecutive destinations (by position in nodes)
// that allow the same ports, the ports as an index into "sets", the
// distinct port sets in order of first use. Rows are computed in blocks
// on every core; the document is written in order.
func matrixCompact(w *bufio.Writer, a *reach.Analysis) error {
	fmt.Fprintf(w, `{"level":%q,"format":"compact/v1",`+"\n"+` "nodes":[`, a.Level().String())
	nodes := a.Nodes()
	writeNodesJSON(w, nodes)
	w.WriteString("],\n \"rows\":[")
	pos := make([][]byte, len(nodes)) // the decimal text of each node position, made once
	for i := range pos {
		pos[i] = strconv.AppendInt(nil, int64(i), 10)
	}
	var index []int32 // engine set id -> 1 + position in "sets" (0: not yet)
	var sets []ports.Set
	var setIndex map[string]int // the sets of layer answers -> position in "sets", by Set.String
	// setOf is the position in "sets" of a set of a layer answer.
	setOf := func(s ports.Set) int {
		if setIndex == nil {
			setIndex = map[string]int{}
			for i, x := range sets {
				setIndex[x.String()] = i
			}
		}
		k := s.String()
		i, ok := setIndex[k]
		if !ok {
			i = len(sets)
			sets, setIndex[k] = append(sets, s), i
		}
		return i
	}
	var layerIndex []int32 // layer answer id -> 1 + position in "layers" (0: not yet)
	var layers [][]byte    // the "layers" entries
	rows := 0
	var b []byte
	free := make(chan *compactBlock, 2*a.Workers()+1) // blocks written, for reuse
	err := reach.Blocks(a, a.Workers(),
		func(blk *reach.Block) (*compactBlock, error) {
			var out *compactBlock
			select {
			case out = <-free:
				out.from, out.ends, out.runs = out.from[:0], out.ends[:0], out.runs[:0]
			default:
				out = &compactBlock{}
			}
			err := blk.Runs(func(from int, runs []reach.Run) error {
				if len(runs) == 0 {
					return nil
				}
				out.runs = append(out.runs, runs...)
				out.from, out.ends = append(out.from, from), append(out.ends, len(out.runs))
				return nil
			})
			return out, err
		},
		func(blk *compactBlock) error {
			start := 0
			for k, from := range blk.from {
				b = b[:0]
				if rows > 0 {
					b = append(b, ',')
				}
				rows++
				b = append(b, "\n  {\"from\":"...)
				b = append(b, pos[from]...)
				b = append(b, `,"to":[`...)
				for i, run := range blk.runs[start:blk.ends[k]] {
					for int(run.SetID) >= len(index) {
						index = append(index, 0)
					}
					if index[run.SetID] == 0 {
						set := a.PortSet(run.SetID)
						if setIndex != nil {
							index[run.SetID] = int32(setOf(set)) + 1
						} else {
							sets = append(sets, set)
							index[run.SetID] = int32(len(sets))
						}
					}
					set := index[run.SetID] - 1
					if i > 0 {
						b = append(b, ',')
					}
					b = append(b, '[')
					b = append(b, pos[run.Lo]...)
					b = append(b, ',')
					b = append(b, pos[run.Hi]...)
					b = append(b, ',')
					b = strconv.AppendInt(b, int64(set), 10)
					switch {
					case run.Layers != 0:
						for int(run.Layers) >= len(layerIndex) {
							layerIndex = append(layerIndex, 0)
						}
						if layerIndex[run.Layers] == 0 {
							layers = append(layers, compactLayer(a.LayerAnswer(run.Layers), setOf))
							layerIndex[run.Layers] = int32(len(layers))
						}
						b = append(b, ",0,"...) // the answer per layer (README)
						if run.Dataplane {
							b[len(b)-2] = '1'
						}
						b = strconv.AppendInt(b, int64(layerIndex[run.Layers]-1), 10)
					case run.Dataplane:
						b = append(b, ",1"...) // dataplane-dependent (README)
					}
					b = append(b, ']')
				}
				start = blk.ends[k]
				b = append(b, "]}"...)
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
			select {
			case free <- blk:
			default:
			}
			return nil
		})
	if err != nil {
		return err
	}
	w.WriteString("],\n \"sets\":[")
	for i, s := range sets {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n  ")
		w.Write(appendPortSetJSON(nil, s))
	}
	w.WriteString("]")
	if len(layers) > 0 {
		w.WriteString(",\n \"layers\":[")
		for i, l := range layers {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n  ")
			w.Write(l)
		}
		w.WriteString("]")
	}
	writeIncompleteJSON(w, a)
	_, err = w.WriteString("}\n")
	return err
}

// compactLayer is a "layers" entry of -o json-compact: the layer
// answer's sets as positions in "sets" (setOf), the Linkerd layer's only
// when not empty.
func compactLayer(la reach.LayerAnswer, setOf func(ports.Set) int) []byte {
	b := strconv.AppendInt([]byte(`{"networkPolicy":`), int64(setOf(la.NetPol)), 10)
	for _, m := range []struct {
		name string
		set  ports.Set
	}{{"refused", la.Refused}, {"audited", la.Audited}, {"unknown", la.Unknown}} {
		if !m.set.IsEmpty() {
			b = strconv.AppendInt(append(append(append(b, ',', '"'), m.name...), `":`...), int64(setOf(m.set)), 10)
		}
	}
	return append(b, '}')
}
