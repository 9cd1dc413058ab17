package cli

import (
	"fmt"
	"runtime/pprof"
)

// profile is the hidden --cpuprofile flag: a pprof CPU profile of one run,
// for the measurements of docs/performance.md.
type profile struct {
	path string
	f    *outFile
}

func (p *profile) start() error {
	if p.path == "" {
		return nil
	}
	f, err := createOut(p.path)
	if err != nil {
		return inputError(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.abort()
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
	if err := p.f.commit(); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	return nil
}
