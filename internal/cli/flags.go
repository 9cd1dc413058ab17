package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podreach/podreach/pkg/model"
)

// onceValue is a flag that takes one value and refuses a second one:
// pflag would keep the last silently ("--port 80 --port 443" explaining
// 443 only).
type onceValue struct {
	pflag.Value
	name string
	set  bool
}

func (o *onceValue) Set(s string) error {
	if o.set {
		return fmt.Errorf("--%s given twice (%q, then %q): give it once", o.name, o.Value.String(), s)
	}
	o.set = true
	return o.Value.Set(s)
}

// refuseRepeatedFlags makes every single-valued flag of the tree refuse a
// second value. Repeatable flags (arrays, slices) and booleans (giving
// --live twice says the same thing) are left as they are.
func refuseRepeatedFlags(c *cobra.Command) {
	wrap := func(f *pflag.Flag) {
		t := f.Value.Type()
		if _, done := f.Value.(*onceValue); done || t == "bool" || t == "count" || strings.HasSuffix(t, "Array") || strings.HasSuffix(t, "Slice") {
			return
		}
		f.Value = &onceValue{Value: f.Value, name: f.Name}
	}
	c.PersistentFlags().VisitAll(wrap)
	c.Flags().VisitAll(wrap)
	for _, sub := range c.Commands() {
		refuseRepeatedFlags(sub)
	}
}

// needs is a flag that has no effect unless a condition holds ("--linkerd-
// version needs --mesh"); given without it, the run would silently ignore
// it.
type needs struct {
	flag, condition string
	holds           bool
}

// checkNeeds returns a usage error (exit 2) for the first flag given
// without what it needs.
func checkNeeds(cmd *cobra.Command, rules ...needs) error {
	for _, r := range rules {
		if cmd.Flags().Changed(r.flag) && !r.holds {
			return inputError(fmt.Errorf("--%s needs %s", r.flag, r.condition))
		}
	}
	return nil
}

// portProtocolConflict refuses --port PORT/PROTOCOL with a --protocol that
// names another protocol (either alone would do; together, which one
// should win is a guess).
func portProtocolConflict(port, protocol string) error {
	_, inPort, ok := strings.Cut(port, "/")
	if !ok || protocol == "" {
		return nil
	}
	a, errA := model.ParseProtocol(inPort)
	b, errB := model.ParseProtocol(protocol)
	if errA == nil && errB == nil && a == b {
		return nil
	}
	return inputError(fmt.Errorf("--port %s and --protocol %s conflict: give the protocol once", port, protocol))
}
