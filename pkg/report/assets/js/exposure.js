// Exposure view: who may connect to each workload, in the words of the
// rules ("pods labelled app=web in namespace shop", "every external
// address except 10.0.0.0/8"), and which workloads no policy protects.

const EXPOSURE_ROWS = 500; // rows drawn at once; the filter narrows the rest

function renderExposure() {
  const d = PR.data, xs = d.exposure || [];
  const filter = ($('exposure-search').value || '').toLowerCase();
  const open = xs.filter(x => x.unprotected);
  const world = xs.filter(x => (x.admits || []).some(a => a.reach === 'world'));
  const cluster = xs.filter(x => (x.admits || []).some(a => a.reach === 'cluster'));
  const chips = list => list.length
    ? h('div', { class: 'chips' }, list.slice(0, 200).map(x => exposureChip(x.node)), list.length > 200 ? ' and ' + (list.length - 200) + ' more' : '')
    : h('p', { class: 'muted' }, 'none');
  const shown = xs.filter(x => !filter || nodeID(x.node).toLowerCase().includes(filter) ||
    (x.admits || []).some(a => a.from.toLowerCase().includes(filter) || a.policy.toLowerCase().includes(filter)));
  fill($('exposure'),
    h('h2', {}, 'Exposure'),
    h('p', { class: 'muted' }, 'Who may open connections to each workload, as the rules say it (their selectors and CIDRs), not only the pods present today. ' +
      plural(xs.length, 'workload', 'workloads') + ': ' + open.length + ' unprotected, ' + world.length + ' exposed to every external address, ' +
      cluster.length + ' to every pod of the cluster.'),
    h('h3', {}, 'Unprotected: no policy isolates them for ingress'), chips(open),
    h('h3', {}, 'Exposed to every external address'), chips(world),
    h('h3', {}, 'Exposed to every pod of the cluster'), chips(cluster),
    h('h3', {}, 'Every workload'),
    shown.slice(0, EXPOSURE_ROWS).map(exposureBlock),
    shown.length > EXPOSURE_ROWS ? h('p', { class: 'muted' }, (shown.length - EXPOSURE_ROWS) + ' more: filter to see them') : '');
}

// exposureBlock is one workload: the policies isolating it and each peer
// they admit, with ports and the rule it comes from.
function exposureBlock(x) {
  const head = h('div', {}, exposureChip(x.node), ' ',
    x.unprotected ? h('b', { class: 'state blocked' }, 'UNPROTECTED: every source, every port')
      : ['isolated for ingress by ', (x.isolating || []).map((pi, i) => [i ? ', ' : '', h('a', { href: '#policy/' + policyID(pi) }, policyID(pi))])]);
  if (x.unprotected) return h('div', { class: 'rule' }, head);
  const admits = x.admits || [];
  return h('div', { class: 'rule' }, head,
    admits.length ? admits.map(a => h('div', {},
      '← ', h('span', { class: a.reach === 'world' || a.reach === 'cluster' ? 'state blocked' : '' }, a.from),
      ', on ' + a.ports + ' ', h('span', { class: 'muted' }, '[' + a.policy + ' ' + a.field + ']')))
      : h('div', { class: 'muted' }, '← nothing: no rule admits any source'));
}

function exposureChip(i) { return h('span', { class: 'wchip' + (node(i).m ? ' meshed' : ''), title: node(i).k }, nodeID(i)); }
