// The graph: namespaces as groups (one node each while collapsed),
// workloads as nodes, allowed connections as thin grey edges, the flows the
// mesh requires as thick edges (green allowed, red blocked, amber
// questionable), and gained/lost connections with a diff.

const MAX_ALLOWED_EDGES = 600; // above this, allowed edges between collapsed namespaces are left out
const LABELLED_ALLOWED = 12;   // up to this many, allowed edges show their ports without hovering
const MAX_COSE = 150;         // above this many nodes, groups are laid out in rings (cose is quadratic)
const LABELLED_MESH = 12;      // up to this many, allowed mesh flows show their ports without hovering (blocked ones always do)

const G = {
  expanded: new Set(), hidden: new Set(),
  search: '', port: null, onlyBlocked: false, showAllowed: true, showDiff: true,
  focus: null, info: new Map(),
};
PR.graph = G;

function initGraph() {
  const d = PR.data;
  d.namespaces.forEach((ns, k) => { if (d.expandAll && ns.name) G.expanded.add(k); });
  PR.cy = cytoscape({ container: $('graph'), style: graphStyle(), minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false });
  bindGraphEvents();
  bindToolbar();
  renderNSList();
  renderLegend();
  return rebuild();
}

// rep is the graph node standing for node i: itself, its collapsed
// namespace, or null when its namespace is hidden.
function rep(i) {
  const k = node(i).n;
  if (G.hidden.has(k)) return null;
  return isExternalNS(k) || G.expanded.has(k) ? 'w' + i : 'ns' + k;
}

// ghostRep places a node that exists only in the before state of a diff.
function ghostRep(id) {
  const k = PR.data.namespaces.findIndex(ns => ns.name && id.startsWith(ns.name + '/'));
  if (k >= 0 && G.hidden.has(k)) return null;
  if (k >= 0 && !G.expanded.has(k)) return 'ns' + k;
  return 'g:' + id;
}

function nodeElements() {
  const d = PR.data, els = [];
  d.namespaces.forEach((ns, k) => {
    if (!ns.name || G.hidden.has(k)) return;
    const open = G.expanded.has(k);
    const label = open ? ns.name : ns.name + '\n' + plural(ns.workloads, 'workload', 'workloads') + (ns.meshed ? ' · ' + ns.meshed + ' meshed' : '');
    els.push({ group: 'nodes', data: { id: 'ns' + k, label, ns: k }, classes: 'ns ' + (open ? 'open' : 'collapsed') + (ns.meshed ? ' has-meshed' : '') });
  });
  d.nodes.forEach((n, i) => {
    if (G.hidden.has(n.n)) return;
    if (isExternalNS(n.n)) {
      els.push({ group: 'nodes', data: { id: 'w' + i, label: n.name + '\n' + n.cidr, node: i }, classes: 'ext' });
    } else if (G.expanded.has(n.n)) {
      els.push({ group: 'nodes', data: { id: 'w' + i, parent: 'ns' + n.n, label: n.name, node: i }, classes: 'wl' + (n.m ? ' meshed' : '') + (n.h ? ' host' : '') });
    }
  });
  if (d.diff && G.showDiff) {
    const ghosts = new Set();
    for (const c of d.diff.changes) {
      if (c.s < 0) ghosts.add(c.from);
      if (c.d < 0) ghosts.add(c.to);
    }
    for (const id of ghosts) {
      const r = ghostRep(id);
      if (!r || !r.startsWith('g:')) continue;
      const k = d.namespaces.findIndex(ns => ns.name && id.startsWith(ns.name + '/'));
      els.push({ group: 'nodes', data: { id: r, parent: k >= 0 ? 'ns' + k : undefined, label: id.slice(id.indexOf('/') + 1) + '\n(before only)' }, classes: 'ghost' });
    }
  }
  return els;
}

function edgeElements() {
  G.info = new Map();
  G.layoutEdges = [];
  const notes = [], edges = [];
  if (G.showAllowed && !G.onlyBlocked) edges.push(...allowedEdges(notes));
  edges.push(...meshEdges());
  if (PR.data.diff && G.showDiff && !G.onlyBlocked) edges.push(...diffEdges());
  return { edges, notes };
}

function addInfo(prefix, e) {
  const id = prefix + G.info.size;
  G.info.set(id, e);
  return id;
}

function allowedEdges(notes) {
  const d = PR.data, n = d.nodes.length;
  // Aggregate by graph node with integer keys: at 10k pods this loop sees
  // ~10M cells, so no strings are built per cell.
  const ids = [], repOf = new Int32Array(n).fill(-1), index = new Map();
  d.nodes.forEach((_, i) => {
    const r = rep(i);
    if (!r) return;
    if (!index.has(r)) { index.set(r, ids.length); ids.push(r); }
    repOf[i] = index.get(r);
  });
  const R = ids.length, ok = new Uint8Array(d.portSets.length).map((_, v) => v && setMatches(v, G.port) ? 1 : 0);
  const dense = R * R <= 4e6, pairs = dense ? new Int32Array(R * R) : new Map(), first = dense ? new Int32Array(R * R) : new Map();
  const multi = new Set();
  for (let i = 0; i < n; i++) {
    const a = repOf[i];
    if (a < 0) continue;
    const r = row(i);
    for (let j = 0; j < n; j++) {
      const v = r[j], b = repOf[j];
      if (!v || b < 0 || a === b || !ok[v]) continue;
      const k = a * R + b;
      if (dense) {
        if (pairs[k]++ === 0) first[k] = v; else if (first[k] !== v) multi.add(k);
      } else {
        const c = pairs.get(k) || 0;
        pairs.set(k, c + 1);
        if (!c) first.set(k, v); else if (first.get(k) !== v) multi.add(k);
      }
    }
  }
  const agg = [];
  const add = (k, c) => agg.push({ kind: 'allowed', a: ids[Math.floor(k / R)], b: ids[k % R], pairs: c,
    sets: multi.has(k) ? new Set([0]) : new Set([dense ? first[k] : first.get(k)]) });
  if (dense) { for (let k = 0; k < R * R; k++) if (pairs[k]) add(k, pairs[k]); } else pairs.forEach((c, k) => add(k, c));
  let list = bundle(agg, () => '', (x, y) => { x.pairs += y.pairs; y.sets.forEach(v => x.sets.add(v)); });
  if (list.length > MAX_ALLOWED_EDGES) {
    const all = list.length;
    list = list.filter(e => e.a[0] === 'w' || e.b[0] === 'w');
    if (list.length > MAX_ALLOWED_EDGES) list = [];
    notes.push(`${all - list.length} of ${all} allowed connections between namespaces are not drawn: too many to read. ` +
      'Expand namespaces (double-click one), hide some, filter by port, or see the Matrix tab.');
  }
  const labelled = list.length <= LABELLED_ALLOWED;
  return list.map(e => {
    const one = e.sets.size === 1 && !e.sets.has(0) ? setLabel([...e.sets][0]) : '';
    const label = e.pairs === 1 ? one : (one ? one + ' · ' : '') + e.pairs + ' pairs';
    return { group: 'edges', data: { id: addInfo('a', e), source: e.a, target: e.b, label }, classes: 'allowed' + (labelled ? ' labelled' : '') };
  });
}

function meshEdges() {
  const agg = new Map();
  for (const c of PR.data.checks || []) {
    for (const fp of c.pairs || []) {
      if (G.onlyBlocked && fp.st !== 'blocked') continue;
      if (!pairMatches(fp, G.port)) continue;
      const a = rep(fp.s), b = rep(fp.d);
      if (!a || !b) continue;
      const key = a + '>' + b + '|' + fp.st;
      let e = agg.get(key);
      if (!e) agg.set(key, e = { kind: 'mesh', a, b, st: fp.st, pairs: [], checks: [], ports: [] });
      e.pairs.push({ check: c, fp });
      if (!e.checks.includes(c.id)) e.checks.push(c.id);
      const port = fp.p + '/' + fp.t;
      if (!e.ports.includes(port)) e.ports.push(port);
    }
  }
  const sym = { ok: '✔', blocked: '×', warning: '‼' };
  // The layout follows the workload-level flows: edges to a namespace box
  // would fling the boxes apart.
  for (const e of agg.values()) {
    if (e.a !== e.b) G.layoutEdges.push({ group: 'edges', data: { source: e.a, target: e.b, label: '' }, classes: 'lay' });
  }
  const list = bundle([...agg.values()], e => e.st, (x, y) => {
    x.pairs.push(...y.pairs);
    for (const c of y.checks) if (!x.checks.includes(c)) x.checks.push(c);
    for (const p of y.ports) if (!x.ports.includes(p)) x.ports.push(p);
  });
  const labelled = list.length <= LABELLED_MESH;
  return list.map(e => {
    const ports = e.ports.slice(0, 3).join(', ') + (e.ports.length > 3 ? ' +' + (e.ports.length - 3) : '');
    return { group: 'edges', data: { id: addInfo('m', e), source: e.a, target: e.b, label: sym[e.st] + ' ' + ports, checks: e.checks }, classes: 'mesh ' + e.st + (labelled || e.st !== 'ok' && list.length <= 3 * LABELLED_MESH ? ' labelled' : '') };
  });
}

function diffEdges() {
  const agg = new Map();
  for (const c of PR.data.diff.changes) {
    const a = c.s >= 0 ? rep(c.s) : ghostRep(c.from), b = c.d >= 0 ? rep(c.d) : ghostRep(c.to);
    if (!a || !b || a === b) continue;
    for (const [kind, v] of [['gained', c.gained], ['lost', c.lost]]) {
      if (!v || !setMatches(v, G.port)) continue;
      const key = a + '>' + b + '|' + kind;
      let e = agg.get(key);
      if (!e) agg.set(key, e = { kind, a, b, changes: [] });
      e.changes.push(c);
    }
  }
  return bundle([...agg.values()], e => e.kind, (x, y) => x.changes.push(...y.changes)).map(e => {
    const v = e.kind === 'gained' ? e.changes[0].gained : e.changes[0].lost;
    const label = (e.kind === 'gained' ? '+ ' : '− ') + (e.changes.length === 1 ? setLabel(v) : e.changes.length + ' pairs');
    return { group: 'edges', data: { id: addInfo('d', e), source: e.a, target: e.b, label }, classes: 'diff ' + e.kind };
  });
}

// groupOf is the expanded namespace holding graph node id, or null.
function groupOf(id) {
  if (id[0] !== 'w') return null;
  const k = node(+id.slice(1)).n;
  return isExternalNS(k) ? null : 'ns' + k;
}

// bundle merges edges that share one end and a key and whose other ends
// are two or more workloads of one expanded namespace into one edge to (or
// from) that namespace: "9 meshed pods of emojivoto → linkerd-identity" is
// one edge, not nine. Destinations first, then sources.
function bundle(list, key, merge) {
  for (const [side, other] of [['b', 'a'], ['a', 'b']]) {
    const groups = new Map(), out = [];
    for (const e of list) {
      const g = groupOf(e[side]);
      if (!g || g === groupOf(e[other]) || g === e[other]) { out.push(e); continue; }
      const k = e[other] + '>' + g + '|' + key(e);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(e);
    }
    for (const members of groups.values()) {
      if (members.length < 2) { out.push(members[0]); continue; }
      const m = { ...members[0], [side]: groupOf(members[0][side]) };
      for (const k of ['pairs', 'checks', 'ports', 'changes']) if (Array.isArray(m[k])) m[k] = [...m[k]];
      if (m.sets) m.sets = new Set(m.sets);
      for (const e of members.slice(1)) merge(m, e);
      out.push(m);
    }
    list = out;
  }
  return list;
}

// rebuild replaces every element and lays the graph out again.
function rebuild() {
  const cy = PR.cy, t0 = performance.now(), { edges, notes } = edgeElements(), t1 = performance.now();
  cy.batch(() => { cy.elements().remove(); cy.add(nodeElements()); cy.add(edges); });
  showNote(notes);
  applyClasses();
  return runLayout().then(() => { G.timings = { edges: Math.round(t1 - t0), layout: Math.round(performance.now() - t1) }; });
}

// rebuildEdges replaces the edges only: filters keep the layout.
function rebuildEdges() {
  const cy = PR.cy, { edges, notes } = edgeElements();
  cy.batch(() => { cy.edges().remove(); cy.add(edges); });
  showNote(notes);
  applyClasses();
}

function showNote(notes) {
  const el = $('graph-note');
  el.textContent = notes.join(' ');
  el.hidden = !notes.length;
}

function matchesSearch(n, q) {
  const i = n.data('node');
  if (i !== undefined) return nodeID(i).toLowerCase().includes(q);
  const k = n.data('ns');
  if (k === undefined) return (n.data('label') || '').toLowerCase().includes(q);
  if (nsName(k).toLowerCase().includes(q)) return true;
  return !G.expanded.has(k) && PR.data.nodes.some((x, j) => x.n === k && nodeID(j).toLowerCase().includes(q));
}

// applyClasses marks search hits and the focused flow, fading the rest.
function applyClasses() {
  const cy = PR.cy, q = G.search.trim().toLowerCase();
  cy.batch(() => {
    cy.elements().removeClass('faded match focus');
    let keep = null;
    if (q) {
      const hits = cy.nodes().filter(n => matchesSearch(n, q));
      hits.addClass('match');
      keep = hits.union(hits.ancestors()).union(hits.connectedEdges());
    }
    if (G.focus) {
      const es = cy.edges('.mesh').filter(e => e.data('checks').includes(G.focus));
      es.addClass('focus');
      const k = es.union(es.connectedNodes()).union(es.connectedNodes().ancestors());
      keep = keep ? keep.intersection(k).union(keep.nodes('.match')) : k;
    }
    if (keep) cy.elements().not(keep).addClass('faded');
  });
}
