package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/reach"
)

// focusFlags are the filters matrix, diff and report share: what is shown,
// never what is computed from (the model always holds every namespace).
// diff and report name the destination flags --dst (their --to is the
// after state).
type focusFlags struct {
	to                     string // "to" or "dst": the name of the destination flag
	from, dst              []string
	fromSelector, selector string
	dstSelector, port      string
	noticed                bool // the empty -n notice is written
}

// focusAnnotation marks the flags that take endpoint names and label
// selectors, for completion.
const focusAnnotation = "podreach_focus"

func (f *focusFlags) add(cmd *cobra.Command, to string) {
	f.to = to
	fl := cmd.Flags()
	fl.StringArrayVar(&f.from, "from", nil, "show only pairs from these sources: NS/NAME (workload, pod), svc/NS/NAME (its backends), an external name, or namespace/NS; repeatable")
	fl.StringArrayVar(&f.dst, to, nil, "show only pairs to these destinations (names as --from); repeatable")
	fl.StringVar(&f.fromSelector, "from-selector", "", "show only pairs whose source's labels match this selector (kubectl syntax: app=web,tier!=db)")
	fl.StringVar(&f.dstSelector, to+"-selector", "", "show only pairs whose destination's labels match this selector")
	fl.StringVarP(&f.selector, "selector", "l", "", "show only pairs with an end whose labels match (and, with -n, in that namespace)")
	fl.StringVar(&f.port, "port", "", "show only what pairs allow on this destination port: number or name, optionally PORT/PROTOCOL (e.g. 5432, http, 53/udp)")
	for _, name := range []string{"from", to} {
		_ = fl.SetAnnotation(name, focusAnnotation, []string{"endpoint"})
	}
	for _, name := range []string{"from-selector", to + "-selector", "selector"} {
		_ = fl.SetAnnotation(name, focusAnnotation, []string{"selector"})
	}
	fl.Lookup("namespace").Usage = "show only pairs with an end in this namespace (others' policies still decide); also the namespace of objects that name none and of names typed without one (reading a cluster: default the context's namespace, not a filter)"
	fl.Lookup("all-namespaces").Usage = "show every namespace (the default unless -n is given; with -n, -n only places objects that name no namespace)"
}

// focus maps the flags to a reach.Focus. -n filters only when given (the
// default namespace is where unnamespaced objects go, and the matrix of a
// cluster has always been shown whole), and not with -A (kubectl: -A
// lists every namespace whatever -n says).
func (f *focusFlags) focus(cmd *cobra.Command, in *inputFlags) (reach.Focus, error) {
	r := reach.Focus{From: f.from, To: f.dst, DefaultNamespace: in.namespace}
	if cmd.Flags().Changed("namespace") && !in.src.all {
		r.Namespaces = []string{in.namespace}
	}
	var err error
	for _, s := range []struct {
		flag, text string
		to         *labels.Selector
	}{{"from-selector", f.fromSelector, &r.FromSelector}, {f.to + "-selector", f.dstSelector, &r.ToSelector}, {"selector", f.selector, &r.Selector}} {
		if s.text == "" {
			continue
		}
		if *s.to, err = labels.Parse(s.text); err != nil {
			return r, inputError(fmt.Errorf("--%s: %w", s.flag, err))
		}
	}
	if r.Port, err = reach.ParsePortSpec(f.port, ""); err != nil {
		return r, inputError(fmt.Errorf("--port: %w", err))
	}
	return r, nil
}

// apply focuses a; a name that resolves to nothing is an input error
// naming its flag.
func (f *focusFlags) apply(s Streams, a *reach.Analysis, r reach.Focus) (*reach.Analysis, error) {
	if r.IsZero() {
		return a, nil
	}
	f.emptyNamespaceNotice(s, r, a)
	out, err := a.Focus(r)
	if err != nil {
		return nil, inputError(f.flagError(err))
	}
	return out, nil
}

// emptyNamespaceNotice says when a -n namespace has nothing in the
// analyses (the output is then empty, as kubectl's "No resources found"),
// once.
func (f *focusFlags) emptyNamespaceNotice(s Streams, r reach.Focus, as ...*reach.Analysis) {
	if f.noticed {
		return
	}
	f.noticed = true
	for _, ns := range r.Namespaces {
		if !slices.ContainsFunc(as, func(a *reach.Analysis) bool {
			return slices.ContainsFunc(a.Nodes(), func(n reach.Node) bool { return n.Namespace == ns })
		}) {
			fmt.Fprintf(s.ErrOut, "notice: nothing in namespace %q in the input: nothing to show\n", ns)
		}
	}
}

// focusDelta focuses a diff's delta as apply focuses a matrix.
func (f *focusFlags) focusDelta(s Streams, as [2]*reach.Analysis, d *reach.Delta, r reach.Focus) (*reach.Delta, error) {
	if r.IsZero() {
		return d, nil
	}
	f.emptyNamespaceNotice(s, r, as[0], as[1])
	out, err := d.Focus(as[0], as[1], r)
	if err != nil {
		return nil, inputError(f.flagError(err))
	}
	return out, nil
}

// flagError names the flag of a reach.FocusError.
func (f *focusFlags) flagError(err error) error {
	var fe *reach.FocusError
	if !errors.As(err, &fe) {
		return err
	}
	flag := "--from"
	if fe.Field == "To" {
		flag = "--" + f.to
	}
	return fmt.Errorf("%s %w", flag, fe.Err)
}

// describe says what the focus shows, for a report's header: "" when it
// shows everything.
func (f *focusFlags) describe(r reach.Focus) string {
	var parts []string
	add := func(flag string, vs ...string) {
		for _, v := range vs {
			if v != "" {
				parts = append(parts, flag+" "+v)
			}
		}
	}
	add("-n", r.Namespaces...)
	add("-l", f.selector)
	add("--from", f.from...)
	add("--from-selector", f.fromSelector)
	add("--"+f.to, f.dst...)
	add("--"+f.to+"-selector", f.dstSelector)
	add("--port", f.port)
	return strings.Join(parts, " ")
}
