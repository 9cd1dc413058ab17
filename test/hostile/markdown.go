package hostile

// TableCells counts the cells of a GitHub Flavored Markdown table row
// ("| a | b |" has 2) the two ways implementations read a backslash:
// escaping only a following "|" (the GFM spec's wording), and escaping
// any following byte. Output safe for both keeps its columns everywhere.
func TableCells(row string) (pipeOnly, anyByte int) {
	count := func(skipAny bool) int {
		n := 0
		for i := 0; i < len(row); i++ {
			switch {
			case row[i] == '\\' && i+1 < len(row) && (skipAny || row[i+1] == '|'):
				i++
			case row[i] == '|':
				n++
			}
		}
		return n - 1
	}
	return count(false), count(true)
}
