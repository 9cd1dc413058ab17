'use strict';
// podreach report: shared state, data access and helpers. The files of
// assets/js are concatenated, in the order page.go lists them, into one
// script; they share its top-level scope.

const PR = { data: null, cy: null, rows: new Map(), views: {} };
window.podreach = PR;

const PROTOS = ['', 'TCP', 'UDP', 'SCTP'];

function $(id) { return document.getElementById(id); }

// h builds an element: h('a', {href: '#x', class: 'y'}, 'text', child...).
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat(Infinity)) {
    if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// fill replaces el's children with kids, flattening arrays and dropping
// empty values ('' and null), as h does.
function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter(k => k != null && k !== false && k !== '').map(k => k instanceof Node ? k : String(k)));
  return el;
}

// loadData decodes the embedded report: base64 of gzip of JSON. It uses no
// request: the bytes come from the page itself.
async function loadData() {
  const b64 = $('podreach-data').textContent;
  const bin = atob(b64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

function node(i) { return PR.data.nodes[i]; }
function nsName(k) { return PR.data.namespaces[k].name || 'external peers'; }
function isExternalNS(k) { return PR.data.namespaces[k].name === ''; }
function nodeID(i) {
  const n = node(i), ns = PR.data.namespaces[n.n].name;
  return ns ? ns + '/' + n.name : n.name;
}
function setLabel(i) { return PR.data.portSets[i].l; }
function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

// row decodes node i's matrix row: for every node, the portSets index of
// what i may open to it (0: nothing). Identical rows are decoded once.
function row(i) {
  const m = PR.data.matrix, r = m.rowOf[i];
  let out = PR.rows.get(r);
  if (out) return out;
  const n = PR.data.nodes.length;
  out = PR.data.portSets.length < 65536 ? new Uint16Array(n) : new Int32Array(n);
  let pos = 0;
  const s = m.rows[r];
  if (s) {
    for (const run of s.split(',')) {
      const star = run.indexOf('*');
      const v = parseInt(star < 0 ? run : run.slice(0, star), 36);
      const k = star < 0 ? 1 : parseInt(run.slice(star + 1), 36);
      if (v) out.fill(v, pos, pos + k);
      pos += k;
    }
  }
  PR.rows.set(r, out);
  return out;
}

// parsePort reads a protocol/port filter: "8080", "53/udp", "udp",
// "tcp/443". It returns null for no filter, undefined when unreadable.
function parsePort(s) {
  s = s.trim().toUpperCase();
  if (!s) return null;
  let proto = 0, port = 0;
  for (const part of s.split(/[\/\s:]+/)) {
    if (!part) continue;
    const p = PROTOS.indexOf(part);
    if (p > 0) proto = p;
    else if (/^\d+$/.test(part) && +part >= 1 && +part <= 65535) port = +part;
    else return undefined;
  }
  return { proto, port };
}

// setMatches reports whether port set i contains the filter f.
function setMatches(i, f) {
  if (!f) return true;
  for (const [p, lo, hi] of PR.data.portSets[i].r) {
    if ((!f.proto || f.proto === p) && (!f.port || (lo <= f.port && f.port <= hi))) return true;
  }
  return false;
}

// pairMatches reports whether flow pair fp is on the filter's port.
function pairMatches(fp, f) {
  if (!f) return true;
  return (!f.proto || f.proto === PROTOS.indexOf(fp.t)) && (!f.port || f.port === fp.p || f.port === fp.a);
}

function pairPort(fp) {
  return fp.p + '/' + fp.t + (fp.a ? ' (app ' + fp.a + ')' : '');
}

function policyID(pi) { const p = PR.data.policies[pi]; return p.ns + '/' + p.name; }

function policyLink(pi) {
  return h('a', { class: 'policy-link', href: '#policy/' + policyID(pi), title: 'NetworkPolicy ' + policyID(pi) }, policyID(pi));
}

function checkByID(id) { return (PR.data.checks || []).find(c => c.id === id); }

// seeded runs fn with a deterministic Math.random, so that layouts (and
// screenshots) are the same on every load.
function seeded(fn) {
  const orig = Math.random;
  let a = 0x2545F491;
  Math.random = () => {
    a |= 0; a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try { return fn(); } finally { Math.random = orig; }
}
