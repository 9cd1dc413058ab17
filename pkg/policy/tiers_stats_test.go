package policy

import "fmt"

// TierStats is for the tiered benchmarks: profiles, keys, entries.
func (e *Engine) TierStats() string {
	t := e.st.tiers
	if t == nil {
		return "no tiers"
	}
	n := len(t.decided)
	return fmt.Sprintf("classes %d atoms %d (addr %d) profiles %d keys %d entries %d", len(e.st.classes), len(t.atoms), len(t.addr), len(t.profs), len(t.keys), n)
}
