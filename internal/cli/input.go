package cli

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/reach"
)

// inputFlags are the flags every analysing command shares.
type inputFlags struct {
	filenames   []string
	kustomize   []string // -k: kustomization directories, rendered (kustomize.go)
	namespace   string
	externals   []string
	ipBlockPods string
	mesh        string // linkerd, none or auto
	linkerd     string // --linkerd-version
	linkerdDef  string // --linkerd-default-policy
	layer       string // --layer, on the verbs that have it (layer.go)
	strict      bool
	maxInput    string      // --max-input-size, parsed by inputLimit
	src         sourceFlags // the live cluster and what-if layers (live.go)
	// warnings gets the --external warnings (build sets it to stderr);
	// warned has those already printed.
	warnings io.Writer
	warned   map[string]bool
}

func (f *inputFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.filenames, "filename", "f", nil, "manifest file, directory (recursive) or - for stdin; repeatable")
	fl.StringArrayVarP(&f.kustomize, "kustomize", "k", nil, "kustomization directory, rendered as kubectl kustomize does (local files only); repeatable; -f layers on it")
	fl.StringVarP(&f.namespace, "namespace", "n", "default", "namespace of objects that name none, and of names typed without one (reading a cluster: default the context's namespace)")
	fl.StringArrayVar(&f.externals, "external", nil, "a non-pod peer NAME=CIDR (e.g. apiserver=172.16.0.2/32); repeatable")
	fl.BoolVar(&f.strict, "strict", false, "input the API server accepts only with a warning (ipBlock and --external CIDRs with host bits set, IPv4-mapped or with leading zeros) is an input error")
	fl.StringVar(&f.ipBlockPods, "ipblock-pods", "match", "whether ipBlock rules match pod IPs: match (upstream, Calico) or ignore (Cilium)")
	fl.StringVar(&f.mesh, "mesh", "auto", "the service mesh the cluster runs: linkerd, none, or auto (Linkerd when the input shows a control plane, proxies or linkerd.io/inject annotations)")
	fl.StringVar(&f.linkerd, "linkerd-version", "", "Linkerd release to model (e.g. edge-26.8.3, 2.14, stable-2.14.10); default: detected")
	fl.StringVar(&f.linkerdDef, "linkerd-default-policy", "", "Linkerd's cluster-wide default inbound policy when the input has no linkerd-config (all-unauthenticated, all-authenticated, cluster-unauthenticated, cluster-authenticated, deny, audit); default: linkerd-config, else all-unauthenticated")
	fl.StringVar(&f.maxInput, "max-input-size", "1Gi", "the most bytes read from one file or standard input (all inputs together: 4 times this); a larger input is an error; e.g. 2Gi, 500Mi")
	f.src.add(cmd)
}

// load reads the input — the live cluster when no -f is given or with
// --live, then the manifests, then --delete — and returns the cluster;
// notices go to stderr, and input errors come back as exit code 2 with
// every error listed.
func (f *inputFlags) load(cmd *cobra.Command, s Streams) (*model.Cluster, error) {
	st := f.state()
	st.deletes = f.src.deletes
	cs, err := f.build(cmd, s, st)
	if err != nil {
		return nil, err
	}
	c := cs[0]
	if err := f.addExternals(c); err != nil {
		return nil, err
	}
	return c, nil
}

// addExternals adds the --external peers to c.
func (f *inputFlags) addExternals(c *model.Cluster) error {
	for _, x := range f.externals {
		ext, err := f.parseExternal(x)
		if err != nil {
			return inputError(fmt.Errorf("--external: %w", err))
		}
		if slices.ContainsFunc(c.Externals, func(e model.External) bool { return e.Name == ext.Name }) {
			return inputError(fmt.Errorf("--external: %q given twice", ext.Name))
		}
		c.Externals = append(c.Externals, ext)
	}
	return nil
}

// parseExternal reads NAME=CIDR as reach.ParseExternal does, with the CIDR
// read as a NetworkPolicy ipBlock's (manifest.ParseCIDR): a form the API
// server accepts with a warning gets the same warning here (an error with
// --strict) and is evaluated as dataplanes read it.
func (f *inputFlags) parseExternal(x string) (model.External, error) {
	ext, err := reach.ParseExternal(x)
	name, addr, _ := strings.Cut(x, "=")
	if name == "" || !strings.Contains(addr, "/") {
		return ext, err
	}
	p, warnings, perr := manifest.ParseCIDR(addr)
	if perr != nil {
		return ext, err
	}
	for _, w := range warnings {
		if f.strict {
			return model.External{}, fmt.Errorf("%s: %s (--strict)", x, w)
		}
		if line := fmt.Sprintf("warning: --external %s: %s", x, w); f.warnings != nil && !f.warned[line] {
			if f.warned == nil {
				f.warned = map[string]bool{}
			}
			f.warned[line] = true
			fmt.Fprintln(f.warnings, line)
		}
	}
	return model.External{Name: name, Prefix: p}, nil
}

func (f *inputFlags) options() ([]reach.Option, error) {
	// Without --external, the ranges the policies' blocks induce are the
	// matrix's externals (docs/externals.md).
	ranges := reach.WithExternalRanges(true)
	layer, err := f.layerOption()
	if err != nil {
		return nil, err
	}
	switch f.ipBlockPods {
	case "match":
		return []reach.Option{reach.WithIPBlockPods(true), ranges, layer}, nil
	case "ignore":
		return []reach.Option{reach.WithIPBlockPods(false), ranges, layer}, nil
	}
	return nil, inputError(fmt.Errorf("--ipblock-pods: want match or ignore, got %q", f.ipBlockPods))
}

// effective maps the input flags to the options of the effective cluster
// (the mesh, its version, the analysis options).
func (f *inputFlags) effective(extra ...reach.Option) ([]effective.Option, error) {
	mode, err := effective.ParseMeshMode(f.mesh)
	if err != nil {
		return nil, inputError(fmt.Errorf("--mesh: %w", err))
	}
	if mode == effective.MeshNone && f.linkerd != "" {
		return nil, inputError(fmt.Errorf("--linkerd-version has no effect with --mesh none"))
	}
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	if f.linkerdDef != "" {
		if _, err := linkerdauthz.ParseDefaultPolicy(f.linkerdDef); err != nil {
			return nil, inputError(fmt.Errorf("--linkerd-default-policy: %w", err))
		}
	}
	return []effective.Option{effective.WithMesh(mode), effective.WithLinkerdVersion(f.linkerd), effective.WithLinkerdDefaultPolicy(f.linkerdDef),
		effective.WithReachOptions(append(opts, extra...)...)}, nil
}

// profile returns the mesh c runs under (nil: none), as --mesh and
// --linkerd-version say; detection notices go to stderr.
func (f *inputFlags) profile(s Streams, c *model.Cluster, opts []effective.Option) (mesh.Profile, error) {
	p, diags, err := effective.Mesh(c, opts...)
	printDiagnostics(s.ErrOut, diags)
	if err != nil {
		return nil, inputError(err)
	}
	return p, nil
}

// analyze loads the input and analyses its effective cluster.
func (f *inputFlags) analyze(cmd *cobra.Command, s Streams, extra ...reach.Option) (*reach.Analysis, error) {
	opts, err := f.effective(extra...)
	if err != nil {
		return nil, err
	}
	c, err := f.load(cmd, s)
	if err != nil {
		return nil, err
	}
	a, diags, err := effective.Analyze(c, opts...)
	printDiagnostics(s.ErrOut, diags)
	if err != nil {
		return nil, inputError(err)
	}
	return a, nil
}

// inputLimit parses --max-input-size: the per-file limit, and the total
// (four times it). Quantities as kubectl writes them: 1Gi, 500Mi, 2G.
func (f *inputFlags) inputLimit() (perFile, total int64, err error) {
	q, err := resource.ParseQuantity(f.maxInput)
	if err != nil || q.Sign() <= 0 || q.Value() > math.MaxInt64/4 {
		return 0, 0, inputError(fmt.Errorf("--max-input-size: want a positive size such as 1Gi or 500Mi, got %q", f.maxInput))
	}
	return q.Value(), 4 * q.Value(), nil
}
