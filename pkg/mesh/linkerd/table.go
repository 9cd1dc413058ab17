package linkerd

import (
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/mesh"
)

//go:embed flows.yaml
var flowsYAML string

// loadTable parses the embedded flow table once; the result is never
// modified.
var loadTable = sync.OnceValues(func() (*table, error) {
	t, err := parseTable([]byte(flowsYAML))
	if err != nil {
		return nil, fmt.Errorf("loading embedded flows.yaml: %w", err)
	}
	return t, nil
})

// The YAML schema (see the header of flows.yaml).
type (
	fileDef struct {
		Peers map[string]peerDef `yaml:"peers"`
		Flows []flowDef          `yaml:"flows"`
	}
	peerDef struct {
		Kind      string              `yaml:"kind"`
		Name      string              `yaml:"name"`
		Namespace string              `yaml:"namespace"`
		Labels    map[string]string   `yaml:"labels"`
		Exists    []string            `yaml:"exists"`
		In        map[string][]string `yaml:"in"`
	}
	flowDef struct {
		ID           string       `yaml:"id"`
		Category     string       `yaml:"category"`
		Severity     string       `yaml:"severity"`
		Transport    string       `yaml:"transport"`
		OneOf        bool         `yaml:"one_of"`
		DeclaredOnly bool         `yaml:"declared_only"`
		Purpose      string       `yaml:"purpose"`
		IfBlocked    string       `yaml:"if_blocked"`
		Ref          string       `yaml:"ref"`
		Variants     []variantDef `yaml:"variants"`
		variantDef   `yaml:",inline"`
	}
	variantDef struct {
		Versions    *rangeDef `yaml:"versions"`
		From        string    `yaml:"from"`
		To          string    `yaml:"to"`
		Ports       []string  `yaml:"ports"`
		Description string    `yaml:"description"`
		Hint        string    `yaml:"hint"`
		IfComponent string    `yaml:"if_component"`
		IfMode      string    `yaml:"if_mode"`
	}
	rangeDef struct {
		Min        string `yaml:"min"`
		Max        string `yaml:"max"`
		EdgeMin    string `yaml:"edge_min"`
		EdgeBefore string `yaml:"edge_before"`
	}
)

// table is the compiled flow table.
type table struct{ flows []flow }

// flow is one compiled flow: the fields common to all its variants.
type flow struct {
	id, category, purpose, ifBlocked, ref string
	severity                              mesh.Severity
	transport                             mesh.Transport
	oneOf, declaredOnly                   bool
	variants                              []variant
}

// variant is a flow in one release band, defaults merged in.
type variant struct {
	versions          Range
	from, to          peer
	ports             []mesh.Port
	description, hint string
	ifComponent       string
	ifMode            TransportMode // TransportModeUnknown: any mode
}

// peer is a compiled peerDef.
type peer struct {
	peerDef
	kind      mesh.PeerKind
	extension string // the extension whose namespace the peer lives in
}

// validID reports whether id is lower-case kebab-case ("proxy-to-dns"),
// usable as a docs anchor.
func validID(id string) bool {
	for i, r := range id {
		lower, digit := 'a' <= r && r <= 'z', '0' <= r && r <= '9'
		switch {
		case i == 0 && !lower:
			return false
		case r == '-' && (id[i-1] == '-' || i == len(id)-1):
			return false
		case r != '-' && !lower && !digit:
			return false
		}
	}
	return id != ""
}

func parseTable(data []byte) (*table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f fileDef
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	peers, errs := compilePeers(f.Peers)
	t := &table{}
	seen := map[string]bool{}
	for i, fd := range f.Flows {
		fl, err := compileFlow(fd, peers)
		if err == nil && seen[fd.ID] {
			err = errors.New("duplicate id")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("flows[%d] %q: %w", i, fd.ID, err))
			continue
		}
		seen[fd.ID] = true
		t.flows = append(t.flows, fl)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func compilePeers(defs map[string]peerDef) (map[string]peer, []error) {
	out := map[string]peer{}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(defs)) {
		d := defs[key]
		if d.Kind == "" {
			d.Kind = mesh.PeerPods.String()
		}
		p := peer{peerDef: d, kind: mesh.ParsePeerKind(d.Kind), extension: placeholderExtension(d.Namespace)}
		if err := p.validate(); err != nil {
			errs = append(errs, fmt.Errorf("peers.%s: %w", key, err))
			continue
		}
		out[key] = p
	}
	return out, errs
}

func (p peer) validate() error {
	selector := len(p.Labels)+len(p.Exists)+len(p.In) > 0
	switch {
	case p.kind == mesh.PeerUnknown:
		return fmt.Errorf("unknown kind %q", p.Kind)
	case p.Name == "":
		return errors.New("no name")
	case p.kind == mesh.PeerPods && (p.Namespace == "" || !selector):
		return errors.New("pods peers need a namespace and a pod selector")
	case p.kind == mesh.PeerMeshedPods && (p.Namespace != "" || !selector):
		return errors.New("meshed-pods peers need a pod selector and no namespace")
	case p.kind != mesh.PeerPods && p.kind != mesh.PeerMeshedPods && (p.Namespace != "" || selector):
		return fmt.Errorf("%s peers have no namespace or selector", p.kind)
	}
	return nil
}

// placeholderExtension maps "{viz}" to "viz"; "" for anything else.
func placeholderExtension(ns string) string {
	name, ok := strings.CutPrefix(ns, "{")
	if name, ok2 := strings.CutSuffix(name, "}"); ok && ok2 && knownExtension(name) {
		return name
	}
	return ""
}

func compileFlow(d flowDef, peers map[string]peer) (flow, error) {
	fl := flow{
		id: d.ID, category: d.Category, purpose: d.Purpose, ifBlocked: d.IfBlocked, ref: d.Ref,
		severity: mesh.ParseSeverity(d.Severity), transport: mesh.ParseTransport(d.Transport),
		oneOf: d.OneOf, declaredOnly: d.DeclaredOnly,
	}
	if err := fl.validate(d); err != nil {
		return flow{}, err
	}
	var errs []error
	for i, vd := range d.Variants {
		v, err := compileVariant(d.variantDef, vd, peers, fl.category == CategoryDataPlane)
		if err != nil {
			errs = append(errs, fmt.Errorf("variants[%d]: %w", i, err))
		}
		fl.variants = append(fl.variants, v)
	}
	if len(errs) == 0 {
		errs = append(errs, checkOverlap(fl.variants))
	}
	return fl, errors.Join(errs...)
}

func (fl flow) validate(d flowDef) error {
	var errs []error
	check := func(bad bool, msg string) {
		if bad {
			errs = append(errs, errors.New(msg))
		}
	}
	check(!validID(fl.id), "id must be lower-case kebab-case")
	check(!knownCategory(fl.category), "unknown category")
	check(fl.severity == mesh.SeverityUnknown, "unknown severity")
	check(fl.transport == mesh.TransportUnknown, "unknown transport")
	check(fl.purpose == "" || fl.ifBlocked == "" || fl.ref == "", "purpose, if_blocked and ref are required")
	check(len(d.Variants) == 0, "no variants")
	check(d.Versions != nil || d.IfComponent != "" || d.IfMode != "", "versions, if_component and if_mode belong in variants")
	return errors.Join(errs...)
}

func knownCategory(c string) bool {
	for _, k := range Categories() {
		if k == c {
			return true
		}
	}
	return false
}

// compileVariant merges the flow's defaults into vd and checks the result.
func compileVariant(def, vd variantDef, peers map[string]peer, appPorts bool) (variant, error) {
	pick := cmp.Or[string]
	v := variant{
		description: pick(vd.Description, def.Description),
		hint:        pick(vd.Hint, def.Hint),
		ifComponent: vd.IfComponent,
		ifMode:      ParseTransportMode(vd.IfMode),
	}
	var errs []error
	var err error
	if vd.Versions == nil {
		errs = append(errs, errors.New("no versions"))
	} else if v.versions, err = vd.Versions.compile(); err != nil {
		errs = append(errs, err)
	}
	from, to := pick(vd.From, def.From), pick(vd.To, def.To)
	v.from, v.to = peers[from], peers[to]
	for _, key := range []string{from, to} {
		if _, ok := peers[key]; !ok {
			errs = append(errs, fmt.Errorf("unknown peer %q", key))
		}
	}
	ports := def.Ports
	if vd.Ports != nil {
		ports = vd.Ports
	}
	if v.ports, err = parsePorts(ports); err != nil {
		errs = append(errs, err)
	}
	if len(v.ports) == 0 && !appPorts {
		errs = append(errs, errors.New("no ports"))
	}
	if v.description == "" || v.hint == "" {
		errs = append(errs, errors.New("description and hint are required"))
	}
	if vd.IfMode != "" && v.ifMode == TransportModeUnknown {
		errs = append(errs, fmt.Errorf("unknown if_mode %q", vd.IfMode))
	}
	return v, errors.Join(errs...)
}
