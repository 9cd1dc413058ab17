package linkerd

import (
	"fmt"
	"strings"
)

// Describe says what was found, one line each: the control plane, the
// release and where it was read, the extensions. The check prints them as
// the first category's ✔ lines.
func (in *Install) Describe() []string {
	lines := []string{
		fmt.Sprintf("Linkerd control plane in namespace %s (%s)", in.Namespace, strings.Join(in.Components, ", ")),
		fmt.Sprintf("Linkerd %s, from %s", in.Release, in.VersionSource),
	}
	if len(in.Components) == 0 {
		lines[0] = "Linkerd control plane in namespace " + in.Namespace
	}
	if in.Modelled {
		lines[0] = fmt.Sprintf("Linkerd control plane not in the input: modelled in namespace %s (%s)", in.Namespace, strings.Join(in.Components, ", "))
	}
	if len(in.Extensions) > 0 {
		var ext []string
		for _, e := range in.Extensions {
			ext = append(ext, e.Name+" in "+e.Namespace)
		}
		lines = append(lines, "extensions: "+strings.Join(ext, ", "))
	}
	return lines
}
