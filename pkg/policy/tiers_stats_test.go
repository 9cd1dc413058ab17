package policy

import "fmt"

// TierStats is for the tiered benchmarks: profiles, keys, entries.
func (e *Engine) TierStats() string {
	t := e.st.tiers
	if t == nil {
		return fmt.Sprintf("classes %d, no tiers", len(e.st.classes))
	}
	return fmt.Sprintf("classes %d atoms %d (addr %d) rules %d profiles %d keys %d matched %d entries %d",
		len(e.st.classes), len(t.atoms), len(t.addr), len(t.rules), len(t.profs), len(t.keys), len(t.matched), len(t.decided))
}
