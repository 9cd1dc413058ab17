package manifest

import (
	"bytes"
	"encoding/json"
	"sync"
)

// minPiece is the least stream jsonValues gives a goroutine of its own.
const minPiece = 128 << 10

// scanPieces is how many goroutines (at most procs) jsonValues uses on
// data.
func scanPieces(data []byte, procs int) int {
	return max(1, min(procs, len(data)/minPiece))
}

// jsonValues returns the spans of the top-level values of a plain stream
// (each value is checked with json.Valid: splitting valid values by their
// brackets is exact, and an invalid stream leaves some piece invalid).
//
// With pieces > 1 the stream is cut into that many pieces, scanned at
// once. A piece that does not start where the one before it ends (the
// cut fell inside a value) is scanned again from there, so the answer is
// that of a single scan from the start.
func jsonValues(data []byte, pieces int) ([][2]int, bool) {
	cuts := cutValues(data, pieces)
	parts := make([]valueScan, len(cuts)-1)
	var wg sync.WaitGroup
	for k := 1; k < len(parts); k++ {
		wg.Go(func() { parts[k] = scanValues(data, cuts[k], cuts[k+1]) })
	}
	parts[0] = scanValues(data, 0, cuts[1])
	wg.Wait()
	out := parts[0].spans
	for k := 1; k < len(parts); k++ {
		prev := parts[k-1]
		if !prev.ok {
			return nil, false
		}
		if parts[k].from != prev.next { // the cut fell inside a value
			parts[k] = scanValues(data, prev.next, len(data))
			parts = parts[:k+1]
		}
		out = append(out, parts[k].spans...)
	}
	if !parts[len(parts)-1].ok {
		return nil, false
	}
	return out, true
}

// valueScan is a scan of the values starting in data[from:to).
type valueScan struct {
	spans [][2]int
	from  int  // where the first value starts
	next  int  // where the value after the last one starts (at or past to)
	ok    bool // every value is a plain object
}

// scanValues scans the values that start in data[from:to), stopping at the
// first that is not a plain object.
func scanValues(data []byte, from, to int) valueScan {
	s := valueScan{from: skipSpace(data, from)}
	for s.next = s.from; s.next < to; s.next = skipSpace(data, s.next) {
		i := s.next
		if data[i] != '{' {
			return s
		}
		s.next = skipValue(data, i)
		if v := data[i:s.next]; !json.Valid(v) || !plainJSON(v) {
			return s
		}
		s.spans = append(s.spans, [2]int{i, s.next})
	}
	s.ok = true
	return s
}

// cutValues returns the offsets that cut data into at most pieces pieces
// of about equal size, starting with 0 and ending with len(data). Each cut
// is at a '{' that starts a line and follows a '}': in valid JSON that is
// only the start of a top-level value (a string holds no newline, and no
// value inside an object or array follows another without a comma).
func cutValues(data []byte, pieces int) []int {
	cuts := []int{0}
	for k := 1; k < pieces; k++ {
		from := max(cuts[len(cuts)-1], k*len(data)/pieces)
		to := min((k+1)*len(data)/pieces, from+maxCutSearch)
		if at, ok := valueStart(data, from, to); ok {
			cuts = append(cuts, at)
		}
	}
	return append(cuts, len(data))
}

// maxCutSearch bounds the search for a cut: a stream that is one large
// value (a List) has none.
const maxCutSearch = 1 << 20

// valueStart returns the offset of the first '{' in data[from:to) that
// starts a line and follows a '}' (and whitespace).
func valueStart(data []byte, from, to int) (int, bool) {
	for i := from; i < to; {
		nl := bytes.Index(data[i:to], []byte("\n{"))
		if nl < 0 {
			return 0, false
		}
		i += nl + 1
		if before := bytes.TrimRight(data[:i], " \t\r\n"); len(before) > 0 && before[len(before)-1] == '}' {
			return i, true
		}
	}
	return 0, false
}
