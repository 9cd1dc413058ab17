// Per-policy pages: what a NetworkPolicy selects and what each rule admits.

function renderPolicyList() {
  const d = PR.data, filter = ($('policy-search').value || '').toLowerCase();
  const list = [];
  let ns = null;
  d.policies.forEach((p, pi) => {
    if (filter && !policyID(pi).toLowerCase().includes(filter)) return;
    if (p.ns !== ns) { ns = p.ns; list.push(h('div', { class: 'ns' }, ns)); }
    const sel = new Set([...p.selects[0], ...p.selects[1]]).size;
    list.push(h('a', { href: '#policy/' + policyID(pi), 'data-policy': policyID(pi) }, h('span', {}, p.name),
      h('span', {}, h('span', { class: 'badge', title: 'workloads it selects' }, sel),
        p.blocks ? h('span', { class: 'badge red', title: 'mesh checks it blocks' }, '× ' + p.blocks.length) : '',
        lintBadge(p))));
  });
  if (!d.policies.length) list.push(h('p', { class: 'muted' }, 'No NetworkPolicy in the input: every pod is open.'));
  fill($('policy-list'), ...list);
}

// selectorText renders a label selector: "all pods", "pods labelled app=web".
function selectorText(sel, noun) {
  const parts = Object.entries((sel && sel.matchLabels) || {}).map(([k, v]) => k + '=' + v);
  for (const e of (sel && sel.matchExpressions) || []) {
    const op = { In: 'in', NotIn: 'notin' }[e.operator];
    parts.push(e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? '!' + e.key : `${e.key} ${op} (${(e.values || []).join(', ')})`);
  }
  return parts.length ? noun + ' labelled ' + parts.join(', ') : 'all ' + noun;
}

function peerText(p, ns) {
  if (p.ipBlock) return 'addresses in ' + p.ipBlock.cidr + ((p.ipBlock.except || []).length ? ' except ' + p.ipBlock.except.join(', ') : '');
  const pods = selectorText(p.podSelector, 'pods');
  if (!p.namespaceSelector) return pods + ' in namespace ' + ns;
  const nss = selectorText(p.namespaceSelector, 'namespaces');
  return pods + (nss === 'all namespaces' ? ' in every namespace' : ' in ' + nss);
}

function portsText(ports) {
  if (!ports || !ports.length) return 'every port';
  return ports.map(p => {
    const proto = p.protocol || 'TCP';
    if (p.port == null) return 'every ' + proto + ' port';
    return proto + ' ' + p.port + (p.endPort ? '-' + p.endPort : '');
  }).join(', ');
}

function ruleBlock(p, dir, rule, i, admitted) {
  const peers = (dir === 'ingress' ? rule.from : rule.to) || [];
  const who = peers.length ? peers.map(x => peerText(x, p.ns)).join('; or ') : 'everyone (no peers listed)';
  return h('div', { class: 'rule' },
    h('div', {}, h('b', {}, (dir === 'ingress' ? 'Ingress' : 'Egress') + ' rule ' + i + ': '), (dir === 'ingress' ? 'from ' : 'to ') + who),
    h('div', { class: 'muted' }, 'on ' + portsText(rule.ports)),
    admitted ? (admitted.length ? h('div', { class: 'chips' }, admitted.map(n => h('span', { class: 'wchip' + (node(n).m ? ' meshed' : ''), title: nodeID(n) }, nodeID(n))))
      : h('div', { class: 'muted' }, 'admits no workload or peer in the input')) : '');
}

// lintBadge counts a policy's lint errors and warnings for the list.
function lintBadge(p) {
  const n = (p.lint || []).filter(f => f.severity !== 'info').length;
  return n ? h('span', { class: 'badge red', title: 'lint errors and warnings' }, '‼ ' + n) : '';
}

// lintBlock lists a policy's lint findings: severity, rule, field, why, fix.
function lintBlock(p) {
  if (!p.lint || !p.lint.length) return '';
  return [h('h3', {}, 'Lint'), p.lint.map(f => h('div', { class: 'rule' },
    h('div', {}, h('b', { class: f.severity === 'info' ? '' : 'state blocked' }, f.severity + ' '),
      h('code', { title: 'docs/lint.md#' + f.rule }, f.rule),
      f.field ? ' · ' + f.field : ''),
    h('div', {}, f.message), h('div', { class: 'muted' }, 'fix: ' + f.hint)))];
}

function showPolicy(id) {
  renderPolicyList();
  const d = PR.data;
  const pi = d.policies.findIndex((_, i) => policyID(i) === id);
  for (const a of document.querySelectorAll('.policy-list a')) a.classList.toggle('active', a.dataset.policy === id);
  const page = $('policy-page');
  if (pi < 0) {
    fill(page, h('h2', {}, 'Policies'), h('p', { class: 'muted' }, d.policies.length ? 'Pick a policy on the left.' : 'No NetworkPolicy in the input.'));
    return;
  }
  const p = d.policies[pi], spec = p.spec || {};
  const sel = (k, what) => p.selects[k].length
    ? h('div', { class: 'chips' }, p.selects[k].map(workloadChip))
    : h('p', { class: 'muted' }, 'selects no workload for ' + what);
  const rules = (dir, k) => {
    const list = spec[dir] || [];
    if (!p.types.includes(dir === 'ingress' ? 'Ingress' : 'Egress')) return h('p', { class: 'muted' }, 'does not govern ' + dir);
    if (!list.length) return h('p', {}, h('b', { class: 'state blocked' }, 'denies all ' + dir), ' of what it selects (no rules)');
    return list.map((r, i) => ruleBlock(p, dir, r, i, p.admits ? p.admits[k][i] : null));
  };
  fill(page, 
    h('h2', {}, 'NetworkPolicy ' + policyID(pi)),
    h('p', { class: 'muted' }, p.source ? 'from ' + p.source + ' · ' : '', 'policyTypes: ' + (p.types.join(', ') || 'none')),
    p.blocks ? h('p', { class: 'blocking' }, h('b', { class: 'state blocked' }, '× blocks mesh checks: '),
      p.blocks.map((id, i) => [i ? ', ' : '', h('a', { href: '#flow/' + id }, checkByID(id).description)])) : '',
    lintBlock(p),
    h('h3', {}, 'Selects'), h('p', { class: 'muted' }, selectorText(spec.podSelector, 'pods') + ' in namespace ' + p.ns),
    h('div', {}, h('b', {}, 'for ingress: '), sel(0, 'ingress')), h('div', {}, h('b', {}, 'for egress: '), sel(1, 'egress')),
    h('h3', {}, 'Admits'), rules('ingress', 0), rules('egress', 1),
    h('h3', {}, 'Spec'), h('pre', { class: 'spec' }, JSON.stringify(spec, null, 2)));
}
