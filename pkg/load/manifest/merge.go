package manifest

import "go.yaml.in/yaml/v3"

type entry struct {
	key   string
	value *yaml.Node
}

// entries lists a mapping's keys and values, with YAML merge keys (<<)
// expanded as goyaml v2 does: explicit keys win over merged ones, earlier
// merge sources over later ones.
func (c *converter) entries(n *yaml.Node, path string, depth int) []entry {
	out := make([]entry, 0, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key, ok := c.key(k, path)
		if !ok {
			return nil
		}
		out = append(out, entry{key, v})
	}
	if len(merges) == 0 {
		return out
	}
	seen := make(map[string]bool, len(out))
	for _, e := range out {
		seen[e.key] = true
	}
	for _, m := range merges {
		for _, src := range c.mergeSources(m) {
			out = c.merge(out, seen, src, path, depth)
		}
	}
	return out
}

// merge appends the entries of src whose keys are not yet seen.
func (c *converter) merge(out []entry, seen map[string]bool, src *yaml.Node, path string, depth int) []entry {
	if c.steps++; depth > maxDepth || c.steps > c.limit {
		c.fail(src, "", "merge keys (<<) nest too deeply or expand too much")
		c.err.tooBig = true
	}
	if c.active[src] || c.isOpen(src) {
		c.fail(src, path, "a merge key (<<) names a mapping that contains it (a cycle)")
	}
	if c.err != nil {
		return out
	}
	if c.active == nil {
		c.active = make(map[*yaml.Node]bool)
	}
	c.active[src] = true
	defer delete(c.active, src)
	for _, e := range c.entries(src, path, depth+1) {
		c.steps++
		if !seen[e.key] {
			seen[e.key] = true
			out = append(out, e)
		}
	}
	return out
}

// mergeSources returns the mappings a merge key's value names: one mapping or
// a sequence of them, possibly through aliases.
func (c *converter) mergeSources(v *yaml.Node) []*yaml.Node {
	v = resolveAlias(v)
	switch v.Kind {
	case yaml.MappingNode:
		return []*yaml.Node{v}
	case yaml.SequenceNode:
		out := make([]*yaml.Node, 0, len(v.Content))
		for _, item := range v.Content {
			if item = resolveAlias(item); item.Kind != yaml.MappingNode {
				c.fail(item, "", "a merge key (<<) must name mappings")
				return nil
			}
			out = append(out, item)
		}
		return out
	}
	c.fail(v, "", "a merge key (<<) must name mappings")
	return nil
}
