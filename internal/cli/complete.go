package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podreach/podreach/pkg/load/kustomize"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// outputFormats are the -o values of each command, for completion (a test
// checks them against each flag's help).
var outputFormats = map[string][]string{
	"check":    {"text", "short", "json", "md", "dot", "mermaid"},
	"diff":     {"text", "json", "md", "dot", "mermaid"},
	"explain":  {"text", "json"},
	"generate": {"yaml", "json"},
	"lab":      {"text", "json"},
	"lint":     {"text", "json", "sarif"},
	"exposure": {"text", "json"},
	"matrix":   {"text", "wide", "json", "json-compact", "csv", "dot", "mermaid"},
	"version":  {"text", "json"},
	"watch":    {"text", "json"},
}

// meshes are the --mesh values.
var meshes = []string{"linkerd"}

// registerCompletions adds dynamic completion to every command: -o values,
// --mesh names, namespaces and workload names (--from, --to) read from the
// -f and -k inputs already on the command line (never from the live
// cluster: completing must be quick and must not need credentials), -f
// manifest files and -k directories.
func registerCompletions(cmd *cobra.Command) {
	fl := cmd.Flags()
	if fl.Lookup("output") != nil {
		registerValues(cmd, "output", outputFormats[cmd.Name()]...)
	}
	if fl.Lookup("mesh") != nil {
		registerValues(cmd, "mesh", meshes...)
	}
	if fl.Lookup("filename") != nil {
		_ = cmd.MarkFlagFilename("filename", "yaml", "yml", "json")
	}
	if fl.Lookup("kustomize") != nil {
		_ = cmd.MarkFlagDirname("kustomize")
	}
	if fl.Lookup("namespace") != nil && fl.Lookup("filename") != nil {
		_ = cmd.RegisterFlagCompletionFunc("namespace", completeFromInputs(namespaceNames))
	}
	for _, name := range []string{"from", "to"} {
		if f := fl.Lookup(name); f != nil && f.Value.Type() == "string" {
			_ = cmd.RegisterFlagCompletionFunc(name, completeFromInputs(endpointNames))
		}
	}
	fl.VisitAll(func(f *pflag.Flag) { // the focus filters (focus.go)
		switch kind := f.Annotations[focusAnnotation]; {
		case slices.Equal(kind, []string{"endpoint"}):
			_ = cmd.RegisterFlagCompletionFunc(f.Name, completeFromInputs(focusNames))
		case slices.Equal(kind, []string{"selector"}):
			_ = cmd.RegisterFlagCompletionFunc(f.Name, completeFromInputs(labelPairs))
		}
	})
	for _, sub := range cmd.Commands() {
		registerCompletions(sub)
	}
}

func registerValues(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// completeFromInputs completes from the cluster the command line's -f and
// -k inputs describe; nothing when there are none or they do not load.
func completeFromInputs(names func(*cobra.Command, *model.Cluster) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c := inputsCluster(cmd)
		if c == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, n := range names(cmd, c) {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// inputsCluster loads the -f files (not stdin) and -k kustomizations on
// the command line.
func inputsCluster(cmd *cobra.Command) *model.Cluster {
	fl := cmd.Flags()
	files, _ := fl.GetStringArray("filename")
	dirs, _ := fl.GetStringArray("kustomize")
	ns, _ := fl.GetString("namespace")
	files = slices.DeleteFunc(slices.Clone(files), func(f string) bool { return f == "-" })
	if len(files)+len(dirs) == 0 {
		return nil
	}
	ctx := requireContext(cmd)
	b := manifest.NewBuilder(manifest.WithDefaultNamespace(ns))
	for _, d := range dirs {
		out, err := kustomize.Render(ctx, d)
		if err != nil {
			return nil
		}
		b.Decode(kustomizeSource(d), out)
	}
	if b.Load(ctx, files...) != nil {
		return nil
	}
	c, _, err := b.Finish()
	if err != nil {
		return nil
	}
	return c
}

func namespaceNames(_ *cobra.Command, c *model.Cluster) []string {
	var out []string
	for _, ns := range c.Namespaces {
		out = append(out, ns.Name)
	}
	return out
}

// endpointNames are the NS/NAME of every workload and the --external names.
func endpointNames(cmd *cobra.Command, c *model.Cluster) []string {
	var out []string
	for _, w := range c.Workloads {
		out = append(out, w.Namespace+"/"+w.Name)
	}
	externals, _ := cmd.Flags().GetStringArray("external")
	for _, x := range externals {
		if name, _, ok := strings.Cut(x, "="); ok {
			out = append(out, name)
		}
	}
	return slices.Compact(out)
}

// focusNames are endpointNames and namespace/NS of every namespace, for
// the focus filters.
func focusNames(cmd *cobra.Command, c *model.Cluster) []string {
	out := endpointNames(cmd, c)
	for _, ns := range namespaceNames(cmd, c) {
		out = append(out, "namespace/"+ns)
	}
	return out
}

// labelPairs are the KEY=VALUE labels of the workloads' pods, sorted, for
// the selector flags.
func labelPairs(_ *cobra.Command, c *model.Cluster) []string {
	var out []string
	for _, w := range c.Workloads {
		for k, v := range w.Template.Labels {
			out = append(out, k+"="+v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
