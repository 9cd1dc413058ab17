package policy

import (
	"fmt"
	"strings"
)

func (e *Engine) DebugStats() string {
	st := e.st
	var b strings.Builder
	rules, peers := 0, 0
	distinct := map[string]bool{}
	for _, p := range st.pols {
		for d := range p.rules {
			for _, r := range p.rules[d] {
				rules++
				peers += len(r.peers)
				k := fmt.Sprint(r.r.allPeers, r.peers)
				for _, pe := range r.peers {
					if pe.block < 0 && pe.nsSel < 0 {
						k += fmt.Sprint("ns", p.ns)
						break
					}
				}
				distinct[k] = true
			}
		}
	}
	inP, egP := map[int32]bool{}, map[int32]bool{}
	for _, c := range st.classes {
		inP[c.prof[0]] = true
		egP[c.prof[1]] = true
	}
	pr := 0
	for _, p := range st.profiles.profs {
		pr += len(p.rules)
	}
	fmt.Fprintf(&b, "classes %d rules %d peers %d distinctRulePeers %d podSels %d nsSels %d blocks %d inProfs %d egProfs %d avgRulesPerProf %.1f sigs %d",
		len(st.classes), rules, peers, len(distinct), len(st.podSels.sels), len(st.nsSels.sels), len(st.blocks.cidr), len(inP), len(egP), float64(pr)/float64(len(st.profiles.profs)), len(st.sigs.ports))
	return b.String()
}

func (e *Engine) DebugTypes() string {
	st := e.st
	gin, geg := map[string]int{}, map[string]int{}
	g := make([]int, len(st.classes))
	h := make([]int, len(st.classes))
	for c := range st.classes {
		var kin, keg []byte
		for _, p := range st.pols {
			for d := range p.rules {
				for i := range p.rules[d] {
					m := st.ruleHas(p, &p.rules[d][i], int32(c), 0)
					if d == 0 {
						kin = append(kin, boolByte(m))
					} else {
						keg = append(keg, boolByte(m))
					}
				}
			}
		}
		f := st.classes[c].fams
		kin = append(kin, boolByte(f[0]), boolByte(f[1]))
		keg = append(keg, boolByte(f[0]), boolByte(f[1]))
		keg = appendInt32(keg, st.classes[c].sig)
		if _, ok := gin[string(kin)]; !ok {
			gin[string(kin)] = len(gin)
		}
		if _, ok := geg[string(keg)]; !ok {
			geg[string(keg)] = len(geg)
		}
		g[c], h[c] = gin[string(kin)], geg[string(keg)]
	}
	rows, cols := map[[2]int]bool{}, map[[2]int]bool{}
	for c := range st.classes {
		rows[[2]int{g[c], int(st.classes[c].prof[1])}] = true
		cols[[2]int{int(st.classes[c].prof[0]), h[c]}] = true
	}
	return fmt.Sprintf("G_in %d G_eg %d rows %d cols %d", len(gin), len(geg), len(rows), len(cols))
}

var Fills int

func (s *Scanner) DebugFills() int { return Fills }
