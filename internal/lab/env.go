package lab

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// EnvError says what this machine lacks to run the lab. Callers branch on
// it: the CLI exits 2, tests skip or (in CI) fail.
type EnvError struct {
	Missing string // what is missing, e.g. "root"
	Fix     string // how to get it
	Detail  string // the underlying error, when there is one
}

func (e *EnvError) Error() string {
	s := "cannot run the lab: " + e.Missing
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Fix != "" {
		s += " (" + e.Fix + ")"
	}
	return s
}

// CheckEnv reports the first thing missing for the lab that can be found
// without creating anything: root, the ip command, the nft command, network
// namespaces. nf_tables support in the kernel is checked when the lab's
// first namespace exists (Run returns an *EnvError for it too).
func CheckEnv() error {
	if os.Geteuid() != 0 {
		return &EnvError{Missing: "not running as root", Fix: "the lab creates network namespaces and nftables rules: run it as root, e.g. with sudo"}
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return &EnvError{Missing: "no ip command", Fix: "install iproute2, e.g. apt-get install iproute2"}
	}
	if _, err := exec.LookPath("nft"); err != nil {
		return &EnvError{Missing: "no nft command", Fix: "install nftables, e.g. apt-get install nftables"}
	}
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		return &EnvError{Missing: "the kernel has no network namespaces", Fix: "a kernel with CONFIG_NET_NS is needed", Detail: err.Error()}
	}
	return nil
}

// nftProbe is loaded into the lab's bridge namespace first: it fails on a
// kernel without nf_tables, the inet family, conntrack or reject.
const nftProbe = `table inet prlab_probe {
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related accept
		meta l4proto tcp th dport 9 reject with icmpx type admin-prohibited
	}
}
delete table inet prlab_probe
`

// nftEnvError turns a failure to load nftProbe into an EnvError.
func nftEnvError(err error) error {
	msg := err.Error()
	for _, s := range []string{"Operation not supported", "Protocol not supported", "No such file or directory", "Could not process rule"} {
		if strings.Contains(msg, s) {
			return &EnvError{Missing: "the kernel has no usable nf_tables", Detail: msg,
				Fix: "the lab needs CONFIG_NF_TABLES, NF_TABLES_INET, NFT_CT and NFT_REJECT (built in or as modules)"}
		}
	}
	return err
}

// sctpSupported reports whether the kernel can open SCTP sockets.
func sctpSupported() bool {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_SCTP)
	if err != nil {
		return false // EPROTONOSUPPORT: no IP_SCTP in this kernel
	}
	syscall.Close(fd)
	return true
}

// noSCTP is the note on SCTP probes when the kernel has no SCTP.
const noSCTP = "not probed: kernel has no SCTP"
