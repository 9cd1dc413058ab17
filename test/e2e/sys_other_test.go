//go:build !linux

package e2e

import "syscall"

func deathSignal() *syscall.SysProcAttr { return nil }
