package linkerd

// TransportMode is the destination controller's outbound transport mode
// (Helm proxy.outboundTransportMode, linkerd.md §4 item 1).
type TransportMode uint8

// Transport modes.
const (
	TransportModeUnknown TransportMode = iota
	// TransportHeader: from 2.18 (edge-25.3.2) every meshed connection goes
	// to the server's 4143 with a transport header (the default).
	TransportHeader
	// Transparent: the pre-2.18 behaviour (only opaque ports use 4143).
	Transparent
)

func (m TransportMode) String() string {
	switch m {
	case TransportHeader:
		return "transport-header"
	case Transparent:
		return "transparent"
	}
	return "unknown"
}

// ParseTransportMode parses "transport-header" or "transparent".
func ParseTransportMode(s string) TransportMode {
	switch s {
	case "transport-header":
		return TransportHeader
	case "transparent":
		return Transparent
	}
	return TransportModeUnknown
}

// SourceKind says where Detect found the Linkerd version.
type SourceKind uint8

// Version sources, most trusted first.
const (
	SourceUnknown    SourceKind = iota
	SourceOverride              // given by the user (--linkerd-version) or to New
	SourceConfig                // the linkerd-config ConfigMap
	SourceAnnotation            // linkerd.io/created-by or linkerd.io/proxy-version on a control-plane pod template
	SourceImage                 // the tag of a Linkerd image
	SourceDefault               // none of the above: DefaultVersion
)

func (k SourceKind) String() string {
	switch k {
	case SourceOverride:
		return "override"
	case SourceConfig:
		return "linkerd-config"
	case SourceAnnotation:
		return "annotation"
	case SourceImage:
		return "image"
	case SourceDefault:
		return "podreach's default"
	}
	return "unknown"
}

// VersionSource says how the version was found.
type VersionSource struct {
	Kind  SourceKind
	Where string // "ConfigMap linkerd/linkerd-config data.values linkerdVersion"
}

func (s VersionSource) String() string {
	if s.Where == "" {
		return s.Kind.String()
	}
	return s.Kind.String() + " (" + s.Where + ")"
}
