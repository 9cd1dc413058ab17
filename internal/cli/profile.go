package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// profile is the hidden --cpuprofile flag: a pprof CPU profile of one run,
// for the measurements of docs/performance.md.
type profile struct {
	path string
	f    *os.File
}

func (p *profile) start() error {
	if p.path == "" {
		return nil
	}
	f, err := os.Create(p.path)
	if err != nil {
		return inputError(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return inputError(fmt.Errorf("--cpuprofile: %w", err))
	}
	p.f = f
	return nil
}

func (p *profile) stop() error {
	if p.f == nil {
		return nil
	}
	pprof.StopCPUProfile()
	return p.f.Close()
}
