// The diff view: what the after state gains and loses against the before
// state, and the mesh checks whose status changed.

function renderDiff() {
  const df = PR.data.diff;
  if (!df) return;
  document.querySelector('.tabs a[data-view=diff]').hidden = false;
  const lost = df.changes.filter(c => c.lost), gained = df.changes.filter(c => c.gained);
  const table = (list, kind) => list.length ? h('table', { class: 'list ' + kind }, h('thead', {}, h('tr', {}, h('th', {}, 'from'), h('th', {}, 'to'), h('th', {}, kind))),
    h('tbody', {}, list.map(c => h('tr', {}, h('td', {}, c.from), h('td', {}, c.to),
      h('td', { class: 'mono' }, (kind === 'gained' ? '+ ' : '− ') + setLabel(kind === 'gained' ? c.gained : c.lost))))))
    : h('p', { class: 'muted' }, 'none');
  const sym = { success: '✔', warning: '‼', error: '×', '': '-' };
  fill($('diff'),
    h('h2', {}, 'Diff'), h('p', {}, 'Comparing ', h('b', {}, df.before), ' (before) with ', h('b', {}, df.after), ' (after): ',
      plural(lost.length, 'pair loses', 'pairs lose') + ' connections, ' + plural(gained.length, 'pair gains', 'pairs gain') + ' connections.'),
    (df.gaps || []).map(g => h('p', { class: 'banner' }, 'incomplete: ' + g)),
    h('h3', {}, 'Lost (' + lost.length + ')'), table(lost, 'lost'),
    h('h3', {}, 'Gained (' + gained.length + ')'), table(gained, 'gained'),
    (df.added || []).length ? [h('h3', {}, 'Only after'), h('p', {}, df.added.join(', '))] : '',
    (df.removed || []).length ? [h('h3', {}, 'Only before'), h('p', {}, df.removed.join(', '))] : '',
    (df.mesh || []).length ? [h('h3', {}, 'Mesh checks changed'), h('ul', {}, df.mesh.map(m =>
      h('li', {}, sym[m.before] + ' → ' + sym[m.after] + ' ', checkByID(m.id) ? h('a', { href: '#flow/' + m.id }, m.description) : m.description)))] : '');
}
