package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// inputFlags are the flags every analysing command shares.
type inputFlags struct {
	filenames   []string
	namespace   string
	externals   []string
	ipBlockPods string
}

func (f *inputFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.filenames, "filename", "f", nil, "manifest file, directory (recursive) or - for stdin; repeatable")
	fl.StringVarP(&f.namespace, "namespace", "n", "default", "namespace of objects that name none, and of names typed without one")
	fl.StringArrayVar(&f.externals, "external", nil, "a non-pod peer NAME=CIDR (e.g. apiserver=172.16.0.2/32); repeatable")
	fl.StringVar(&f.ipBlockPods, "ipblock-pods", "match", "whether ipBlock rules match pod IPs: match (upstream, Calico) or ignore (Cilium)")
}

// load reads the input and returns the cluster; notices go to stderr, and
// input errors come back as exit code 2 with every error listed.
func (f *inputFlags) load(cmd *cobra.Command, s Streams) (*model.Cluster, error) {
	if len(f.filenames) == 0 {
		return nil, inputError(fmt.Errorf("no input: give manifests with -f FILE|DIR|-"))
	}
	c, diags, err := manifest.Load(requireContext(cmd), f.filenames,
		manifest.WithDefaultNamespace(f.namespace), manifest.WithStdin(s.In))
	printDiagnostics(s.ErrOut, diags)
	if err != nil {
		return nil, inputError(err)
	}
	for _, x := range f.externals {
		ext, err := reach.ParseExternal(x)
		if err != nil {
			return nil, inputError(fmt.Errorf("--external: %w", err))
		}
		if slices.ContainsFunc(c.Externals, func(e model.External) bool { return e.Name == ext.Name }) {
			return nil, inputError(fmt.Errorf("--external: %q given twice", ext.Name))
		}
		c.Externals = append(c.Externals, ext)
	}
	return c, nil
}

func (f *inputFlags) options() ([]reach.Option, error) {
	switch f.ipBlockPods {
	case "match":
		return []reach.Option{reach.WithIPBlockPods(true)}, nil
	case "ignore":
		return []reach.Option{reach.WithIPBlockPods(false)}, nil
	}
	return nil, inputError(fmt.Errorf("--ipblock-pods: want match or ignore, got %q", f.ipBlockPods))
}

// analyze loads the input and compiles it.
func (f *inputFlags) analyze(cmd *cobra.Command, s Streams, extra ...reach.Option) (*reach.Analysis, error) {
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	c, err := f.load(cmd, s)
	if err != nil {
		return nil, err
	}
	a, err := reach.Analyze(c, append(opts, extra...)...)
	if err != nil {
		return nil, inputError(err)
	}
	return a, nil
}
