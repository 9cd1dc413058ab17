package lab

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/test/hostile"
)

// TestQuoteComment: whatever the name, an nft comment is one quoted string
// of safe bytes (nft reads a quoted string up to the next quote, with no
// escapes) within nft's 128-byte limit.
func TestQuoteComment(t *testing.T) {
	t.Parallel()
	names, err := hostile.Names()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(names, `x" accept; chain evil { "`) {
		q := quote("ns/" + s + " is isolated")
		inner := q[1 : len(q)-1]
		if q[0] != '"' || q[len(q)-1] != '"' || strings.ContainsAny(inner, "\"\\\n\r;{}#") || len(q) > 128 {
			t.Errorf("quote(%q) = %q", s, q)
		}
	}
	if got, want := quote("shop/web is not isolated for ingress"), `"shop/web is not isolated for ingress"`; got != want {
		t.Errorf("quote = %s, want %s", got, want)
	}
}
