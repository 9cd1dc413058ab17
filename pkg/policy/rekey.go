package policy

import (
	"slices"
)

// rekey recomputes the keys of the classes of eps (nil: every class) after
// the projected keys or the blocks grew, splitting a class whose members
// the new key tells apart. No answer changes: a new class inherits its
// selections, profiles and selector bits from the class it splits from
// (nothing evaluated so far reads what tells them apart).
func (st *state) rekey(eps []int32) {
	var todo []int32
	if eps == nil {
		for c := range st.classes {
			todo = append(todo, int32(c))
		}
	} else {
		seen := map[int32]bool{}
		for _, ep := range eps {
			if c := st.classOf[ep]; c >= 0 && !seen[c] {
				seen[c] = true
				todo = append(todo, c)
			}
		}
	}
	for _, c := range todo {
		if len(st.classes[c].members) == 0 {
			continue
		}
		if st.classIndex[st.classes[c].key] == c {
			delete(st.classIndex, st.classes[c].key)
		}
		order, groups := st.groupByKey(st.classes[c].members)
		for i, k := range order {
			id := c
			if i > 0 {
				id = st.splitClass(c)
			}
			st.rekeyed(id, k, groups[k])
		}
	}
}

// groupByKey groups endpoints by their key, keys in order of appearance.
func (st *state) groupByKey(eps []int32) ([]string, map[string][]int32) {
	var order []string
	groups := map[string][]int32{}
	var key []byte
	for _, ep := range eps {
		key = st.endpointKey(key[:0], ep)
		if _, ok := groups[string(key)]; !ok {
			order = append(order, string(key))
		}
		groups[string(key)] = append(groups[string(key)], ep)
	}
	return order, groups
}

// splitClass adds a copy of class c (without members) and returns its id.
func (st *state) splitClass(c int32) int32 {
	id := int32(len(st.classes))
	cl := st.classes[c]
	cl.sel = [2][]int32{slices.Clone(cl.sel[0]), slices.Clone(cl.sel[1])}
	cl.members = nil
	st.classes = append(st.classes, cl)
	for s := range st.podSels.bits {
		st.podSels.bits[s].put(id, st.podSels.bits[s].has(c))
	}
	if cl.selectable {
		st.nss[cl.ns].classes = append(st.nss[cl.ns].classes, id)
	}
	return id
}

// rekeyed gives class c the key k and the endpoints members (which all
// have that key).
func (st *state) rekeyed(c int32, k string, members []int32) {
	cl := &st.classes[c]
	first := &st.eps[members[0]]
	cl.key, cl.members, cl.blocks = k, members, st.blocksOf[members[0]]
	if cl.selectable {
		cl.labels = st.projectedLset(nil, first.Labels)
	}
	for _, b := range cl.blocks {
		st.blocks.bits[b].set(c)
	}
	for _, ep := range members {
		st.classOf[ep] = c
	}
	st.classIndex[k] = c
	if st.tiers != nil {
		st.tiers.stale = true
	}
}

// newBlock records which endpoints a new block matches and re-keys their
// classes.
func (st *state) newBlock(b int32) {
	var hit []int32
	for i := range st.eps {
		if st.classOf[i] >= 0 && st.blocks.matchesOne(b, &st.eps[i], st.opts.ipBlockPods) {
			bs := slices.Clone(st.blocksOf[i])
			j, _ := slices.BinarySearch(bs, b)
			st.blocksOf[i] = slices.Insert(bs, j, b)
			hit = append(hit, int32(i))
		}
	}
	if len(hit) > 0 {
		st.rekey(hit)
	}
}
