package policy_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering: the meaning packages (one per policy layer) do not import
// the machinery, the machinery does not import the reference evaluator it
// is tested against, and the reference evaluator does not import the
// meaning it is compared with (it reads policy.Endpoint as plain data).
func TestLayering(t *testing.T) {
	t.Parallel()
	const root = "github.com/podreach/podreach/pkg/policy"
	banned := map[string][]string{
		root + "/netpol":       {root, root + "/reference", root + "/tier"},
		root + "/tier":         {root, root + "/reference", root + "/netpol"},
		root:                   {root + "/reference"},
		root + "/reference":    {root + "/netpol"},
		root + "/linkerdauthz": {root, root + "/reference", root + "/netpol", root + "/tier"},
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \",\"}}", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		for _, d := range strings.Split(f[1], ",") {
			for _, b := range banned[f[0]] {
				if d == b {
					t.Errorf("%s depends on %s", f[0], d)
				}
			}
		}
	}
}
