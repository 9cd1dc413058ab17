package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

type explainFlags struct {
	input    inputFlags
	from, to string
	port     string
	protocol string
	output   string
	layer    string
}

func newExplainCmd(s Streams) *cobra.Command {
	f := &explainFlags{}
	cmd := &cobra.Command{
		Use:   "explain --from SRC --to DST [--port PORT]",
		Short: "Explain whether one connection is allowed, and why",
		Long: `Explain traces one connection through the NetworkPolicies: which policies
isolate the source for egress and the destination for ingress, which policy,
rule and peer admit it, or — when it is denied — the nearest miss of every
isolating policy.

SRC and DST are NS/NAME (a workload, else a pod, else a Service), NS/KIND/NAME
or KIND/NS/NAME (e.g. svc/linkerd/linkerd-dst), the NAME of an --external
peer, or an IP or CIDR (IPv4 or IPv6): a known pod's IP is that pod; any other
address is outside the pod network, and a CIDR is cut at the policies' ipBlock
boundaries and answered range by range (docs/externals.md). A Service stands
for the workloads it selects, and a Service port is mapped to its targetPort. PORT is a number or a name (resolved on the
destination pod), optionally with /PROTOCOL; without --port every port is
considered.

Between two meshed pods, the answer is about the port the mesh really uses
(Linkerd ≥ 2.18 sends meshed traffic to the server's proxy on 4143): the
output says "arrives as 4143/TCP". Policies of kinds podreach does not
evaluate (AdminNetworkPolicy, Calico, Cilium, Linkerd authorization…) that
select an endpoint make an allowed answer "CANNOT KNOW" and are listed
(JSON: "answer": "unknown", "couldChange").

When the mesh is Linkerd, a second layer decides too: the destination's
proxy applies Linkerd authorization (Server, AuthorizationPolicy,
MeshTLSAuthentication, NetworkAuthentication, routes, default inbound
policies). Each decision then shows "NetworkPolicy ✔/×" and "Linkerd
✔/×/audit" with the Server that matched the pod and port, the
authorizations that apply and why the client's identity or network does
not match (docs/linkerd-authz.md). --layer netpol|linkerd|both chooses the
layers the verdict combines; in JSON, "allowed" is their verdict together
and "layers" gives each one's.

Exit codes: 0 allowed, 1 denied, 2 usage or input error, 3 cannot know.`,
		Example: `  podreach explain -f examples/emojivoto-linkerd/ --from emojivoto/web --to linkerd/linkerd-destination --port 8086
  podreach explain -f cluster/ --from emojivoto/web --to svc/emojivoto/emoji-svc --port 8080 -o json
  podreach explain -f examples/emojivoto-authz/ --from emojivoto/vote-bot --to emojivoto/voting --port grpc --layer linkerd
  podreach explain -f cluster/ --external apiserver=172.16.0.2/32 --from apiserver --to linkerd/linkerd-proxy-injector --port 8443
  podreach explain -f cluster/ --from shop/web --to 8.8.8.8 --port 443`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExplain(cmd, s, f) },
	}
	f.input.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "source: NS/NAME, NS/KIND/NAME, an external name, an IP or a CIDR (required)")
	fl.StringVar(&f.to, "to", "", "destination: NS/NAME, NS/KIND/NAME, an external name, an IP or a CIDR (required)")
	fl.StringVar(&f.port, "port", "", "destination port number or name, optionally PORT/PROTOCOL (default: every port)")
	fl.StringVar(&f.protocol, "protocol", "", "protocol of --port: TCP (default), UDP or SCTP")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	fl.StringVar(&f.layer, "layer", "both", "policy layers the verdict combines: netpol, linkerd or both")
	cmd.MarkFlagRequired("from")
	cmd.MarkFlagRequired("to")
	return cmd
}

func runExplain(cmd *cobra.Command, s Streams, f *explainFlags) error {
	if f.output != "text" && f.output != "json" {
		return inputError(fmt.Errorf("--output: want text or json, got %q", f.output))
	}
	if err := portProtocolConflict(f.port, f.protocol); err != nil {
		return err
	}
	port, err := reach.ParsePortSpec(f.port, f.protocol)
	if err != nil {
		return inputError(fmt.Errorf("--port: %w", err))
	}
	layer, err := reach.ParseLayer(f.layer)
	if err != nil {
		return inputError(fmt.Errorf("--layer: %w", err))
	}
	a, err := f.input.analyze(cmd, s)
	if err != nil {
		return err
	}
	if err := layerUsable(a, layer, port); err != nil {
		return err
	}
	x, err := a.Explain(f.from, f.to, port, f.input.namespace)
	if err != nil {
		return inputError(withGaps(a, err))
	}
	x.Layer = layer
	x.Notes = append(x.Notes, a.LinkerdNotes()...)
	if a.HasLinkerdLayer() && port == (reach.PortSpec{}) && layer != reach.LayerNetpol {
		x.Notes = append(x.Notes, "Linkerd authorization is decided per port: give --port to see it")
	}
	x.Notes = append(x.Notes, gapNotes(a, x)...)
	if f.output == "json" {
		err = render.ExplainJSON(s.Out, x)
	} else {
		err = render.ExplainText(s.Out, x)
	}
	if err != nil {
		return err
	}
	if x.Unknown() {
		return errUnknown
	}
	if !x.Allowed() {
		return errNo
	}
	return nil
}

// layerUsable refuses --layer linkerd where the Linkerd layer gives no
// answer: no Linkerd mesh, or no --port (Linkerd decides per port).
func layerUsable(a *reach.Analysis, l reach.Layer, port reach.PortSpec) error {
	switch {
	case l != reach.LayerLinkerd:
		return nil
	case !a.HasLinkerdLayer():
		return inputError(fmt.Errorf("--layer linkerd: the input is not meshed by Linkerd (see --mesh)"))
	case port == (reach.PortSpec{}):
		return inputError(fmt.Errorf("--layer linkerd needs --port: Linkerd authorizes per port"))
	}
	return nil
}
