package kustomize

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/api/types"
)

// pathRefs lists every path a kustomization names, with its field.
// Resources, bases and components may be directories (other
// kustomizations), as may generators, transformers and validators;
// patches, CRDs, configurations, replacements, the OpenAPI schema and the
// generators' files are files.
func pathRefs(k *types.Kustomization) []ref {
	var out []ref
	var smp []string
	add := func(field string, dirOK bool, paths ...string) {
		for i, p := range paths {
			if p != "" {
				out = append(out, ref{field: fmt.Sprintf("%s[%d]", field, i), path: p, dirOK: dirOK})
			}
		}
	}
	add("resources", true, k.Resources...)
	//lint:ignore SA1019 deprecated fields are still read by kustomize, so still checked
	add("bases", true, k.Bases...)
	add("components", true, k.Components...)
	add("generators", true, k.Generators...)
	add("transformers", true, k.Transformers...)
	add("validators", true, k.Validators...)
	add("crds", false, k.Crds...)
	add("configurations", false, k.Configurations...)
	//lint:ignore SA1019 deprecated fields are still read by kustomize, so still checked
	for _, p := range k.PatchesStrategicMerge {
		smp = append(smp, string(p))
	}
	add("patchesStrategicMerge", false, smp...)
	for i, p := range k.Patches {
		out = appendRef(out, fmt.Sprintf("patches[%d].path", i), p.Path)
	}
	//lint:ignore SA1019 deprecated fields are still read by kustomize, so still checked
	for i, p := range k.PatchesJson6902 {
		out = appendRef(out, fmt.Sprintf("patchesJson6902[%d].path", i), p.Path)
	}
	for i, r := range k.Replacements {
		out = appendRef(out, fmt.Sprintf("replacements[%d].path", i), r.Path)
	}
	out = appendRef(out, "openapi.path", k.OpenAPI["path"])
	for i, g := range k.ConfigMapGenerator {
		out = append(out, generatorRefs(fmt.Sprintf("configMapGenerator[%d]", i), g.GeneratorArgs)...)
	}
	for i, g := range k.SecretGenerator {
		out = append(out, generatorRefs(fmt.Sprintf("secretGenerator[%d]", i), g.GeneratorArgs)...)
	}
	return out
}

// generatorRefs lists a generator's files ("[key=]path") and env files.
func generatorRefs(field string, g types.GeneratorArgs) []ref {
	var out []ref
	for i, f := range g.FileSources {
		if _, p, ok := strings.Cut(f, "="); ok {
			f = p
		}
		out = append(out, ref{field: fmt.Sprintf("%s.files[%d]", field, i), path: f})
	}
	for i, e := range g.EnvSources {
		out = append(out, ref{field: fmt.Sprintf("%s.envs[%d]", field, i), path: e})
	}
	return out
}

// appendRef appends a file reference, if path is set.
func appendRef(out []ref, field, path string) []ref {
	if path == "" {
		return out
	}
	return append(out, ref{field: field, path: path})
}
