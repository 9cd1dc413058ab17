package e2e

import "syscall"

// deathSignal kills the servers when the test binary dies.
func deathSignal() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
