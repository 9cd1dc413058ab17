// Header summary and the mesh check list (failures first).

function renderHeader() {
  const d = PR.data;
  document.title = d.title;
  $('title').textContent = d.title;
  $('source').textContent = [d.source, d.mesh && d.mesh.name + ' ' + d.mesh.version].filter(Boolean).join(' · ');
  const s = $('summary');
  if (d.checks) {
    const n = st => d.checks.filter(c => c.status === st).length;
    const failed = n('error') + n('unknown'), warn = n('warning'), ok = n('success');
    if (failed) s.append(h('span', { class: 'chip error' }, '× ' + failed + ' failed'));
    if (warn) s.append(h('span', { class: 'chip warning' }, '‼ ' + plural(warn, 'warning', 'warnings')));
    s.append(h('span', { class: 'chip success' }, '✔ ' + ok + ' passed'));
  }
  const ns = d.namespaces.filter(x => x.name).length;
  const wl = d.nodes.filter(x => !x.cidr).length;
  s.append(h('span', { class: 'chip' }, plural(wl, 'workload', 'workloads') + ' · ' + plural(ns, 'namespace', 'namespaces')));
  s.append(h('span', { class: 'chip' }, plural(d.policies.length, 'policy', 'policies')));
  const pairs = d.nodes.length * (d.nodes.length - 1);
  s.append(h('span', { class: 'chip', title: 'ordered pairs of distinct workloads and external peers' },
    d.matrix.pairs + ' of ' + pairs + ' pairs allowed'));
  const banners = $('banners');
  for (const g of d.incomplete || []) banners.append(h('div', { class: 'banner' }, '‼ Incomplete: ' + g + '; connections involving it are not known.'));
  for (const note of d.notes || []) banners.append(h('div', { class: 'banner' }, note));
}

function renderChecks() {
  const el = $('checks'), d = PR.data;
  if (!d.checks) {
    el.append(h('h2', {}, 'Mesh check'),
      h('p', { class: 'muted' }, 'No mesh was checked. Run podreach report with --mesh linkerd to see whether the flows the mesh needs are allowed.'));
    return;
  }
  el.append(h('h2', {}, 'Mesh check', h('span', { class: 'muted' }, d.mesh.name + ' ' + d.mesh.version)));
  const failed = d.checks.filter(c => c.status === 'error' || c.status === 'unknown');
  const warned = d.checks.filter(c => c.status === 'warning');
  const passed = d.checks.filter(c => c.status === 'success');
  if (failed.length) el.append(h('div', { class: 'group-title' }, 'Failed'), ...failed.map(checkItem));
  if (warned.length) el.append(h('div', { class: 'group-title' }, 'Warnings'), ...warned.map(checkItem));
  if (passed.length) {
    el.append(h('details', { class: 'passed', open: !failed.length && !warned.length },
      h('summary', {}, plural(passed.length, 'check passed', 'checks passed')), passed.map(checkItem)));
  }
}

function checkItem(c) {
  const drawn = c.pairs && c.pairs.length;
  const item = h('div', { class: 'check ' + c.status, id: 'check-' + c.id, 'data-check': c.id },
    h('div', { class: 'check-line' },
      h('span', { class: 'sym', title: c.status }, c.symbol),
      drawn ? h('a', { class: 'desc', href: '#flow/' + c.id, title: 'Show this flow in the graph' }, c.description)
        : h('span', { class: 'desc' }, c.description)),
    h('div', { class: 'cat' }, c.category));
  if (c.status === 'success') return item;
  const [first, ...rest] = c.details || [];
  if (first) item.append(h('div', { class: 'summary-line', title: first }, first));
  const pols = c.policies || [];
  if (pols.length) {
    item.append(h('div', { class: 'blocking' }, 'blocked by ', pols.slice(0, 4).map((pi, i) => [i ? ' ' : '', policyLink(pi)]),
      pols.length > 4 ? ' and ' + (pols.length - 4) + ' more' : ''));
  }
  const lines = [first && first.length > 160 ? h('li', {}, first) : '', ...rest.map(t => h('li', {}, t))];
  if (c.hint) lines.push(h('li', {}, h('b', {}, 'hint: '), c.hint));
  if (lines.some(Boolean)) item.append(h('details', { class: 'why' }, h('summary', {}, 'why and how to fix'), h('ul', {}, lines)));
  const more = [];
  if (drawn) more.push(h('a', { href: '#flow/' + c.id }, 'show in graph'));
  if (c.docs) more.push(h('a', { href: c.docs, target: '_blank', rel: 'noopener noreferrer' }, 'docs'));
  if (more.length) item.append(h('div', { class: 'more' }, more.map((m, i) => [i ? ' · ' : '', m])));
  return item;
}

function markActiveCheck(id) {
  for (const e of document.querySelectorAll('.check.active')) e.classList.remove('active');
  const e = id && $('check-' + id);
  if (e) {
    e.classList.add('active');
    const det = e.closest('details');
    if (det) det.open = true;
    e.scrollIntoView({ block: 'nearest' });
  }
}
