package linkerd

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
)

// config is what Detect reads from the linkerd-config ConfigMap.
type config struct {
	versions      []candidate
	mode          TransportMode
	nativeSidecar *bool
	cni           bool
	opaquePorts   string
	policy        PolicySettings
}

// readConfig reads the linkerd-config ConfigMap in ns: key `values` (Helm
// values, 2.10+; YAML) and the older keys `install` and `global` (JSON).
func readConfig(c *model.Cluster, ns string, ds *model.Diagnostics) config {
	var cfg config
	for _, o := range c.Objects {
		if o.Kind != "ConfigMap" || o.Name != configMapName || o.Namespace != ns {
			continue
		}
		for _, key := range []string{"values", "install", "global"} {
			if o.Data[key] != "" {
				cfg.readKey(o, key, ds)
			}
		}
	}
	return cfg
}

func (cfg *config) readKey(o model.Object, key string, ds *model.Diagnostics) {
	diag := func(sev model.Severity, field, format string, args ...any) {
		*ds = append(*ds, model.Diagnostic{Severity: sev, Source: o.Source,
			Object: "ConfigMap " + o.Namespace + "/" + o.Name, Field: "data." + key + field,
			Message: fmt.Sprintf(format, args...)})
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(o.Data[key]), &root); err != nil {
		diag(model.Warning, "", "cannot parse: %v", err)
		return
	}
	for _, k := range []string{"linkerdVersion", "version", "cliVersion"} {
		s, ok := scalar(&root, k)
		if !ok || s == "" {
			continue
		}
		v, err := ParseVersion(lastField(s)) // cliVersion is "linkerd/cli edge-26.8.3"
		if err != nil {
			diag(model.Notice, "."+k, "%v", err)
			continue
		}
		where := fmt.Sprintf("ConfigMap %s/%s data.%s %s", o.Namespace, o.Name, key, k)
		cfg.versions = append(cfg.versions, candidate{v, VersionSource{SourceConfig, where}})
	}
	if s, ok := scalar(&root, "proxy", "outboundTransportMode"); ok {
		if cfg.mode = ParseTransportMode(s); cfg.mode == TransportModeUnknown {
			diag(model.Warning, ".proxy.outboundTransportMode", "unknown mode %q; assuming transport-header", s)
		}
	}
	if s, ok := scalar(&root, "proxy", "nativeSidecar"); ok {
		b := s == "true"
		cfg.nativeSidecar = &b
	}
	if s, ok := scalar(&root, "proxy", "opaquePorts"); ok {
		cfg.opaquePorts = s
	}
	if key == "values" {
		cfg.policy = readPolicy(&root, "ConfigMap "+o.Namespace+"/"+o.Name)
	}
	if s, ok := scalar(&root, "cniEnabled"); ok {
		cfg.cni = s == "true"
	}
}

// scalar returns the raw text of the scalar at path in a YAML document (raw,
// so that "linkerdVersion: 2.10" stays "2.10" rather than the float 2.1).
func scalar(n *yaml.Node, path ...string) (string, bool) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return "", false
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return "", false
		}
		n = next
	}
	return n.Value, n.Kind == yaml.ScalarNode && n.Tag != "!!null"
}

// workloadVersions reads the release from the control-plane workloads in
// ns: the linkerd.io/created-by annotation ("linkerd/cli edge-26.8.3",
// "linkerd/helm stable-2.14.10"), then linkerd.io/proxy-version, then the
// tags of Linkerd images (cr.l5d.io/linkerd/*, gcr.io/linkerd-io/*; tags
// that are not Linkerd releases, like proxy-init's v2.4.9, are skipped).
func workloadVersions(c *model.Cluster, ns string, ds *model.Diagnostics) []candidate {
	var annot, images []candidate
	for _, w := range c.Workloads {
		if w.Namespace != ns || w.Template.Labels[labelComponent] == "" {
			continue
		}
		what := w.Kind.String() + " " + w.ID()
		for _, key := range []string{annotationCreatedBy, annotationProxyVersion} {
			s := lastField(w.Template.Annotations[key])
			if s == "" {
				continue
			}
			v, err := ParseVersion(s)
			if err != nil {
				*ds = append(*ds, model.Diagnostic{Severity: model.Notice, Source: w.Source, Object: what,
					Field: "spec.template.metadata.annotations." + key, Message: err.Error()})
				continue
			}
			annot = append(annot, candidate{v, VersionSource{SourceAnnotation, key + " on " + what}})
		}
		for _, ct := range w.Template.Containers {
			if v, ok := imageVersion(ct.Image); ok {
				images = append(images, candidate{v, VersionSource{SourceImage, ct.Image + " in " + what}})
			}
		}
	}
	return append(annot, images...)
}

// imageVersion parses the tag of a Linkerd image.
func imageVersion(image string) (Version, bool) {
	if !strings.HasPrefix(image, "cr.l5d.io/linkerd/") && !strings.HasPrefix(image, "gcr.io/linkerd-io/") {
		return Version{}, false
	}
	image, _, _ = strings.Cut(image, "@") // drop a digest
	i := strings.LastIndex(image, ":")
	if i < 0 {
		return Version{}, false
	}
	v, err := ParseVersion(image[i+1:])
	return v, err == nil
}

// lastField returns the last space-separated word of s.
func lastField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}
