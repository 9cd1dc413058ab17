// The matrix: a namespace × namespace heatmap (share of workload pairs that
// allow something), each cell expanding to its workload × workload table.

const MAX_CELL = 150; // rows and columns of a workload table

function heat(f) {
  // #f2f4f7 (nothing) to #2f6fed (every pair)
  const mix = (a, b) => Math.round(a + (b - a) * f);
  return f === 0 ? '#f9fafb' : `rgb(${mix(226, 47)},${mix(232, 111)},${mix(255, 237)})`;
}

function nsMembers() {
  const out = PR.data.namespaces.map(() => []);
  PR.data.nodes.forEach((n, i) => out[n.n].push(i));
  return out;
}

// undecided maps "from,to" (nodes) to the portSets index of the ports the
// manifests cannot decide, and counts them per namespace pair.
function undecided() {
  if (PR.views.undecided) return PR.views.undecided;
  const byPair = new Map(), byNS = new Map();
  for (const [s, t, set] of PR.data.undecided || []) {
    byPair.set(s + ',' + t, set);
    const k = node(s).n + ',' + node(t).n;
    byNS.set(k, (byNS.get(k) || 0) + 1);
  }
  return PR.views.undecided = { byPair, byNS };
}

function renderMatrix() {
  if (PR.views.matrixDone) return;
  PR.views.matrixDone = true;
  const d = PR.data, mem = nsMembers(), cells = new Map(), und = undecided();
  for (const [a, b, pairs, set] of d.matrix.cells) cells.set(a + ',' + b, { pairs, set });
  const ks = d.namespaces.map((_, k) => k).filter(k => mem[k].length);
  fill($('matrix-intro'), 'Rows are sources, columns destinations. A cell is the share of workload pairs whose policies allow at least one connection ',
    h('span', { class: 'scale' }), ' 0 → 100%. Click a cell for its workloads.');
  const head = h('tr', {}, h('th', {}, 'from \\ to'), ks.map(k => h('th', { title: nsName(k) }, h('div', {}, nsName(k)))));
  const body = ks.map(a => h('tr', {}, h('th', {}, nsName(a)), ks.map(b => {
    const c = cells.get(a + ',' + b), total = mem[a].length * mem[b].length - (a === b ? mem[a].length : 0);
    const f = c && total ? c.pairs / total : 0;
    const u = und.byNS.get(a + ',' + b) || 0;
    const title = `${nsName(a)} → ${nsName(b)}: ${c ? c.pairs : 0} of ${total} workload pairs allow something` + (c ? ' (' + setLabel(c.set) + ')' : '') +
      (u ? `; ‼ cannot know for ${u} pairs (a cluster policy rule the manifests cannot decide)` : '');
    const td = h('td', { title, 'data-from': nsName(a), 'data-to': nsName(b), style: `background:${heat(f)};color:${f > 0.55 ? '#fff' : '#101828'}` },
      (ks.length <= 24 && total ? Math.round(f * 100) + '%' : '') + (u ? ' ‼' : ''));
    td.addEventListener('click', () => { location.hash = '#matrix/' + a + '/' + b; });
    return td;
  })));
  fill($('heatmap'), h('table', { class: 'heatmap' + (ks.length <= 24 ? ' small' : '') }, h('thead', {}, head), h('tbody', {}, body)));
}

function showCell(a, b) {
  renderMatrix();
  a = +a; b = +b;
  for (const td of document.querySelectorAll('table.heatmap td.sel')) td.classList.remove('sel');
  const td = document.querySelector(`table.heatmap td[data-from="${CSS.escape(nsName(a))}"][data-to="${CSS.escape(nsName(b))}"]`);
  if (td) td.classList.add('sel');
  const mem = nsMembers(), rows = mem[a].slice(0, MAX_CELL), cols = mem[b].slice(0, MAX_CELL);
  const table = h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, h('th', {}, nsName(a) + ' \\ ' + nsName(b)), cols.map(j => h('th', {}, node(j).name)))),
    h('tbody', {}, rows.map(i => { const r = row(i); return h('tr', {}, h('th', {}, node(i).name), cols.map(j => {
      const v = i === j ? -1 : r[j], u = i === j ? undefined : undecided().byPair.get(i + ',' + j);
      const text = v < 0 ? '—' : (v ? setLabel(v) : u === undefined ? '·' : '') + (u === undefined ? '' : (v ? ' ' : '') + '‼ ' + setLabel(u));
      return h('td', { class: 'mono', title: nodeID(i) + ' → ' + nodeID(j) + (u === undefined ? '' : ': cannot know on ' + setLabel(u) + ' (a cluster policy rule the manifests cannot decide; not allowed, not denied)'),
        style: v > 0 ? 'background:#eef4ff' : u !== undefined ? 'background:#fff6e5' : '' }, text);
    })); })));
  const cut = mem[a].length > MAX_CELL || mem[b].length > MAX_CELL ? h('p', { class: 'muted' }, `Showing the first ${MAX_CELL} workloads of each side.`) : '';
  fill($('cell'), h('h3', {}, nsName(a) + ' → ' + nsName(b)), cut, h('div', { class: 'heatmap-wrap' }, table));
}
