// Graph style, toolbar, events and the details panel.

function graphStyle() {
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  return [
    { selector: 'node', style: { 'label': 'data(label)', 'font-family': font, 'font-size': 11, 'color': '#101828',
      'text-wrap': 'wrap', 'text-max-width': 140, 'text-valign': 'bottom', 'text-margin-y': 4,
      'width': 20, 'height': 20, 'background-color': '#98a2b3', 'border-width': 1.5, 'border-color': '#fff' } },
    { selector: 'node.wl.meshed', style: { 'shape': 'round-hexagon', 'width': 24, 'height': 24, 'background-color': '#2f6fed', 'border-color': '#b2ccff', 'border-width': 3 } },
    { selector: 'node.host', style: { 'shape': 'round-rectangle' } },
    { selector: 'node.ext', style: { 'shape': 'round-diamond', 'width': 26, 'height': 26, 'background-color': '#f79009', 'font-size': 10, 'color': '#7a2e0e' } },
    { selector: 'node.ghost', style: { 'background-opacity': 0, 'border-style': 'dashed', 'border-color': '#c026d3', 'border-width': 2, 'color': '#86198f' } },
    { selector: 'node.ns.open', style: { 'shape': 'round-rectangle', 'background-color': '#eef2ff', 'background-opacity': 0.55,
      'border-color': '#a4bcfd', 'border-width': 1.5, 'text-valign': 'top', 'text-margin-y': -4, 'font-size': 12, 'font-weight': 'bold',
      'color': '#3538cd', 'padding': 22 } },
    { selector: 'node.ns.collapsed', style: { 'shape': 'round-rectangle', 'width': 118, 'height': 44, 'background-color': '#eef2ff',
      'border-color': '#8098f9', 'border-width': 2, 'text-valign': 'center', 'text-margin-y': 0, 'font-size': 11, 'color': '#2d31a6', 'text-max-width': 112 } },
    { selector: 'node.ns.collapsed.has-meshed', style: { 'border-color': '#2f6fed', 'border-width': 3 } },
    { selector: 'edge', style: { 'curve-style': 'bezier', 'width': 1, 'line-color': '#c4cad4', 'target-arrow-color': '#c4cad4',
      'target-arrow-shape': 'triangle', 'arrow-scale': 0.7, 'opacity': 0.75, 'label': 'data(label)', 'font-family': font,
      'font-size': 9, 'text-opacity': 0, 'text-outline-color': '#fbfcfe', 'text-outline-width': 2, 'color': '#475467' } },
        { selector: 'edge.mesh, edge.diff', style: { 'z-compound-depth': 'top' } },
    { selector: 'edge.mesh', style: { 'width': 3, 'opacity': 1, 'font-size': 10, 'font-weight': 'bold', 'arrow-scale': 1.1, 'z-index': 10 } },
    { selector: 'edge.mesh.ok', style: { 'line-color': '#12a150', 'target-arrow-color': '#12a150', 'color': '#067647' } },
    { selector: 'edge.mesh.blocked', style: { 'line-color': '#d92d20', 'target-arrow-color': '#d92d20', 'color': '#b42318',
      'line-style': 'dashed', 'line-dash-pattern': [8, 4], 'target-arrow-shape': 'tee', 'width': 4, 'z-index': 12 } },
    { selector: 'edge.mesh.warning', style: { 'line-color': '#dc6803', 'target-arrow-color': '#dc6803', 'color': '#b54708', 'line-style': 'dotted' } },
    { selector: 'edge.diff', style: { 'width': 2.5, 'opacity': 1, 'text-opacity': 1, 'z-index': 9 } },
    { selector: 'edge.diff.gained', style: { 'line-color': '#0284c7', 'target-arrow-color': '#0284c7', 'color': '#075985' } },
    { selector: 'edge.diff.lost', style: { 'line-color': '#c026d3', 'target-arrow-color': '#c026d3', 'color': '#86198f', 'line-style': 'dashed' } },
    { selector: 'edge.labelled, edge.hover, edge.focus', style: { 'text-opacity': 1 } },
    { selector: 'edge:loop', style: { 'loop-direction': '-45deg', 'loop-sweep': '-60deg', 'control-point-step-size': 46 } },
    { selector: 'node.match', style: { 'border-color': '#f79009', 'border-width': 4 } },
    { selector: 'edge.focus', style: { 'width': 6, 'z-index': 20 } },
    { selector: '.faded', style: { 'opacity': 0.12, 'text-opacity': 0 } },
    { selector: 'node.ns.open.faded', style: { 'opacity': 0.35, 'text-opacity': 0.6 } },
    { selector: 'node:selected', style: { 'overlay-color': '#2f6fed', 'overlay-opacity': 0.15, 'overlay-padding': 6 } },
    { selector: 'edge:selected', style: { 'overlay-color': '#2f6fed', 'overlay-opacity': 0.12, 'overlay-padding': 4 } },
  ];
}

function bindToolbar() {
  $('search').addEventListener('input', e => { G.search = e.target.value; applyClasses(); });
  $('search').addEventListener('keydown', e => { if (e.key === 'Enter') revealSearch(); });
  $('port').addEventListener('input', e => {
    const f = parsePort(e.target.value);
    e.target.setAttribute('aria-invalid', f === undefined ? 'true' : 'false');
    if (f === undefined) return;
    G.port = f;
    rebuildEdges();
  });
  $('only-blocked').addEventListener('change', e => { G.onlyBlocked = e.target.checked; rebuildEdges(); });
  $('show-allowed').addEventListener('change', e => { G.showAllowed = e.target.checked; rebuildEdges(); });
  $('show-diff').addEventListener('change', e => { G.showDiff = e.target.checked; rebuild(); });
  $('fit').addEventListener('click', () => PR.cy.fit(PR.cy.nodes(), 40));
  $('ns-all').addEventListener('click', () => { G.hidden.clear(); renderNSList(); rebuild(); });
  $('ns-none').addEventListener('click', () => { PR.data.namespaces.forEach((_, k) => G.hidden.add(k)); renderNSList(); rebuild(); });
  $('expand-all').addEventListener('click', () => { PR.data.namespaces.forEach((ns, k) => ns.name && G.expanded.add(k)); renderNSList(); rebuild(); });
  $('collapse-all').addEventListener('click', () => { G.expanded.clear(); renderNSList(); rebuild(); });
  if (!PR.data.checks) $('only-blocked').disabled = true;
  if (PR.data.diff) $('show-diff-label').hidden = false;
}

function renderNSList() {
  const list = $('ns-list');
  fill(list, ...PR.data.namespaces.map((ns, k) => {
    const box = h('input', { type: 'checkbox', 'data-ns': ns.name, checked: !G.hidden.has(k), 'aria-label': 'show ' + nsName(k) });
    box.addEventListener('change', () => { box.checked ? G.hidden.delete(k) : G.hidden.add(k); rebuild(); });
    const open = ns.name && h('button', { type: 'button', title: 'expand or collapse' }, G.expanded.has(k) ? '−' : '+');
    if (open) open.addEventListener('click', () => toggleNS(k));
    return h('div', { class: 'ns-row' }, box, h('span', {}, nsName(k)), h('span', { class: 'n' }, ns.workloads + (ns.meshed ? ' · ' + ns.meshed + '◆' : '')), open);
  }));
}

function toggleNS(k) {
  G.expanded.has(k) ? G.expanded.delete(k) : G.expanded.add(k);
  renderNSList();
  return rebuild();
}

function renderLegend() {
  const items = [[h('span', { class: 'dot meshed' }), 'meshed workload'], [h('span', { class: 'dot' }), 'workload'],
    [h('span', { class: 'swatch allowed' }), 'allowed connection']];
  if (PR.data.checks) {
    items.push([h('span', { class: 'swatch ok' }), '✔ mesh flow allowed'], [h('span', { class: 'swatch blocked' }), '× mesh flow blocked'],
      [h('span', { class: 'swatch warning' }), '‼ mesh flow unproven']);
  }
  if (PR.data.diff) items.push([h('span', { class: 'swatch gained' }), '+ gained'], [h('span', { class: 'swatch lost' }), '− lost']);
  fill($('legend'), ...items.map(([sw, t]) => h('span', {}, sw, t)));
}

function bindGraphEvents() {
  const cy = PR.cy, tip = $('tooltip');
  cy.on('tap', 'edge', e => showEdgeDetails(e.target));
  cy.on('tap', 'node', e => showNodeDetails(e.target));
  cy.on('dbltap', 'node.ns', e => toggleNS(e.target.data('ns')));
  cy.on('tap', e => { if (e.target === cy) { hideDetails(); if (G.focus) { G.focus = null; markActiveCheck(null); applyClasses(); } } });
  cy.on('mouseover', 'edge', e => {
    e.target.addClass('hover');
    tip.textContent = edgeSummary(e.target);
    const p = e.renderedPosition || e.target.renderedMidpoint(), g = $('graph');
    tip.hidden = false;
    tip.style.left = Math.max(4, Math.min(p.x + 14, g.clientWidth - tip.offsetWidth - 8)) + 'px';
    tip.style.top = (g.offsetTop + p.y + 18) + 'px';
  });
  cy.on('mouseout', 'edge', e => { e.target.removeClass('hover'); tip.hidden = true; });
}

function endName(id) {
  if (id.startsWith('ns')) return nsName(+id.slice(2)) + ' (namespace)';
  if (id.startsWith('g:')) return id.slice(2);
  return nodeID(+id.slice(1));
}

// edgeSummary is the hover text: for a blocked flow, the blocking policies.
function edgeSummary(edge) {
  const e = G.info.get(edge.id());
  if (!e) return '';
  const route = endName(e.a) + ' → ' + endName(e.b);
  if (e.kind === 'mesh') {
    const pols = blockingPolicies(e);
    const head = { ok: '✔ required by the mesh, allowed', blocked: '× required by the mesh, blocked', warning: '‼ required by the mesh, not proven' }[e.st];
    return head + ': ' + route + ' ' + e.ports.join(', ') + (pols.length ? ' — blocked by ' + pols.map(policyID).join(', ') : '');
  }
  if (e.kind === 'allowed') return 'allowed: ' + route + ' — ' + edge.data('label');
  return (e.kind === 'gained' ? 'gained: ' : 'lost: ') + route + ' — ' + edge.data('label');
}

function blockingPolicies(e) {
  const out = [];
  for (const { fp } of e.pairs) for (const pi of fp.pol || []) if (!out.includes(pi)) out.push(pi);
  return out;
}

function showDetails(...content) {
  const el = $('details');
  fill(el, h('button', { class: 'close', type: 'button', 'aria-label': 'Close' }, '×'), ...content);
  el.querySelector('.close').addEventListener('click', hideDetails);
  el.hidden = false;
}

function hideDetails() { $('details').hidden = true; }
