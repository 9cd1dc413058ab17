package e2e_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestRegressions replays every disagreement the lab has found, kept as a
// scenario under testdata/regressions/, and pins the verdicts it was about.
func TestRegressions(t *testing.T) {
	requireLab(t)
	for _, tt := range []struct {
		file string
		want map[string]policy.Verdict // "from → to port/PROTO"
	}{
		{"dual-stack-ipblock.yaml", map[string]policy.Verdict{
			"c/client → a/db4 5432/TCP": policy.Deny,
			"c/client → a/db6 5432/TCP": policy.Deny,
			"c/client → a/db6 6432/TCP": policy.Allow,
			"c/client → a/db4 6432/TCP": policy.Allow,
		}},
	} {
		t.Run(strings.TrimSuffix(tt.file, ".yaml"), func(t *testing.T) {
			c := loadExample(t, []string{filepath.Join("internal/lab/e2e/testdata/regressions", tt.file)})
			rep, err := lab.Run(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			assertAgreement(t, rep)
			assertPromptDenials(t, rep)
			for _, r := range rep.Results {
				key := r.From + " → " + r.To + " " + portName(r.Port, r.Protocol)
				if want, ok := tt.want[key]; ok && r.Engine != want {
					t.Errorf("%s: engine %s, want %s", key, r.Engine, want)
				}
				delete(tt.want, key)
			}
			for key := range tt.want {
				t.Errorf("%s: not probed", key)
			}
		})
	}
}

func portName(port int, proto model.Protocol) string {
	return strconv.Itoa(port) + "/" + proto.String()
}
