package manifest

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
)

// ipBlockPolicy is a NetworkPolicy ns/p admitting from one ipBlock; the
// block is on line 7.
func ipBlockPolicy(cidr string, except ...string) string {
	b := "ingress: [{from: [{ipBlock: {cidr: '" + cidr + "'"
	if len(except) > 0 {
		b += ", except: ['" + strings.Join(except, "', '") + "']"
	}
	return policy(b + "}}]}]")
}

const at7 = "in.yaml:7: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock."

// cidrRules are the CIDR forms API servers store with a warning
// (GetWarningsForCIDR), and the ones they refuse.
var cidrRules = []rule{
	{"ipBlock: host bits set", "IsValidCIDRForLegacyField, GetWarningsForCIDR", ipBlockPolicy("10.0.0.1/8"),
		[]string{`warning: ` + at7 + `cidr: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?); podreach evaluates it as "10.0.0.0/8", as dataplanes read it`}},
	{"ipBlock: IPv6 host bits set", "IsValidCIDRForLegacyField, GetWarningsForCIDR", ipBlockPolicy("2001:db8::1/64"),
		[]string{`warning: ` + at7 + `cidr: CIDR value "2001:db8::1/64" is ambiguous in this context (should be "2001:db8::/64" or "2001:db8::1/128"?); podreach evaluates it as "2001:db8::/64"`}},
	{"except: host bits set", "IsValidCIDRForLegacyField, GetWarningsForCIDR", ipBlockPolicy("10.0.0.0/8", "10.1.0.1/16"),
		[]string{`warning: ` + at7 + `except[0]: CIDR value "10.1.0.1/16" is ambiguous in this context (should be "10.1.0.0/16" or "10.1.0.1/32"?)`}},
	{"ipBlock: IPv4-mapped IPv6", "IsValidCIDRForLegacyField, GetWarningsForCIDR", ipBlockPolicy("::ffff:10.0.0.0/104"),
		[]string{`warning: ` + at7 + `cidr: non-standard CIDR value "::ffff:10.0.0.0/104" is invalid: use "10.0.0.0/8"; podreach evaluates it as "10.0.0.0/8", as dataplanes read it`}},
	{"ipBlock: leading zeros", "IsValidCIDRForLegacyField, GetWarningsForCIDR", ipBlockPolicy("010.0.0.0/8"),
		[]string{`warning: ` + at7 + `cidr: non-standard CIDR value "010.0.0.0/8" is invalid: use "10.0.0.0/8"; podreach evaluates it as "10.0.0.0/8", as the API server reads it, but dataplanes built with Go 1.17 or later cannot parse it`}},
	{"ipBlock: leading zeros in the prefix length", "IsValidCIDRForLegacyField, GetWarningsForCIDR", ipBlockPolicy("10.0.0.0/08"),
		[]string{`warning: ` + at7 + `cidr: non-standard CIDR value "10.0.0.0/08" is invalid: use "10.0.0.0/8"`}},
	{"ipBlock: IPv6 not in RFC 5952 form", "GetWarningsForCIDR", ipBlockPolicy("2001:DB8::/32"),
		[]string{`warning: ` + at7 + `cidr: IPv6 CIDR value "2001:DB8::/32" should be in RFC 5952 canonical format ("2001:db8::/32")`}},
	{"ipBlock: canonical", "IsValidCIDRForLegacyField", ipBlockPolicy("10.0.0.0/8", "10.1.0.0/16"), nil},
	{"ipBlock: not a CIDR", "IsValidCIDRForLegacyField", ipBlockPolicy("10.0.0.0"),
		[]string{`error: ` + at7 + `cidr: invalid CIDR "10.0.0.0": must be a valid CIDR value`}},
	{"except: strict subset by the lengths as written", "ValidateIPBlock (must be a strict subset of cidr)",
		ipBlockPolicy("::ffff:10.0.0.0/104", "10.1.0.0/16"),
		[]string{`warning: ` + at7 + `cidr: non-standard CIDR value "::ffff:10.0.0.0/104"`,
			`error: ` + at7 + `except[0]: "10.1.0.0/16" must be a strict subset of cidr "::ffff:10.0.0.0/104"`}},
}

func TestValidateCIDRs(t *testing.T) {
	t.Parallel()
	checkRules(t, cidrRules)
}

// TestValidateCIDRsStrict: with WithStrict (--strict), every warning of
// cidrRules is an error.
func TestValidateCIDRsStrict(t *testing.T) {
	t.Parallel()
	strict := make([]rule, len(cidrRules))
	for i, r := range cidrRules {
		r.want = append([]string(nil), r.want...)
		for j, w := range r.want {
			r.want[j] = strings.Replace(w, "warning: ", "error: ", 1)
		}
		strict[i] = r
	}
	checkRules(t, strict, WithStrict(true))
}

// TestCIDRsEvaluated: the policy the engine reads holds the prefix
// dataplanes enforce, in canonical form.
func TestCIDRsEvaluated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cidr  string
		except      []string
		want        string
		wantExcepts []string
	}{
		{"host bits cleared", "10.0.0.1/8", []string{"10.1.0.1/16"}, "10.0.0.0/8", []string{"10.1.0.0/16"}},
		{"IPv4-mapped read as IPv4", "::ffff:10.0.0.0/104", []string{"::ffff:10.1.0.0/112"}, "10.0.0.0/8", []string{"10.1.0.0/16"}},
		{"IPv4-mapped below 96 bits stays IPv6", "::ffff:0.0.0.0/80", nil, "::/80", nil},
		{"leading zeros read as decimal", "010.000.0.0/008", nil, "10.0.0.0/8", nil},
		{"IPv6 host bits and case", "2001:DB8::1/64", nil, "2001:db8::/64", nil},
		{"canonical kept", "10.0.0.0/8", nil, "10.0.0.0/8", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := decodeOK(t, ipBlockPolicy(tt.cidr, tt.except...))
			got := c.Policies[0].NetworkPolicy.Spec.Ingress[0].From[0].IPBlock
			want := &networkingv1.IPBlock{CIDR: tt.want, Except: tt.wantExcepts}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ipBlock (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCIDR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     string // "" when an error
		warnings int
	}{
		{"10.0.0.0/8", "10.0.0.0/8", 0},
		{"2001:db8::/32", "2001:db8::/32", 0},
		{"172.16.0.2/32", "172.16.0.2/32", 0},
		{"172.16.0.2/16", "172.16.0.0/16", 1},
		{"::ffff:172.16.0.2/128", "172.16.0.2/32", 1},
		{"2001:0db8::/32", "2001:db8::/32", 1},
		{"10.0.0.0/33", "", 0},
		{"10.0.0.0", "", 0},
		{"fe80::1%eth0/64", "", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, warnings, err := ParseCIDR(tt.in)
			switch {
			case tt.want == "" && err == nil:
				t.Fatalf("ParseCIDR(%q) = %v, want an error", tt.in, p)
			case tt.want != "" && err != nil:
				t.Fatalf("ParseCIDR(%q): %v", tt.in, err)
			case tt.want != "" && (p != netip.MustParsePrefix(tt.want) || len(warnings) != tt.warnings):
				t.Errorf("ParseCIDR(%q) = %v, %q; want %s with %d warnings", tt.in, p, warnings, tt.want, tt.warnings)
			}
		})
	}
}

// FuzzParseCIDR: never a panic; a parsed prefix is valid and masked; a
// canonical CIDR parses to itself without warnings.
func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "10.0.0.1/8", "::ffff:10.0.0.0/104", "010.0.0.0/08", "2001:DB8::1/64", "::/0", "1.2.3.4/32"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, warnings, err := ParseCIDR(s)
		if err != nil {
			return
		}
		if !p.IsValid() || p != p.Masked() {
			t.Fatalf("ParseCIDR(%q) = %v: not a masked prefix", s, p)
		}
		if q, err := netip.ParsePrefix(s); err == nil && q.String() == s && q == q.Masked() && !q.Addr().Is4In6() {
			if p != q || len(warnings) > 0 {
				t.Fatalf("ParseCIDR(%q) = %v, %q; want itself, no warnings", s, p, warnings)
			}
		}
	})
}

// TestCIDRsServed: a live cluster (objects as the API server serves them)
// holding a CIDR stored with a warning is read with that warning, and the
// policy evaluates the same prefix as from a manifest; --strict refuses it.
func TestCIDRsServed(t *testing.T) {
	t.Parallel()
	served := `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"ns"},` +
		`"spec":{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.1/8","except":["::ffff:10.1.0.0/112"]}}]}]}}`
	b := NewBuilder()
	b.DecodeServed("live:prod", []byte(served))
	c, diags, err := b.Finish()
	checkResult(t, c, diags, err)
	want := []string{
		`warning: live:prod: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.cidr: CIDR value "10.0.0.1/8" is ambiguous`,
		`warning: live:prod: NetworkPolicy ns/p: spec.ingress[0].from[0].ipBlock.except[0]: non-standard CIDR value "::ffff:10.1.0.0/112" is invalid: use "10.1.0.0/16"`,
		`notice: namespace used but not declared`,
	}
	checkPrefixes(t, diagStrings(diags), want)
	got := c.Policies[0].NetworkPolicy.Spec.Ingress[0].From[0].IPBlock
	if diff := cmp.Diff(&networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"10.1.0.0/16"}}, got); diff != "" {
		t.Errorf("ipBlock (-want +got):\n%s", diff)
	}
	strict := NewBuilder(WithStrict(true))
	strict.DecodeServed("live:prod", []byte(served))
	if _, _, err := strict.Finish(); err == nil {
		t.Error("WithStrict: no error for a CIDR with host bits")
	}
}
