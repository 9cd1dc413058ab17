package model

import (
	"fmt"
	"strings"
)

// Protocol is an L4 protocol a NetworkPolicy port can name.
// The zero value is ProtocolUnknown, which never matches anything.
type Protocol uint8

// The protocols NetworkPolicy v1 supports.
const (
	ProtocolUnknown Protocol = iota
	TCP
	UDP
	SCTP
)

// Protocols lists the known protocols in output order.
var Protocols = [...]Protocol{TCP, UDP, SCTP}

func (p Protocol) String() string {
	switch p {
	case TCP:
		return "TCP"
	case UDP:
		return "UDP"
	case SCTP:
		return "SCTP"
	}
	return "Unknown"
}

// ParseProtocol parses a protocol name as the Kubernetes API spells it
// (case-insensitive for user convenience). The empty string is an error: API
// defaulting to TCP is the loader's job.
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToUpper(s) {
	case "TCP":
		return TCP, nil
	case "UDP":
		return UDP, nil
	case "SCTP":
		return SCTP, nil
	}
	return ProtocolUnknown, fmt.Errorf("unknown protocol %q (want TCP, UDP or SCTP)", s)
}

// MustParseProtocol is ParseProtocol for tests; it panics on error.
func MustParseProtocol(s string) Protocol {
	p, err := ParseProtocol(s)
	if err != nil {
		panic(err)
	}
	return p
}
