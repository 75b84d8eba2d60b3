/*
 * The playground page's script (browser JavaScript, bundled with the model by esbuild in
 * src/play/bundle.ts): draws the orderers on a ring, the messages in flight, each node's
 * view, leader, sequence, WAL and timers, and the quorum behind the last block; turns
 * clicks into actions on the model (crash, restart, Byzantine, submit) and keeps the
 * address (#seed=..&n=..&k=..&a=..) in step, so a copied link replays the same run.
 *
 * The simulated run is the model's (src/play/model.ts, deterministic). The animation
 * clock here only decides how much simulated time to run per frame. Text reaches the page
 * through textContent and setAttribute only.
 */
import { MAX_N, MIN_N, PLAY_BEHAVIOURS, PlayModel, decodeLink, encodeLink } from './model.ts';

const NS = 'http://www.w3.org/2000/svg';
const TYPE_COLORS = {
  PrePrepare: '#1f5fbf', Prepare: '#17a2b8', Commit: '#2e9e44', ViewChange: '#e67e22', ViewData: '#8e44ad',
  NewView: '#c2185b', HeartBeat: '#9aa0a6', HeartBeatResponse: '#b8bcc2', Submit: '#546e7a', FwdRequest: '#546e7a',
  StateTransferRequest: '#8d6e63', StateTransferResponse: '#8d6e63', HeightRequest: '#a1887f', HeightResponse: '#a1887f',
  BlockRequest: '#6d4c41', BlockResponse: '#6d4c41',
};
/** Colours of the 1st, 2nd, ... different proposal seen for one (view, sequence): an equivocation shows as two colours. */
const PROPOSAL_COLORS = ['#1f5fbf', '#111111', '#6a1b9a', '#00897b'];
const LEGEND = ['PrePrepare', 'Prepare', 'Commit', 'ViewChange', 'ViewData', 'NewView', 'HeartBeat'];
const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 50, 200];
/** Simulated ms per wall ms at 1x: slow while messages fly (they take 1-3 ms), faster when all is quiet. */
const BUSY_RATE = 0.004;
const QUIET_RATE = 1;
const CX = 300, CY = 290, R = 200, NODE_R = 42;

const CONFIG = JSON.parse(document.getElementById('play-config').textContent);

function $(id) { return document.getElementById(id); }
function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function fmtTime(ms) {
  if (ms >= 1000) return (ms / 1000).toFixed(3) + ' s';
  return ms.toFixed(2) + ' ms';
}
function fmtLeft(ms) {
  if (ms < 0) return 'due';
  return ms >= 1000 ? (ms / 1000).toFixed(1) + ' s' : Math.round(ms) + ' ms';
}

// ------------------------------------------------------------------ state
const ui = { model: null, playing: false, speed: 1, lastFrame: 0, lastHash: 0, error: '' };

function start(link) {
  try {
    ui.model = PlayModel.replay(link.seed, link.n, link.actions, link.events);
    ui.error = '';
  } catch (e) {
    ui.error = 'Cannot replay this link: ' + (e && e.message ? e.message : String(e)) + '. Started a fresh run instead.';
    ui.model = new PlayModel(CONFIG.seed, CONFIG.n);
  }
  $('export-box').hidden = true;
  $('seed').value = String(ui.model.seed);
  $('n').value = String(ui.model.n);
  buildRing();
  buildTable();
  render(true);
}

function linkOf(model) {
  return encodeLink({ seed: model.seed, n: model.n, events: model.events, actions: model.actions() });
}

function syncHash(force) {
  const now = performance.now();
  if (!force && now - ui.lastHash < 400) return;
  ui.lastHash = now;
  const hash = '#' + linkOf(ui.model);
  if (location.hash !== hash) {
    try { history.replaceState(null, '', hash); } catch (e) { /* sandboxed: the share box still has it */ }
  }
}

// ------------------------------------------------------------------ ring
const ring = $('ring');
let nodeGroups = [];

function nodePos(i, n) {
  const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
  return [CX + R * Math.cos(a), CY + R * Math.sin(a)];
}

function buildRing() {
  clear(ring);
  const n = ui.model.n;
  ring.setAttribute('viewBox', '0 0 600 600');
  ring.appendChild(svgEl('circle', { cx: CX, cy: CY, r: R, class: 'ring-line' }));
  ring.appendChild(svgEl('g', { id: 'flights' }));
  nodeGroups = [];
  const r = n > 10 ? 30 : NODE_R;
  for (let i = 0; i < n; i++) {
    const [x, y] = nodePos(i, n);
    const g = svgEl('g', { class: 'node', 'data-node': i + 1, transform: 'translate(' + x.toFixed(1) + ' ' + y.toFixed(1) + ')', tabindex: 0, role: 'button' });
    g.appendChild(svgEl('circle', { r: r + 7, class: 'timer-track' }));
    g.appendChild(svgEl('path', { class: 'timer-arc' }));
    g.appendChild(svgEl('circle', { r: r + 3, class: 'qc-ring' }));
    g.appendChild(svgEl('circle', { r, class: 'body' }));
    g.appendChild(svgEl('text', { y: -r * 0.32, class: 'nname', 'text-anchor': 'middle' }, 'orderer' + (i + 1)));
    g.appendChild(svgEl('text', { y: r * 0.12, class: 'nrole', 'text-anchor': 'middle' }));
    g.appendChild(svgEl('text', { y: r * 0.52, class: 'nstate', 'text-anchor': 'middle' }));
    g.appendChild(svgEl('text', { y: r + 22, class: 'nbyz', 'text-anchor': 'middle' }));
    const title = svgEl('title', {});
    g.appendChild(title);
    g.addEventListener('click', () => toggleNode(i + 1));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); toggleNode(i + 1); } });
    ring.appendChild(g);
    nodeGroups.push({ g, r, title });
  }
}

function arcPath(r, frac) {
  if (frac <= 0) return '';
  const f = Math.min(frac, 0.9999);
  const a0 = -Math.PI / 2, a1 = a0 + f * 2 * Math.PI;
  const x0 = r * Math.cos(a0), y0 = r * Math.sin(a0), x1 = r * Math.cos(a1), y1 = r * Math.sin(a1);
  return 'M' + x0.toFixed(1) + ' ' + y0.toFixed(1) + 'A' + r + ' ' + r + ' 0 ' + (f > 0.5 ? 1 : 0) + ' 1 ' + x1.toFixed(1) + ' ' + y1.toFixed(1);
}

/** Proposal digests seen per "view/seq", to colour equivocated proposals apart. */
const proposalDigests = new Map();
function flightColor(f) {
  if (f.byzantine && f.type !== 'PrePrepare') return '#d00';
  if (f.type === 'PrePrepare' && f.digest) {
    // "PrePrepare v0 s1" (a Byzantine sender's description also ends in its digest: " #c038...").
    const key = f.text.replace(/ #[0-9a-f]+$/, '');
    let list = proposalDigests.get(key);
    if (!list) proposalDigests.set(key, (list = []));
    let i = list.indexOf(f.digest);
    if (i < 0) { list.push(f.digest); i = list.length - 1; }
    return PROPOSAL_COLORS[i % PROPOSAL_COLORS.length];
  }
  return TYPE_COLORS[f.type] || '#555';
}

function drawFlights(snap) {
  const g = $('flights');
  clear(g);
  const n = snap.n;
  for (const f of snap.flights) {
    if (f.from < 1 || f.to < 1) continue;
    const [ax, ay] = nodePos(f.from - 1, n), [bx, by] = nodePos(f.to - 1, n);
    // Two directions of one link drawn 5 px apart, so a message and its answer do not hide each other.
    const len = Math.hypot(bx - ax, by - ay) || 1, ux = (bx - ax) / len, uy = (by - ay) / len;
    // from the sender's rim to the receiver's rim, the two directions of a link 5 px apart
    const rim = nodeGroups[0] ? nodeGroups[0].r + 9 : NODE_R + 9;
    const x0 = ax - uy * 5 + ux * rim, y0 = ay + ux * 5 + uy * rim, x1 = bx - uy * 5 - ux * rim, y1 = by + ux * 5 - uy * rim;
    const frac = Math.min(1, (snap.now - f.sent) / 2.5);
    const x = x0 + (x1 - x0) * frac, y = y0 + (y1 - y0) * frac;
    const color = flightColor(f);
    g.appendChild(svgEl('line', { x1: x0.toFixed(1), y1: y0.toFixed(1), x2: x.toFixed(1), y2: y.toFixed(1), stroke: color, class: 'trail' }));
    const dot = svgEl('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: f.type === 'HeartBeat' || f.type === 'HeartBeatResponse' ? 4 : 6.5, fill: color, class: 'msg' + (f.byzantine ? ' byz' : ''), 'data-type': f.type });
    dot.appendChild(svgEl('title', {}, f.text + ': orderer' + f.from + ' → orderer' + f.to + (f.digest ? ' · digest ' + f.digest.slice(0, 8) : '') + (f.byzantine ? ' · Byzantine sender' : '')));
    g.appendChild(dot);
  }
}

function drawNodes(snap) {
  const last = snap.decisions[snap.decisions.length - 1];
  const qset = last ? last.signers.slice(0, snap.q) : [];
  snap.nodes.forEach((nd, i) => {
    const { g, r, title } = nodeGroups[i];
    const cls = ['node', nd.up ? (nd.role === 'leader' ? 'leader' : 'follower') : 'down'];
    if (nd.byzantine) cls.push('byzantine');
    if (nd.inViewChange) cls.push('vc');
    if (qset.indexOf(nd.id) >= 0) cls.push('signer');
    g.setAttribute('class', cls.join(' '));
    const texts = g.querySelectorAll('text');
    texts[1].textContent = nd.up ? (nd.role === 'leader' ? '★ leader' : nd.inViewChange ? 'view change' : 'follower') : '✕ DOWN';
    texts[2].textContent = nd.up ? 'v' + nd.view + ' · s' + nd.seq + ' · h' + nd.height : 'h' + nd.height + ' · WAL ' + nd.wal;
    texts[3].textContent = nd.byzantine ? '⚠ ' + nd.byzantine : '';
    // The arc: how much of the follower's heartbeat timeout is left.
    let frac = 0;
    if (nd.up && nd.heartbeatTimeoutAt !== undefined) frac = Math.max(0, (nd.heartbeatTimeoutAt - snap.now) / CONFIG.heartbeatTimeout);
    g.querySelector('.timer-arc').setAttribute('d', arcPath(r + 7, frac));
    title.textContent = nd.name + ': ' + (nd.up ? 'up, click to crash' : 'down, click to restart');
  });
}

/** The table's rows are built once per run and updated in place, so a menu stays open while the run plays. */
let tableRows = [];
const TABLE_KEYS = ['name', 'role', 'view', 'leader', 'seq', 'phase', 'height', 'wal', 'timers'];
function buildTable() {
  const body = $('nodes').tBodies[0];
  clear(body);
  tableRows = [];
  for (let id = 1; id <= ui.model.n; id++) {
    const tr = h('tr');
    tr.setAttribute('data-node', String(id));
    const cells = {};
    for (const key of TABLE_KEYS) {
      const td = h('td', key === 'timers' ? 'timers' : '');
      td.setAttribute('data-key', key);
      tr.appendChild(td);
      cells[key] = td;
    }
    const td = h('td');
    td.setAttribute('data-key', 'byzantine');
    const sel = h('select');
    sel.setAttribute('aria-label', 'behaviour of orderer' + id);
    sel.appendChild(new Option('honest', ''));
    for (const b of PLAY_BEHAVIOURS) sel.appendChild(new Option(b, b));
    sel.addEventListener('change', () => act(sel.value === '' ? { op: 'honest', node: id } : { op: 'byzantine', node: id, behaviour: sel.value }));
    td.appendChild(sel);
    tr.appendChild(td);
    body.appendChild(tr);
    tableRows.push({ tr, cells, sel });
  }
}

function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

function drawTable(snap) {
  snap.nodes.forEach((nd, i) => {
    const row = tableRows[i];
    row.tr.className = nd.up ? (nd.role === 'leader' ? 'is-leader' : '') : 'is-down';
    const timers = [];
    if (nd.heartbeatTimeoutAt !== undefined) timers.push('hb ' + fmtLeft(nd.heartbeatTimeoutAt - snap.now));
    if (nd.viewChangeTimeoutAt !== undefined) timers.push('view change ' + fmtLeft(nd.viewChangeTimeoutAt - snap.now));
    for (const t of nd.timers) if (t.name !== 'tick') timers.push(t.name + ' ' + fmtLeft(t.due - snap.now));
    const values = {
      name: '#' + nd.id + ' ' + nd.name,
      role: nd.up ? nd.role : 'DOWN',
      view: nd.up ? String(nd.view) : '–',
      leader: nd.up ? '#' + nd.leader : '–',
      seq: nd.up ? String(nd.seq) : '–',
      phase: nd.up ? nd.phase : '–',
      height: String(nd.height),
      wal: String(nd.wal),
      timers: timers.join(' · ') || '–',
    };
    for (const key of TABLE_KEYS) setText(row.cells[key], values[key]);
    // Leave an open menu alone; the run's value shows once it closes.
    if (document.activeElement !== row.sel && row.sel.value !== (nd.byzantine || '')) row.sel.value = nd.byzantine || '';
    row.sel.disabled = !nd.up;
  });
}

function drawQuorum(snap) {
  const box = $('quorum');
  clear(box);
  box.appendChild(h('p', '', 'n = ' + snap.n + ', f = ⌊(n−1)/3⌋ = ' + snap.f + ', Q = ⌈(n+f+1)/2⌉ = ' + snap.q + '. ' +
    snap.nodes.filter((x) => x.up).length + ' of ' + snap.n + ' up.'));
  const last = snap.decisions[snap.decisions.length - 1];
  if (!last) {
    box.appendChild(h('p', 'muted', 'No block decided yet: submit a request.'));
    return;
  }
  const signers = last.signers.slice(0, snap.q);
  const p = h('p', 'decision');
  p.setAttribute('data-seq', String(last.seq));
  p.textContent = 'Block ' + last.seq + ' (view ' + last.view + ', ' + last.txCount + ' request' + (last.txCount === 1 ? '' : 's') + ', digest ' + last.digest.slice(0, 8) +
    ') was decided by the Q = ' + snap.q + ' signatures of ' + signers.map((s) => 'orderer' + s).join(', ') + ' (gold rings).';
  box.appendChild(p);
  const inter = 2 * snap.q - snap.n;
  box.appendChild(h('p', 'muted', 'Any two quorums of ' + snap.q + ' among ' + snap.n + ' share at least 2Q − n = ' + inter + ' orderer' + (inter === 1 ? '' : 's') +
    (snap.f > 0 ? ' ≥ f + 1 = ' + (snap.f + 1) + ', so an honest orderer is in both and no other block can be decided at height ' + last.seq + '.' : '.')));
}

function drawLog(snap) {
  const ol = $('log');
  clear(ol);
  for (const e of snap.log.slice(-14).reverse()) {
    const li = h('li');
    li.appendChild(h('span', 'at', fmtTime(e.t) + ' '));
    li.appendChild(document.createTextNode(e.text));
    ol.appendChild(li);
  }
}

function drawLegend() {
  const box = $('legend');
  for (const t of LEGEND) {
    const item = h('span', 'legend-item');
    const sw = h('span', 'swatch');
    sw.style.background = TYPE_COLORS[t];
    item.appendChild(sw);
    item.appendChild(document.createTextNode(t));
    box.appendChild(item);
  }
  const eq = h('span', 'legend-item');
  const sw = h('span', 'swatch');
  sw.style.background = PROPOSAL_COLORS[1];
  eq.appendChild(sw);
  eq.appendChild(document.createTextNode('2nd proposal (equivocation)'));
  box.appendChild(eq);
}

function render(forceHash) {
  const snap = ui.model.snapshot();
  $('now').textContent = fmtTime(snap.now);
  $('events').textContent = String(snap.events);
  drawFlights(snap);
  drawNodes(snap);
  drawTable(snap);
  drawQuorum(snap);
  drawLog(snap);
  $('back').disabled = snap.events === 0;
  $('error').textContent = ui.error;
  $('error').hidden = ui.error === '';
  const leaderViews = snap.nodes.filter((x) => x.up).map((x) => x.view);
  document.body.setAttribute('data-events', String(snap.events));
  document.body.setAttribute('data-now', String(snap.now));
  document.body.setAttribute('data-max-view', String(leaderViews.length ? Math.max(...leaderViews) : -1));
  syncHash(forceHash);
}

// ------------------------------------------------------------------ actions
function act(a) {
  try {
    ui.model.act(a);
    ui.error = '';
  } catch (e) {
    ui.error = e && e.message ? e.message : String(e);
  }
  render(true);
}

function toggleNode(id) {
  const nd = ui.model.snapshot().nodes[id - 1];
  act({ op: nd.up ? 'crash' : 'restart', node: id });
}

function setPlaying(on, quiet) {
  const was = ui.playing;
  ui.playing = on;
  ui.lastFrame = 0;
  $('play').textContent = on ? '❚❚ pause' : '▶ play';
  $('play').setAttribute('aria-pressed', on ? 'true' : 'false');
  document.body.setAttribute('data-playing', on ? 'true' : 'false');
  if (on && !was) requestAnimationFrame(frame);
  else if (!on && was && !quiet) render(true);
}

function frame(now) {
  if (!ui.playing) return;
  const dt = ui.lastFrame ? Math.min(100, now - ui.lastFrame) : 16;
  ui.lastFrame = now;
  const m = ui.model;
  const busy = m.snapshot().flights.length > 0;
  m.runUntil(m.now + dt * ui.speed * (busy ? BUSY_RATE : QUIET_RATE));
  render(false);
  requestAnimationFrame(frame);
}

$('play').addEventListener('click', () => setPlaying(!ui.playing));
$('step').addEventListener('click', () => {
  setPlaying(false);
  ui.model.runEvents(1);
  render(true);
});
$('back').addEventListener('click', () => {
  setPlaying(false);
  const m = ui.model;
  if (m.events === 0) return;
  // Time travel: replay seed, n and the whole action log to one event earlier.
  ui.model = PlayModel.replay(m.seed, m.n, m.allActions(), m.events - 1);
  render(true);
});
for (const s of SPEEDS) {
  const o = new Option(s + '×', String(s));
  $('speed').appendChild(o);
}
$('speed').value = '1';
$('speed').addEventListener('change', () => { ui.speed = Number($('speed').value); });
$('submit').addEventListener('click', () => act({ op: 'submit', node: 0 }));
$('restart-run').addEventListener('click', () => {
  setPlaying(false);
  const seed = Number($('seed').value), n = Number($('n').value);
  if (!Number.isInteger(seed) || seed < 0 || !Number.isInteger(n) || n < MIN_N || n > MAX_N) {
    ui.error = 'seed must be a whole number and n from ' + MIN_N + ' to ' + MAX_N;
    render(true);
    return;
  }
  proposalDigests.clear();
  start({ seed, n, events: 0, actions: [] });
});
$('export').addEventListener('click', () => {
  const m = ui.model;
  const doc = {
    format: 'fabric-bft-sim play action log',
    seed: m.seed,
    orderers: m.n,
    events: m.events,
    simulatedMs: m.now,
    link: '#' + linkOf(m),
    actions: m.actions(),
  };
  const text = JSON.stringify(doc, null, 2) + '\n';
  const box = $('export-box');
  box.hidden = false;
  $('export-text').value = text;
  const a = $('export-download');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = 'play-seed' + m.seed + '-n' + m.n + '.json';
});
window.addEventListener('hashchange', () => {
  if (location.hash === '#' + linkOf(ui.model)) return;
  // Read the new address before anything renders (a render writes the current run's link).
  const link = readLink();
  setPlaying(false, true);
  proposalDigests.clear();
  start(link);
});

// Keys, for a projector: space plays or pauses, → steps, ← steps back (not while typing in a field).
document.addEventListener('keydown', (ev) => {
  const tag = ev.target && ev.target.tagName;
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  // space on a focused button or orderer is that button's or orderer's own click
  if (ev.key === ' ' && (tag === 'BUTTON' || (ev.target.closest && ev.target.closest('g.node')))) return;
  const button = ev.key === ' ' ? 'play' : ev.key === 'ArrowRight' ? 'step' : ev.key === 'ArrowLeft' ? 'back' : null;
  if (button === null || $(button).disabled) return;
  ev.preventDefault();
  $(button).click();
});

function readLink() {
  try {
    return decodeLink(location.hash, { seed: CONFIG.seed, n: CONFIG.n });
  } catch (e) {
    ui.error = e && e.message ? e.message : String(e);
    return { seed: CONFIG.seed, n: CONFIG.n, events: 0, actions: [] };
  }
}

drawLegend();
const first = readLink();
const err = ui.error;
start(first);
if (err && !ui.error) { ui.error = err; render(true); }
