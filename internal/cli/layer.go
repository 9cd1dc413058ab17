package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/reach"
)

// layerHelp is the --layer help of the verbs that list connections.
const layerHelp = "policy layers the answer combines: netpol (NetworkPolicy), linkerd (Linkerd authorization, as if no NetworkPolicy existed) or both"

// addLayer registers --layer on a verb whose connections combine the
// policy layers (matrix, diff, report); the other verbs keep both.
func (f *inputFlags) addLayer(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.layer, "layer", "both", layerHelp)
}

// layerOption maps --layer to the analysis option ("" when the verb has
// no --layer: both).
func (f *inputFlags) layerOption() (reach.Option, error) {
	if f.layer == "" {
		return reach.WithLayer(reach.LayerBoth), nil
	}
	l, err := reach.ParseLayer(f.layer)
	if err != nil {
		return nil, inputError(fmt.Errorf("--layer: %w", err))
	}
	return reach.WithLayer(l), nil
}

// layerAnswers refuses --layer linkerd on an analysis without a Linkerd
// layer (no Linkerd mesh, or a release before 2.11).
func (f *inputFlags) layerAnswers(as ...*reach.Analysis) error {
	if f.layer != reach.LayerLinkerd.String() {
		return nil
	}
	for _, a := range as {
		if a != nil && a.HasLinkerdLayer() {
			return nil
		}
	}
	return inputError(fmt.Errorf("--layer linkerd: the input is not meshed by Linkerd 2.11 or later (see --mesh, --linkerd-version)"))
}

// linkerdUnknown returns errUnknown, and says why on stderr, when some
// listed pair has a port whose Linkerd answer podreach cannot know (the
// pair is listed with it, as NetworkPolicy admits it).
func linkerdUnknown(s Streams, as ...*reach.Analysis) error {
	var n int64
	example := ""
	for _, a := range as {
		if a == nil {
			continue
		}
		k, ex := a.LinkerdUnknown()
		if n += k; example == "" {
			example = ex
		}
	}
	if n == 0 {
		return nil
	}
	fmt.Fprintf(s.ErrOut, "CANNOT KNOW: the Linkerd authorization of %d listed pairs (e.g. %s) depends on client addresses the input does not give; their ports are listed as NetworkPolicy admits them (explain … --port shows why)\n", n, escape.Text(example))
	return errUnknown
}
