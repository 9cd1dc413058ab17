// Start-up and routing: #overview, #flow/<check>, #matrix[/<a>/<b>],
// #policies, #policy/<ns>/<name>, #diff.

function show(view) {
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
  for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.view === view);
  if (view === 'overview' && PR.cy) { PR.cy.resize(); }
  if (view === 'matrix') renderMatrix();
  if (view === 'exposure') renderExposure();
}

async function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  const [view, ...rest] = hash.split('/');
  const arg = rest.join('/');
  switch (view) {
    case 'flow': show('overview'); await focusFlow(arg); break;
    case 'matrix': show('matrix'); if (rest.length === 2) showCell(rest[0], rest[1]); break;
    case 'policies': show('policies'); showPolicy(PR.data.policies.length ? policyID(0) : ''); break;
    case 'policy': show('policies'); showPolicy(arg); break;
    case 'exposure': show(PR.data.exposure ? 'exposure' : 'overview'); break;
    case 'diff': show(PR.data.diff ? 'diff' : 'overview'); break;
    default:
      show('overview');
      if (G.focus) { G.focus = null; markActiveCheck(null); hideDetails(); applyClasses(); }
  }
}

async function init() {
  const status = $('status');
  try {
    const t0 = performance.now();
    PR.data = await loadData();
    PR.timings = { decode: Math.round(performance.now() - t0) };
    renderHeader();
    renderChecks();
    renderPolicyList();
    renderDiff();
    $('policy-search').addEventListener('input', () => renderPolicyList());
    $('exposure-search').addEventListener('input', () => renderExposure());
    document.querySelector('.tabs a[data-view="exposure"]').hidden = !PR.data.exposure;
    show('overview');
    const t1 = performance.now();
    await initGraph();
    PR.timings.graph = Math.round(performance.now() - t1);
    window.addEventListener('hashchange', () => { route(); });
    await route();
    status.hidden = true;
    status.dataset.ready = '1';
  } catch (err) {
    status.textContent = 'This report could not be displayed: ' + err.message;
    status.classList.add('error');
    status.dataset.ready = 'error';
    console.error(err);
  }
}

init();
