package check

// StatusChange is one check line whose status differs between two reports
// (Before or After is StatusUnknown when the line exists in one only).
type StatusChange struct {
	ID, Category, Description string
	Before, After             Status
	// Result is the line as it is now (as it was, for a line that is
	// gone: After is then StatusUnknown).
	Result Result
}

// Compare returns the check lines of after whose status differs from the
// same line (by ID) of before, then the lines only in before, in report
// order.
func Compare(before, after *Report) []StatusChange {
	old := make(map[string]Result, len(before.Results))
	for _, r := range before.Results {
		old[r.ID] = r
	}
	var out []StatusChange
	seen := make(map[string]bool, len(after.Results))
	for _, r := range after.Results {
		seen[r.ID] = true
		b, ok := old[r.ID]
		if ok && b.Status == r.Status {
			continue
		}
		out = append(out, StatusChange{ID: r.ID, Category: r.Category, Description: r.Description, Before: b.Status, After: r.Status, Result: r})
	}
	for _, r := range before.Results {
		if !seen[r.ID] {
			out = append(out, StatusChange{ID: r.ID, Category: r.Category, Description: r.Description, Before: r.Status, Result: r})
		}
	}
	return out
}
