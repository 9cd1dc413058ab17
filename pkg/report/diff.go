package report

// diffData is the comparison of two states: the pairs whose allowed ports
// changed (nodes only in the before state have index -1 and are drawn as
// ghosts), and the check lines whose status changed.
type diffData struct {
	Before  string       `json:"before"`
	After   string       `json:"after"`
	Changes []changeData `json:"changes"`
	Added   []string     `json:"added,omitempty"`
	Removed []string     `json:"removed,omitempty"`
	Mesh    []meshChange `json:"mesh,omitempty"`
	Gaps    []string     `json:"gaps,omitempty"`
}

type changeData struct {
	From   string `json:"from"`
	To     string `json:"to"`
	S      int    `json:"s"`
	D      int    `json:"d"`
	Lost   int    `json:"lost"`   // portSets index; 0: nothing lost
	Gained int    `json:"gained"` // portSets index; 0: nothing gained
}

type meshChange struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	Before      string `json:"before"` // status, "" when the line is absent
	After       string `json:"after"`
}

func (ix *index) diff(df *Diff) {
	dd := &diffData{Before: df.Before, After: df.After, Changes: []changeData{}}
	if d := df.Delta; d != nil {
		for _, c := range d.Changes {
			dd.Changes = append(dd.Changes, changeData{From: c.From, To: c.To, S: ix.nodeIndex(c.From), D: ix.nodeIndex(c.To),
				Lost: ix.intern(c.Lost), Gained: ix.intern(c.Gained)})
		}
		dd.Added, dd.Removed = d.Added, d.Removed
		for _, g := range d.Gaps {
			dd.Gaps = append(dd.Gaps, g.String())
		}
	}
	for _, m := range df.Mesh {
		mc := meshChange{ID: m.ID, Description: m.Description}
		if m.Before != 0 {
			mc.Before = m.Before.String()
		}
		if m.After != 0 {
			mc.After = m.After.String()
		}
		dd.Mesh = append(dd.Mesh, mc)
	}
	ix.d.Diff = dd
}
