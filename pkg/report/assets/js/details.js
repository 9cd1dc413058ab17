// The details panel of edges, nodes and check flows; focusing a flow.

const MAX_ROWS = 40;

function stateCell(st) {
  const t = { ok: '✔ allowed', blocked: '× blocked', warning: '‼ unproven' }[st];
  return h('td', { class: 'state ' + st }, t);
}

function pairRows(pairs) {
  const rows = pairs.slice(0, MAX_ROWS).map(({ fp }) => h('tr', { class: 'pair ' + fp.st },
    h('td', {}, nodeID(fp.s), ' → ', nodeID(fp.d), h('div', { class: 'muted mono' }, pairPort(fp))),
    stateCell(fp.st),
    h('td', {}, fp.pol && fp.pol.length ? ['blocked by ', fp.pol.map((pi, i) => [i ? ', ' : '', policyLink(pi)]),
      fp.side ? ' (' + fp.side + ' at ' + (fp.side === 'egress' ? nodeID(fp.s) : nodeID(fp.d)) + ')' : '',
      fp.why ? h('div', { class: 'muted' }, fp.why) : ''] : '')));
  if (pairs.length > MAX_ROWS) rows.push(h('tr', {}, h('td', { colspan: 3, class: 'muted' }, '… and ' + (pairs.length - MAX_ROWS) + ' more')));
  return h('table', { class: 'pairs' }, h('tbody', {}, rows));
}

function showEdgeDetails(edge) {
  const e = G.info.get(edge.id());
  if (!e) return;
  const route = h('p', {}, h('b', {}, endName(e.a)), ' → ', h('b', {}, endName(e.b)));
  if (e.kind === 'mesh') {
    const checks = e.checks.map(id => { const c = checkByID(id); return h('li', {}, c.symbol + ' ', h('a', { href: '#flow/' + id }, c.description)); });
    const pols = blockingPolicies(e);
    showDetails(h('h3', { class: 'state ' + e.st }, { ok: '✔ Mesh flow allowed', blocked: '× Mesh flow blocked', warning: '‼ Mesh flow not proven' }[e.st]),
      route, pols.length ? h('p', { class: 'blocking' }, 'Blocked by ', pols.map((pi, i) => [i ? ', ' : '', policyLink(pi)])) : '',
      h('ul', {}, checks), pairRows(e.pairs));
    return;
  }
  if (e.kind === 'allowed') {
    showDetails(h('h3', {}, 'Allowed connection'), route, h('p', {}, plural(e.pairs, 'pair', 'pairs') + ' allow something'), allowedRows(e));
    return;
  }
  const rows = e.changes.slice(0, MAX_ROWS).map(c => h('tr', {}, h('td', {}, c.from + ' → ' + c.to),
    h('td', { class: 'mono' }, e.kind === 'gained' ? '+ ' + setLabel(c.gained) : '− ' + setLabel(c.lost))));
  showDetails(h('h3', {}, e.kind === 'gained' ? '+ Gained connection' : '− Lost connection'), route, h('table', {}, h('tbody', {}, rows)));
}

// members lists the nodes a graph node stands for.
function members(id) {
  if (id.startsWith('w')) return [+id.slice(1)];
  if (id.startsWith('ns')) { const k = +id.slice(2); return PR.data.nodes.map((n, i) => n.n === k ? i : -1).filter(i => i >= 0); }
  return [];
}

function allowedRows(e) {
  const rows = [];
  const to = members(e.b);
  for (const i of members(e.a)) {
    const r = row(i);
    for (const j of to) {
      if (i !== j && r[j] && setMatches(r[j], G.port) && rows.length <= MAX_ROWS) {
        rows.push(h('tr', {}, h('td', {}, nodeID(i) + ' → ' + nodeID(j)), h('td', { class: 'mono' }, setLabel(r[j]))));
      }
    }
  }
  return h('table', {}, h('tbody', {}, rows.slice(0, MAX_ROWS)));
}

function showNodeDetails(n) {
  const k = n.data('ns'), i = n.data('node');
  if (k !== undefined) {
    const ws = members('ns' + k);
    const btn = h('button', { type: 'button' }, G.expanded.has(k) ? 'Collapse' : 'Expand');
    btn.addEventListener('click', () => toggleNS(k));
    showDetails(h('h3', {}, 'Namespace ' + nsName(k)), h('p', {}, plural(ws.length, 'workload', 'workloads'),
      PR.data.namespaces[k].meshed ? ', ' + PR.data.namespaces[k].meshed + ' meshed' : '', ' ', btn),
      h('div', { class: 'chips' }, ws.slice(0, 80).map(workloadChip)), nodePolicies(ws));
    return;
  }
  if (i === undefined) return;
  const nd = node(i), flows = [];
  for (const c of PR.data.checks || []) {
    const mine = (c.pairs || []).filter(fp => fp.s === i || fp.d === i);
    if (!mine.length) continue;
    const blocked = mine.filter(fp => fp.st !== 'ok').length;
    flows.push(h('li', {}, c.symbol + ' ', h('a', { href: '#flow/' + c.id }, c.description), blocked ? h('span', { class: 'state blocked' }, ' ' + blocked + ' not allowed') : ''));
  }
  const out = row(i).reduce((s, v) => s + (v ? 1 : 0), 0);
  let inbound = 0;
  for (let j = 0; j < PR.data.nodes.length; j++) if (row(j)[i]) inbound++;
  showDetails(h('h3', {}, nodeID(i)),
    h('p', {}, nd.k, nd.m ? ' · meshed' : '', nd.h ? ' · host network' : '', nd.cidr ? ' · ' + nd.cidr : ''),
    h('p', {}, 'may open connections to ' + plural(out, 'node', 'nodes') + '; reachable from ' + plural(inbound, 'node', 'nodes') + '.'),
    flows.length ? [h('h3', {}, 'Mesh flows'), h('ul', {}, flows)] : '', nodePolicies([i]));
}

function workloadChip(i) { return h('span', { class: 'wchip' + (node(i).m ? ' meshed' : '') }, node(i).name); }

function nodePolicies(ids) {
  const set = new Set(ids), pols = [];
  PR.data.policies.forEach((p, pi) => { if (p.selects[0].some(x => set.has(x)) || p.selects[1].some(x => set.has(x))) pols.push(pi); });
  if (!pols.length) return h('p', { class: 'muted' }, 'No NetworkPolicy selects ' + (ids.length === 1 ? 'it' : 'them') + ': not isolated.');
  return [h('h3', {}, 'Selected by'), h('div', { class: 'chips' }, pols.map(policyLink))];
}

function showCheckDetails(c) {
  const pairs = (c.pairs || []).map(fp => ({ check: c, fp }));
  pairs.sort((x, y) => (x.fp.st === 'ok') - (y.fp.st === 'ok'));
  showDetails(h('h3', { class: 'state ' + ({ error: 'blocked', warning: 'warning', success: 'ok' }[c.status] || 'blocked') }, c.symbol + ' ' + c.description),
    h('p', { class: 'muted' }, c.category), (c.details || []).length ? h('ul', {}, c.details.map(t => h('li', {}, t))) : '',
    (c.policies || []).length ? h('p', { class: 'blocking' }, 'Blocked by ', c.policies.map((pi, i) => [i ? ', ' : '', policyLink(pi)])) : '',
    pairRows(pairs));
}

// focusFlow highlights one check's connections and fades the rest.
async function focusFlow(id) {
  const c = checkByID(id);
  if (!c) return;
  G.focus = id;
  markActiveCheck(id);
  let shown = false;
  for (const fp of c.pairs || []) {
    for (const i of [fp.s, fp.d]) if (G.hidden.delete(node(i).n)) shown = true;
  }
  if (shown) { renderNSList(); await rebuild(); } else applyClasses();
  const es = PR.cy.edges('.focus');
  if (es.length) PR.cy.fit(es.union(es.connectedNodes()), 60);
  showCheckDetails(c);
}

// revealSearch expands the namespaces holding search hits (up to 8) and
// centres the first hit.
async function revealSearch() {
  const q = G.search.trim().toLowerCase();
  if (!q) return;
  const hits = PR.data.nodes.map((_, i) => i).filter(i => nodeID(i).toLowerCase().includes(q));
  const nss = [...new Set(hits.map(i => node(i).n))].filter(k => !isExternalNS(k) && !G.expanded.has(k));
  if (nss.length && nss.length <= 8) { nss.forEach(k => { G.expanded.add(k); G.hidden.delete(k); }); renderNSList(); await rebuild(); }
  const first = hits.length && PR.cy.getElementById(rep(hits[0]));
  if (first && first.length) { PR.cy.center(first); first.select(); showNodeDetails(first); }
}
