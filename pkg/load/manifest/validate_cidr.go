package manifest

import (
	"fmt"
	"net/netip"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// This file reads NetworkPolicy CIDRs as API servers store them and
// dataplanes enforce them (docs/validation.md#cidrs).
//
// API servers up to 1.35 validate ipBlock.cidr and except with
// IsValidCIDRForLegacyField without strict validation (the
// StrictIPCIDRValidation gate is beta, on by default, from 1.36 only, and
// even then a CIDR already in the object is kept on update): "The CIDR value
// is allowed to be either a "subnet"/"mask" (with the lower bits after the
// prefix length all being 0), or an "interface address" ... The IP part ...
// IPv4 IPs are allowed to have leading "0"s in octets ... IPv4-mapped IPv6
// IPs (e.g. "::ffff:1.2.3.4") are allowed." Such a CIDR is stored, and the
// API server returns the warnings of GetWarningsForCIDR
// (k8s.io/apimachinery/pkg/util/validation/ip.go). podreach accepts it with
// the same warning (an error with WithStrict) and evaluates the prefix Go's
// net.ParseCIDR gives, which Go-based dataplanes (kube-network-policies,
// Calico's policy conversion) use: host bits cleared, and an IPv4-mapped
// prefix of at least 96 bits read as the IPv4 prefix it maps (net.IPNet
// matches IPv4 addresses against it).

// ParseCIDR parses a CIDR as API servers accept it in a NetworkPolicy
// ipBlock, and returns the prefix dataplanes enforce and the warnings the
// API server gives for it (none for a canonical CIDR). The CLI reads
// --external with it, so that flags follow the rule manifests do.
func ParseCIDR(s string) (netip.Prefix, []string, error) {
	c, err := parseLegacyCIDR(s)
	return c.prefix, c.warnings, err
}

// legacyCIDR is a CIDR as written and as evaluated.
type legacyCIDR struct {
	prefix   netip.Prefix // what dataplanes enforce
	bits     int          // the prefix length as written (the API compares these)
	warnings []string     // the API server's, with what podreach evaluates
}

func parseLegacyCIDR(s string) (legacyCIDR, error) {
	if p, err := netip.ParsePrefix(s); err == nil && p == p.Masked() && !p.Addr().Is4In6() && p.String() == s {
		return legacyCIDR{prefix: p, bits: p.Bits()}, nil // canonical: the common case, without net.IPNet
	}
	_, ipnet, err := netutils.ParseCIDRSloppy(s)
	if err != nil {
		return legacyCIDR{}, fmt.Errorf("invalid CIDR %q: must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)", s)
	}
	addr, _ := netip.AddrFromSlice(ipnet.IP)
	bits, _ := ipnet.Mask.Size()
	c := legacyCIDR{prefix: netip.PrefixFrom(addr, bits), bits: bits}
	if addr.Is4In6() && bits >= 96 {
		c.prefix = netip.PrefixFrom(addr.Unmap(), bits-96)
	}
	p, perr := netip.ParsePrefix(s)
	if perr == nil && p.String() == s && p == c.prefix {
		return c, nil // canonical
	}
	const at = "cidr"
	for _, w := range validation.GetWarningsForCIDR(field.NewPath(at), s) {
		c.warnings = append(c.warnings, strings.TrimPrefix(w, at+": "))
	}
	switch {
	case len(c.warnings) == 0 || perr == nil && p == c.prefix:
		// only not in RFC 5952 form: the same prefix either way
	case perr != nil && !addr.Is4In6():
		c.warnings[len(c.warnings)-1] += fmt.Sprintf("; podreach evaluates it as %q, as the API server reads it, "+
			"but dataplanes built with Go 1.17 or later cannot parse it and may ignore the peer or the policy", c.prefix.String())
	default:
		c.warnings[len(c.warnings)-1] += fmt.Sprintf("; podreach evaluates it as %q, as dataplanes read it", c.prefix.String())
	}
	return c, nil
}

// cidr reads the CIDR at *s: an error when the API server rejects it; its
// warnings when it accepts it with some, and then *s becomes the prefix
// podreach evaluates, so that the policy engine reads a canonical CIDR.
func (o *object) cidr(path string, s *string) (legacyCIDR, bool) {
	c, err := parseLegacyCIDR(*s)
	if err != nil {
		o.errorf(path, "%v", err)
		return c, false
	}
	for _, w := range c.warnings {
		o.apiWarnf(path, "%s", w)
	}
	if len(c.warnings) > 0 {
		*s = c.prefix.String()
	}
	return c, true
}
