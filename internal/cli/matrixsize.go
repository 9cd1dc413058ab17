package cli

import (
	"fmt"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/reach"
)

// maxMatrixOutput is the estimated output size above which matrix refuses
// to write without --force: a pod-level matrix grows with the square of
// the pods (10,000 pods are 100 million ordered pairs), and a run that
// streams hundreds of gigabytes to a terminal or a CI log is a mistake
// more often than not.
const maxMatrixOutput = 1 << 30

// matrixPairBytes is what one listed pair costs beyond its two IDs, per
// output format (separators, padding, port lists, JSON keys).
var matrixPairBytes = map[string]int64{
	"text": 16, "wide": 24, "json": 64, "csv": 16, "dot": 24, "mermaid": 24,
}

// matrixEstimate returns an upper bound on the bytes the matrix writes in
// format if every one of its pairs (ordered, of distinct nodes: n·(n-1)
// unfocused) allows something: text pads both columns to the widest ID,
// the other formats write each ID as it is.
func matrixEstimate(nodes []reach.Node, pairs int64, format string) int64 {
	n := int64(len(nodes))
	if n < 2 {
		return 0
	}
	var sum, widest int64
	for _, nd := range nodes {
		sum += int64(len(nd.ID))
		widest = max(widest, int64(len(nd.ID)))
	}
	perPair := 2*sum/n + matrixPairBytes[format]
	if format == "text" || format == "wide" {
		perPair = 2*widest + matrixPairBytes[format]
	}
	return pairs * perPair
}

// checkMatrixSize refuses a matrix whose estimated output exceeds
// maxMatrixOutput, unless forced.
//
// json-compact is not checked: it writes runs of equal answers, not
// pairs (42 MB where json writes 1.7 GB at 10,000 pods), so its size
// cannot be known before the matrix is computed, and it is the format the
// refusal points to.
func checkMatrixSize(a *reach.Analysis, format string, force bool) error {
	if force || format == "json-compact" {
		return nil
	}
	nodes, pairs := a.Nodes(), int64(a.Pairs())
	bytes := matrixEstimate(nodes, pairs, format)
	if bytes <= maxMatrixOutput {
		return nil
	}
	hint := ""
	if a.Level() == reach.LevelPod {
		hint = ", --level workload"
	}
	return inputError(fmt.Errorf("the %s matrix of %d nodes has %d ordered pairs: up to about %s of %s output, more than the %s written without --force; pass --force to write it anyway (or narrow it: -o json-compact%s, -n, --from, --to)",
		a.Level(), len(nodes), pairs, manifest.FormatSize(bytes), format, manifest.FormatSize(maxMatrixOutput), hint))
}
