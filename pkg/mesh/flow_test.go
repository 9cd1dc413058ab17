package mesh

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

func TestEnums(t *testing.T) {
	t.Parallel()
	for _, k := range []PeerKind{PeerMeshedPods, PeerPods, PeerAPIServer, PeerExternal, PeerAny} {
		if got := ParsePeerKind(k.String()); got != k {
			t.Errorf("ParsePeerKind(%q) = %v", k, got)
		}
	}
	for _, tr := range []Transport{TransportDirect, TransportMesh} {
		if got := ParseTransport(tr.String()); got != tr {
			t.Errorf("ParseTransport(%q) = %v", tr, got)
		}
	}
	for _, s := range []Severity{SeverityWarning, SeverityError} {
		if got := ParseSeverity(s.String()); got != s {
			t.Errorf("ParseSeverity(%q) = %v", s, got)
		}
	}
	unknown := []struct{ got, want string }{
		{PeerUnknown.String(), "unknown"}, {PeerKind(99).String(), "unknown"},
		{TransportUnknown.String(), "unknown"}, {Transport(99).String(), "unknown"},
		{SeverityUnknown.String(), "unknown"}, {Severity(99).String(), "unknown"},
		{ParsePeerKind("unknown").String(), "unknown"}, {ParsePeerKind("node").String(), "unknown"},
		{ParseTransport("").String(), "unknown"}, {ParseSeverity("fatal").String(), "unknown"},
	}
	for _, u := range unknown {
		if u.got != u.want {
			t.Errorf("got %q, want %q", u.got, u.want)
		}
	}
	if got := (Port{Port: 53, Protocol: model.UDP}).String(); got != "53/UDP" {
		t.Errorf("Port.String() = %q", got)
	}
}
