package netpol

import (
	"encoding/binary"
	"maps"
	"slices"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Selector is a parsed label selector and its canonical form
// (labels.Selector.String), by which the class engine interns it.
type Selector struct {
	labels.Selector
	Key string
}

// SelectorMemo parses each distinct label selector once: the policies of a
// cluster repeat a few selectors many times. It is safe for concurrent
// use; a nil memo parses every selector on its own.
type SelectorMemo struct {
	mu sync.Mutex
	m  map[string]parsedSelector
}

type parsedSelector struct {
	sel *Selector
	err error
}

// NewSelectorMemo returns an empty memo.
func NewSelectorMemo() *SelectorMemo { return &SelectorMemo{m: map[string]parsedSelector{}} }

// Parse is metav1.LabelSelectorAsSelector of a non-nil ls, with its
// canonical form.
func (m *SelectorMemo) Parse(ls *metav1.LabelSelector) (*Selector, error) {
	if m == nil {
		return parseSelector(ls)
	}
	var buf [256]byte
	k := selectorKey(buf[:0], ls)
	m.mu.Lock()
	p, ok := m.m[string(k)]
	m.mu.Unlock()
	if ok {
		return p.sel, p.err
	}
	p.sel, p.err = parseSelector(ls)
	m.mu.Lock()
	m.m[string(k)] = p
	m.mu.Unlock()
	return p.sel, p.err
}

func parseSelector(ls *metav1.LabelSelector) (*Selector, error) {
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return nil, err
	}
	return &Selector{Selector: sel, Key: sel.String()}, nil
}

// selectorKey appends an encoding of everything in ls that
// LabelSelectorAsSelector reads: equal keys, equal selectors (and errors).
// Strings are length-prefixed; matchLabels are sorted by key.
func selectorKey(b []byte, ls *metav1.LabelSelector) []byte {
	b = binary.AppendUvarint(b, uint64(len(ls.MatchLabels)))
	switch len(ls.MatchLabels) {
	case 0:
	case 1:
		for k, v := range ls.MatchLabels {
			b = AppendString(AppendString(b, k), v)
		}
	default:
		for _, k := range slices.Sorted(maps.Keys(ls.MatchLabels)) {
			b = AppendString(AppendString(b, k), ls.MatchLabels[k])
		}
	}
	b = binary.AppendUvarint(b, uint64(len(ls.MatchExpressions)))
	for _, r := range ls.MatchExpressions {
		b = AppendString(AppendString(b, r.Key), string(r.Operator))
		b = binary.AppendUvarint(b, uint64(len(r.Values)))
		for _, v := range r.Values {
			b = AppendString(b, v)
		}
	}
	return b
}

// AppendString appends s, length-prefixed: keys built of several strings
// stay unambiguous.
func AppendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}
