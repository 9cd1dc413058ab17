package cli

import (
	"testing"

	"github.com/podreach/podreach/internal/golden"
)

// TestGoldenExternals: endpoints outside the pod network (docs/externals.md)
// — the ranges the ipBlocks induce, an --external cut at them, addresses
// typed as endpoints, and answers that depend on ipBlocks matching pod IPs.
func TestGoldenExternals(t *testing.T) {
	const shop = "testdata/externals/shop.yaml"
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"externals-matrix", []string{"matrix", "-f", shop, "-o", "wide"}, ExitOK},
		{"externals-matrix-json", []string{"matrix", "-f", shop, "-o", "json"}, ExitOK},
		{"externals-matrix-compact", []string{"matrix", "-f", shop, "-o", "json-compact"}, ExitOK},
		{"externals-matrix-internet", []string{"matrix", "-f", shop, "--external", "internet=0.0.0.0/0"}, ExitOK},
		{"externals-explain-ip", []string{"explain", "-f", shop, "--from", "shop/web", "--to", "8.8.8.8", "--port", "443"}, ExitOK},
		{"externals-explain-except", []string{"explain", "-f", shop, "--from", "shop/web", "--to", "10.1.2.3", "--port", "443"}, ExitNo},
		{"externals-explain-cidr", []string{"explain", "-f", shop, "--from", "shop/web", "--to", "0.0.0.0/0", "--port", "443"}, ExitNo},
		{"externals-explain-internet", []string{"explain", "-f", shop, "--external", "internet=0.0.0.0/0", "--from", "shop/web", "--to", "internet", "--port", "443"}, ExitNo},
		{"externals-explain-pod-ip", []string{"explain", "-f", shop, "--from", "10.20.0.7", "--to", "shop/db", "--port", "5432"}, ExitOK},
		{"externals-explain-pod-ip-json", []string{"explain", "-f", shop, "--from", "10.20.0.7", "--to", "shop/db", "--port", "5432", "-o", "json"}, ExitOK},
		{"externals-explain-ipv6", []string{"explain", "-f", shop, "--from", "2001:db8::/31", "--to", "shop/web"}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
}

// TestBadAddress: an address that cannot be an endpoint is an input error
// that says how to write it.
func TestBadAddress(t *testing.T) {
	for _, tc := range []struct{ to, want string }{
		{"10.1.2.3/8", `--to "10.1.2.3/8": host bits set: write 10.0.0.0/8 for the network or 10.1.2.3 for the address`},
		{"8.8.8.8/33", `--to "8.8.8.8/33": invalid prefix length "33" for 8.8.8.8`},
		{"::ffff:8.8.8.8", `--to "::ffff:8.8.8.8": an IPv4-mapped IPv6 address: write 8.8.8.8`},
	} {
		_, errOut, code := run(t, "", "explain", "-f", "testdata/externals/shop.yaml", "--from", "shop/web", "--to", tc.to)
		if code != ExitInput || errOut != "podreach: "+tc.want+"\n" {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", tc.to, code, errOut, ExitInput, tc.want)
		}
	}
}
