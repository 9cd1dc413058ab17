package kustomize

import (
	"context"
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Render builds the kustomization in dir and returns what
// `kubectl kustomize dir` prints. Errors name the kustomization file and,
// for references podreach will not follow (remote bases, URLs, Helm
// charts), the field.
func Render(ctx context.Context, dir string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkLocal(dir); err != nil {
		return nil, err
	}
	out, err := build(dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize %s: %w", dir, err)
	}
	return out, nil
}

// build runs kustomize as kubectl kustomize does with no flags:
// LoadRestrictionsRootOnly, builtin plugins only, Helm disabled, and the
// reorder flag unset (so a kustomization's sortOptions apply, else the
// legacy order). kustomize can panic on malformed input; that is an error
// here, never a crash.
func build(dir string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kustomize failed: %v", r)
		}
	}()
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionUnspecified
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	opts.PluginConfig = types.DisabledPluginConfig()
	m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	out, err = m.AsYaml()
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("renders no objects")
	}
	return out, nil
}
