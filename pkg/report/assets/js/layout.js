// Layouts: cose for small graphs with namespace groups; rings by mesh-flow
// degree (the control plane in the middle) for namespace-level and large ones.

function runLayout() {
  const cy = PR.cy;
  if (!cy.nodes().length) return Promise.resolve();
  // Allowed edges would pull everything into one lump: the layout follows
  // the namespaces and the workload-level mesh flows (G.layoutEdges, added
  // for the layout only).
  const lay = cy.add(G.layoutEdges || []);
  const layout = cy.nodes(':parent').length === 0 ? ringLayout(cy) : cy.nodes().length > MAX_COSE ? ringGridLayout(cy) : cy.elements().not('edge.allowed, edge.mesh, edge.diff').layout({
    name: 'cose', animate: false, randomize: true, fit: true, padding: 40,
    nodeDimensionsIncludeLabels: true, componentSpacing: 90, nodeOverlap: 12,
    nodeRepulsion: () => 12000, idealEdgeLength: () => 90, edgeElasticity: () => 60,
    nestingFactor: 1.2, gravity: 0.5, numIter: 1500, coolingFactor: 0.97,
  });
  const done = layout.promiseOn('layoutstop');
  seeded(() => layout.run());
  return done.then(() => { cy.remove(lay); cy.fit(cy.nodes(), 40); });
}

// ringLayout lays out a graph without groups (namespaces collapsed) in
// rings: the most connected by mesh flows (the control plane) in the
// middle, meshed namespaces around it, the rest outside.
function ringLayout(cy) {
  const deg = n => n.connectedEdges('.lay').length;
  const top = Math.max(1, ...cy.nodes().map(deg));
  return cy.nodes().layout({ name: 'concentric', animate: false, fit: true, padding: 40, concentric: deg,
    levelWidth: () => Math.max(1, top / 4), minNodeSpacing: 28, nodeDimensionsIncludeLabels: true });
}

// ringGridLayout is ringLayout for graphs with expanded namespaces too big
// for cose (which is quadratic): the workloads of an expanded namespace sit
// in a grid inside its box, and the boxes take their place in the rings.
function ringGridLayout(cy) {
  const deg = n => n.connectedEdges('.lay').length + n.children().reduce((s, c) => s + c.connectedEdges('.lay').length, 0);
  const items = cy.nodes().orphans().map(n => {
    const kids = n.children().sort((x, y) => String(x.data('label')).localeCompare(String(y.data('label'))));
    const cols = Math.max(1, Math.ceil(Math.sqrt(kids.length * 1.6)));
    const w = kids.length ? cols * 140 : 150, h = kids.length ? Math.ceil(kids.length / cols) * 70 + 40 : 70;
    return { n, kids, cols, w, h, deg: deg(n) };
  }).sort((x, y) => y.deg - x.deg || x.n.id().localeCompare(y.n.id()));
  const top = Math.max(1, items[0].deg), width = Math.max(1, top / 4), levels = [];
  for (const it of items) {
    const l = Math.floor((top - Math.min(it.deg, top)) / width);
    (levels[l] = levels[l] || []).push(it);
  }
  const pos = {};
  let radius = 0, prev = 0;
  for (const ring of levels.filter(Boolean)) {
    const size = Math.max(...ring.map(it => Math.max(it.w, it.h)));
    const circ = ring.reduce((s, it) => s + Math.max(it.w, it.h) + 30, 0);
    radius = ring.length === 1 && radius === 0 ? 0 : Math.max(radius + prev / 2 + size / 2 + 40, circ / (2 * Math.PI));
    ring.forEach((it, k) => {
      const t = 2 * Math.PI * k / ring.length, x = radius * Math.cos(t), y = radius * Math.sin(t);
      if (!it.kids.length) pos[it.n.id()] = { x, y };
      it.kids.forEach((c, m) => { pos[c.id()] = { x: x - it.w / 2 + 70 + (m % it.cols) * 140, y: y - it.h / 2 + 55 + Math.floor(m / it.cols) * 70 }; });
    });
    prev = size;
  }
  return cy.nodes().layout({ name: 'preset', positions: n => pos[n.id()] || { x: 0, y: 0 }, fit: true, padding: 40, animate: false });
}
