package policy

import "slices"

// classifyAll puts every endpoint of a state without classes in its class,
// one after the other (endpointKey interns what it needs in that order).
// The classes come in order of first appearance and get the ids classFor
// would give them one endpoint at a time, but they are allocated once and
// the members of all share one array (each class's slice of it full, so
// appending copies). blocksOf must be set.
func (st *state) classifyAll() {
	st.classOf = make([]int32, len(st.eps))
	var key []byte
	var firsts []int32 // per class, its first endpoint
	var names []string
	for i := range st.eps {
		key = st.endpointKey(key[:0], int32(i))
		id, ok := st.classIndex[string(key)]
		if !ok {
			id = int32(len(firsts))
			s := string(key)
			st.classIndex[s] = id
			firsts, names = append(firsts, int32(i)), append(names, s)
		}
		st.classOf[i] = id
	}
	st.classes = slices.Grow(st.classes, len(firsts))
	for c, ep := range firsts {
		st.addClass(names[c], ep)
	}
	st.shareMembers(len(firsts))
}

// shareMembers sets the members of classes 0..n-1 from classOf, in one
// array.
func (st *state) shareMembers(n int) {
	start := make([]int32, n+1) // members of class c: all[start[c]:start[c+1]]
	for _, c := range st.classOf {
		start[c+1]++
	}
	for c := range n {
		start[c+1] += start[c]
	}
	all, next := make([]int32, len(st.classOf)), slices.Clone(start)
	for i, c := range st.classOf {
		all[next[c]] = int32(i)
		next[c]++
	}
	for c := range n {
		st.classes[c].members = all[start[c]:start[c+1]:start[c+1]]
	}
}
