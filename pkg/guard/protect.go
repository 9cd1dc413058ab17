package guard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Flow is a connection the guard's configuration protects: workload From
// ("namespace/name") may open Port/Protocol to workload To.
type Flow struct {
	From, To string
	Port     int
	Protocol model.Protocol
}

// String is "emojivoto/web → emojivoto/emoji 8080/TCP".
func (f Flow) String() string {
	return fmt.Sprintf("%s → %s %d/%s", f.From, f.To, f.Port, f.Protocol)
}

// Config is the guard's configuration file:
//
//	protected:
//	- from: emojivoto/web
//	  to: emojivoto/emoji
//	  port: 8080
//	  protocol: TCP   # the default
type Config struct {
	Protected []Flow
}

type configFile struct {
	Protected []struct {
		From     string `yaml:"from"`
		To       string `yaml:"to"`
		Port     int    `yaml:"port"`
		Protocol string `yaml:"protocol"`
	} `yaml:"protected"`
}

// ParseConfig reads a configuration file; name is used in errors. Unknown
// fields are errors: a misspelt key would protect nothing.
func ParseConfig(name string, data []byte) (Config, error) {
	var f configFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	var c Config
	for i, p := range f.Protected {
		at := fmt.Sprintf("%s: protected[%d]", name, i)
		proto := model.TCP
		if p.Protocol != "" {
			var err error
			if proto, err = model.ParseProtocol(p.Protocol); err != nil {
				return Config{}, fmt.Errorf("%s.protocol: %w", at, err)
			}
		}
		switch {
		case !isWorkloadID(p.From):
			return Config{}, fmt.Errorf("%s.from: want namespace/name, got %q", at, p.From)
		case !isWorkloadID(p.To):
			return Config{}, fmt.Errorf("%s.to: want namespace/name, got %q", at, p.To)
		case p.Port < 1 || p.Port > 65535:
			return Config{}, fmt.Errorf("%s.port: want 1-65535, got %d", at, p.Port)
		}
		c.Protected = append(c.Protected, Flow{From: p.From, To: p.To, Port: p.Port, Protocol: proto})
	}
	return c, nil
}

func isWorkloadID(s string) bool {
	ns, name, ok := strings.Cut(s, "/")
	return ok && ns != "" && name != "" && !strings.Contains(name, "/")
}

// allows reports whether analysis a lets f through (false when either end
// is not in a).
func allows(a *reach.Analysis, f Flow) bool {
	s, ok1 := a.EndpointIndex(f.From)
	d, ok2 := a.EndpointIndex(f.To)
	if !ok1 || !ok2 {
		return false
	}
	return a.Arrived(s, d, a.Engine().Allowed(s, d)).Contains(f.Protocol, f.Port)
}

// protectedDiagnostics warns of the protected flows st does not allow:
// they cannot be lost, so no change is ever denied for them.
func (g *Guard) protectedDiagnostics(st *state) model.Diagnostics {
	var ds model.Diagnostics
	for _, f := range g.o.protected {
		if !allows(st.a, f) {
			ds = append(ds, model.Diagnostic{Severity: model.Warning, Object: "protected flow " + f.String(),
				Message: "not allowed in the current cluster: no change can lose it"})
		}
	}
	return ds
}

// lostProtected lists the protected flows before allows and after does not.
func (g *Guard) lostProtected(before, after *state) []Flow {
	var out []Flow
	for _, f := range g.o.protected {
		if allows(before.a, f) && !allows(after.a, f) {
			out = append(out, f)
		}
	}
	return out
}
