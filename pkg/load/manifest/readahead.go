package manifest

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Reading the objects of a plain JSON stream on more than one core.
//
// The builder is sequential: diagnostics come in input order, a later
// object replaces an earlier one, and the expansion budget runs down
// object by object. What it does first with a top-level object is pure,
// though: peeking its head and decoding its bytes into the handler's type,
// most of the work. Workers do that ahead of the builder, which takes
// their result for each object in turn, or reads the object itself when no
// worker has started on it. Either way each object is read once, and the
// builder waits only for an object a worker is in the middle of.

const (
	// aheadWindow bounds the objects read ahead and not yet taken, whose
	// decoded values are held in memory.
	aheadWindow = 1024
	// minAhead is the least number of objects worth a worker.
	minAhead = 16
)

// procs is how many goroutines the reading of one stream may use.
func (b *builder) procs() int {
	if b.parallel > 0 {
		return b.parallel
	}
	return runtime.GOMAXPROCS(0)
}

// preread is what a worker read of one object.
type preread struct {
	head   jsonHead
	headOK bool       // peekJSON's answer
	typed  typedValue // the handler's decoding, when the object gets to it
}

// headOf is peekJSON(raw), as read ahead when it was.
func (p *preread) headOf(raw []byte) (jsonHead, bool) {
	if p == nil {
		return peekJSON(raw)
	}
	return p.head, p.headOK
}

// typedValue is an object decoded into a handler's type: decodeRaw[T]
// takes it when it asks for that T with that strictness.
type typedValue struct {
	v        any // *T, nil when not decoded
	strict   bool
	warnings []error
	err      error
}

// readObject is what the builder does first with the object raw, the
// top-level value of a plain stream (addJSON).
func readObject(raw []byte) *preread {
	p := &preread{}
	p.head, p.headOK = peekJSON(raw)
	h := &p.head
	if !p.headOK || strings.HasSuffix(h.kind, "List") && h.items != nil {
		return p
	}
	group, version := splitAPIVersion(h.apiVersion)
	if _, known := handlerFor(group, version, h.kind); known {
		if decode := decoderFor(h.kind); decode != nil {
			p.typed = decode(raw)
		}
	}
	return p
}

// typedDecoder decodes an object's bytes as its handler does first.
type typedDecoder func(raw []byte) typedValue

func strictly[T any](raw []byte) typedValue { return unmarshalTyped[T](raw, true) }

func loosely[T any](raw []byte) typedValue { return unmarshalTyped[T](raw, false) }

// readAhead runs the workers over the top-level values of a stream.
type readAhead struct {
	data  []byte
	spans [][2]int
	slots []aheadSlot
	next  atomic.Int64  // the next slot a worker looks at
	room  chan struct{} // holds a token per slot filled and not taken
	stop  chan struct{} // closed when the builder is done
	wg    sync.WaitGroup
}

type aheadSlot struct {
	mu    sync.Mutex // held by a worker filling the slot
	taken bool       // the builder has reached the slot; no worker starts on it
	read  *preread   // what a worker read, until taken
}

// startReadAhead starts workers reading the values at spans, or returns
// nil when there are too few values or no workers.
func startReadAhead(data []byte, spans [][2]int, workers int) *readAhead {
	if workers < 1 || len(spans) < minAhead {
		return nil
	}
	a := &readAhead{
		data: data, spans: spans, slots: make([]aheadSlot, len(spans)),
		room: make(chan struct{}, aheadWindow), stop: make(chan struct{}),
	}
	for range workers {
		a.wg.Go(a.work)
	}
	return a
}

// close stops the workers and waits for them to return: the stream is
// done with, or the builder stops early.
func (a *readAhead) close() {
	if a == nil {
		return
	}
	close(a.stop)
	a.wg.Wait()
}

func (a *readAhead) work() {
	for {
		i := int(a.next.Add(1)) - 1
		if i >= len(a.slots) {
			return
		}
		select { // stopping wins over room
		case <-a.stop:
			return
		default:
		}
		select {
		case a.room <- struct{}{}:
		case <-a.stop:
			return
		}
		if !a.fill(i) {
			<-a.room
		}
	}
}

// fill reads value i into its slot; false when the builder has taken it.
func (a *readAhead) fill(i int) bool {
	s := &a.slots[i]
	if !s.mu.TryLock() { // the builder is taking it
		return false
	}
	defer s.mu.Unlock()
	if s.taken {
		return false
	}
	s.read = readObject(a.data[a.spans[i][0]:a.spans[i][1]])
	return true
}

// take returns what a worker read of value i; nil (on a nil readAhead
// too) when no worker started on it, and then none will. While a worker
// is in the middle of value i, the builder reads later values as a worker
// would, and waits only when there are none or no room.
func (a *readAhead) take(i int) *preread {
	if a == nil {
		return nil
	}
	s := &a.slots[i]
	for !s.mu.TryLock() {
		if !a.help() {
			s.mu.Lock()
			break
		}
	}
	s.taken = true
	p := s.read
	s.read = nil
	s.mu.Unlock()
	if p != nil {
		<-a.room
	}
	return p
}

// help reads the next value no worker has started on, if there is one
// and room for it.
func (a *readAhead) help() bool {
	select {
	case a.room <- struct{}{}:
	default:
		return false
	}
	i := int(a.next.Add(1)) - 1
	if i < len(a.slots) && a.fill(i) {
		return true
	}
	<-a.room
	return i < len(a.slots)
}
