/*
 * The report page's script (plain browser JavaScript, inlined by html.ts): draws the
 * charts, the message sequence chart, the node table and the quorum panel from the JSON
 * in <script id="report-data">. Every datum reaches the page through textContent or
 * setAttribute, never through HTML parsing. The sequence chart draws only the messages
 * in the visible window (binary search on send time), so long runs stay fast.
 */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  var TYPE_COLORS = {
    PrePrepare: '#1f5fbf', Prepare: '#17a2b8', Commit: '#2e9e44', ViewChange: '#e67e22', ViewData: '#8e44ad',
    SignedViewData: '#8e44ad', NewView: '#c2185b', HeartBeat: '#b0b0b0', HeartBeatResponse: '#c8c8c8',
    StateTransferRequest: '#8d6e63', StateTransferResponse: '#8d6e63', HeightRequest: '#a1887f', HeightResponse: '#a1887f',
    BlockRequest: '#6d4c41', BlockResponse: '#6d4c41', FwdRequest: '#546e7a'
  };
  var FATES = ['delivered', 'loss', 'partition', 'down', 'in flight', 'lost on a stream to a restarted node', 'lost: the connection was in its reconnect back-off'];
  var MAX_ARROWS = 1500;
  // The charts' user units are CSS pixels at the width they are shown (so 11 px text is
  // 11 px on screen), at least 480 wide: narrower screens scale the drawing down.
  var W = Math.max(480, Math.round(document.getElementById('chart-committed').getBoundingClientRect().width) || 860);
  var ML = 150, MR = 16;
  var PW = W - ML - MR;
  // The time charts need room only for their numbers on the left (the sequence chart, for lane names).
  var CML = 56, CPW = W - CML - MR;
  var state = { t: D.focus, win: 200 };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function title(node, text) { node.appendChild(el('title', {}, text)); return node; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(ms) { return ms >= 1000 ? (ms / 1000).toFixed(3) + ' s' : ms.toFixed(1) + ' ms'; }
  // fmtTick(ms, step) and tickStep(range, count) come from ticks.ts, inlined before this script.
  function round(x) { return Math.round(x * 10) / 10; }
  function colorOf(list, node) { var i = list.indexOf(node); return COLORS[(i < 0 ? 0 : i) % COLORS.length]; }
  function typeColor(type) { return TYPE_COLORS[type] || '#555'; }
  function svgPoint(svg, ev) {
    var p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function niceStep(range, count) {
    var raw = range / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (raw <= steps[i] * mag) return steps[i] * mag;
    return 10 * mag;
  }
  /**
   * A text label at x in the first row (y0, y0 + dy, ...) where it does not overlap the
   * labels already placed there; `rows` holds each row's right edge. Widths are measured.
   */
  function placeLabel(svg, rows, x, y0, dy, text, cls) {
    var t = el('text', { x: round(x), y: y0, 'class': cls }, text);
    svg.appendChild(t);
    var w = 0;
    try { w = t.getComputedTextLength(); } catch (e) { w = 0; }
    if (!(w > 0)) w = text.length * 7;
    var row = 0;
    while (row < rows.length && rows[row] > x - 2) row++;
    rows[row] = x + w;
    t.setAttribute('y', String(y0 + row * dy));
    return t;
  }
  function downIntervals(node) {
    return D.faults.filter(function (f) { return f.kind === 'crash' && f.node === node; });
  }

  // ------------------------------------------------------------ header, steps, checks
  $('title').textContent = D.scenario;
  var verdict = $('verdict');
  verdict.textContent = D.passed ? 'PASSED' : 'FAILED';
  verdict.className = D.passed ? 'ok' : 'bad';
  $('meta').textContent = 'target ' + D.target + ' · seed ' + D.seed + ' · trace ' + D.traceHash + ' · ' +
    D.orderers.length + ' orderers, ' + D.peers.length + ' peers · run length ' + fmt(D.end) +
    ' · replay: ' + D.replay;
  var stepsList = $('steps');
  D.steps.forEach(function (s) {
    var li = h('li', s.ok ? 'step ok' : 'step bad');
    var b = h('button', '', (s.ok ? '✔ ' : '✘ ') + s.name);
    b.type = 'button';
    if (s.at !== null) {
      b.appendChild(h('span', 'at', ' @ ' + fmt(s.at)));
      b.addEventListener('click', function () { setTime(s.at); });
    } else b.disabled = true;
    li.appendChild(b);
    if (s.detail) {
      b.title = s.detail;
      if (!s.ok) li.appendChild(h('div', 'detail', s.detail.length > 240 ? s.detail.slice(0, 240) + '…' : s.detail));
    }
    stepsList.appendChild(li);
  });
  var checks = $('checks');
  D.checks.forEach(function (c) {
    var li = h('li', c.ok ? 'ok' : c.warning ? 'warn' : 'bad', (c.ok ? '✔ ' : c.warning ? '! ' : '✘ ') + c.name);
    if (c.detail) li.appendChild(h('div', 'detail', c.detail + (c.warning ? ' (a warning: an expectation of the lab, not an invariant of Fabric)' : '')));
    checks.appendChild(li);
  });
  if (D.checks.length === 0) checks.appendChild(h('li', 'muted', 'no checks'));

  // ------------------------------------------------------------ time charts
  var CH = 190, CT = 16, CB = 26;
  // The time axis: busy stretches linear, quiet ones compressed (D.axis, shares sum to 1).
  function axisFraction(t) {
    var acc = 0;
    for (var i = 0; i < D.axis.length; i++) {
      var a = D.axis[i];
      if (t <= a.to || i === D.axis.length - 1) {
        var span = a.to - a.from;
        return acc + a.share * (span > 0 ? Math.max(0, Math.min(1, (t - a.from) / span)) : 1);
      }
      acc += a.share;
    }
    return acc;
  }
  function axisTime(f) {
    var acc = 0;
    for (var i = 0; i < D.axis.length; i++) {
      var a = D.axis[i];
      if (f <= acc + a.share || i === D.axis.length - 1) {
        return a.from + (a.share > 0 ? Math.max(0, Math.min(1, (f - acc) / a.share)) : 0) * (a.to - a.from);
      }
      acc += a.share;
    }
    return D.end;
  }
  function xOf(t) { return CML + axisFraction(t) * CPW; }
  /** Quiet (compressed) stretches, drawn under everything else. */
  function quietBands(svg, y0, y1) {
    D.axis.forEach(function (a) {
      if (!a.compressed) return;
      var x0 = xOf(a.from), x1 = xOf(a.to);
      var q = el('rect', { x: round(x0), y: y0, width: Math.max(1, round(x1 - x0)), height: y1 - y0, 'class': 'quiet' });
      svg.appendChild(title(q, 'quiet for ' + fmt(a.to - a.from) + ' (compressed)'));
    });
  }
  function timeTicks(svg, y) {
    var lastX = -1e9;
    D.axis.forEach(function (a) {
      var x0 = xOf(a.from), x1 = xOf(a.to);
      if (a.compressed) {
        var xm = round((x0 + x1) / 2), ym = y - 4;
        svg.appendChild(title(el('path', { d: 'M' + (xm - 5) + ' ' + (ym + 4) + 'l4 -9M' + (xm + 1) + ' ' + (ym + 4) + 'l4 -9', 'class': 'axis-break' }), 'quiet for ' + fmt(a.to - a.from) + ' (compressed)'));
        lastX = x1;
        return;
      }
      var step = tickStep(a.to - a.from, Math.max(2, Math.floor((x1 - x0) / 80)));
      var last = a === D.axis[D.axis.length - 1];
      for (var t = Math.ceil(a.from / step) * step; t <= a.to + 1e-9; t += step) {
        var x = xOf(t);
        if (x - lastX < 60) continue;
        // keep clear of the // of a compressed stretch that follows
        if (!last && x > x1 - 26) continue;
        svg.appendChild(el('text', { x: round(x), y: y, 'class': 'axis', 'text-anchor': x - CML < 20 ? 'start' : 'middle' }, fmtTick(t, step)));
        lastX = x;
      }
    });
  }
  // The first moment any orderer entered each view after view 0: view-change markers.
  var viewStarts = (function () {
    var first = {};
    D.states.forEach(function (ns) {
      if (D.orderers.indexOf(ns.node) < 0) return;
      ns.changes.forEach(function (c) {
        if (c[1] === 'view' && c[2] > 0 && (first[c[2]] === undefined || c[0] < first[c[2]])) first[c[2]] = c[0];
      });
    });
    return Object.keys(first).map(function (v) { return [first[v], Number(v)]; }).sort(function (a, b) { return a[0] - b[0]; });
  })();
  function drawChart(svg, series, synced, nodes, faultFilter, unit, showViews, showNotes) {
    clear(svg);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + CH);
    var max = 1;
    series.forEach(function (s) { s.points.forEach(function (p) { if (p[1] > max) max = p[1]; }); });
    synced.forEach(function (s) { s.points.forEach(function (p) { if (p[1] > max) max = p[1]; }); });
    var ph = CH - CT - CB;
    function yOf(v) { return CT + ph - (v / max) * ph; }
    quietBands(svg, CT, CT + ph);
    var labelRows = [];
    D.faults.filter(faultFilter).forEach(function (f) {
      // at least 4 px, so an instant outage (an offline command) still shows
      var r = el('rect', { x: round(xOf(f.from)), y: CT, width: Math.max(4, round(xOf(f.to) - xOf(f.from))), height: ph, 'class': 'fault ' + f.kind });
      svg.appendChild(title(r, f.label + ' (' + fmt(f.from) + ' – ' + fmt(f.to) + ')'));
      placeLabel(svg, labelRows, xOf(f.from) + 3, CT + 12, 13, f.label, 'fault-label');
    });
    var ystep = Math.max(1, niceStep(max, 4));
    for (var v = 0; v <= max; v += ystep) {
      svg.appendChild(el('line', { x1: CML, x2: W - MR, y1: round(yOf(v)), y2: round(yOf(v)), 'class': 'grid' }));
      svg.appendChild(el('text', { x: CML - 6, y: round(yOf(v) + 4), 'class': 'axis', 'text-anchor': 'end' }, v));
    }
    timeTicks(svg, CH - 8);
    svg.appendChild(el('text', { x: 4, y: CT - 4, 'class': 'axis' }, unit));
    series.forEach(function (s) {
      var color = colorOf(nodes, s.node);
      var downs = downIntervals(s.node);
      var d = '', pen = false, lastY = null;
      var pts = s.points;
      // Walk the step function, lifting the pen while the node is down.
      var cuts = [];
      downs.forEach(function (f) { cuts.push([f.from, 'down'], [f.to, 'up']); });
      var evs = pts.map(function (p) { return [p[0], 'v', p[1]]; }).concat(cuts).sort(function (a, b) { return a[0] - b[0]; });
      var up = true, cur = null;
      evs.forEach(function (e) {
        var x = round(xOf(e[0]));
        if (e[1] === 'down') { up = false; pen = false; return; }
        if (e[1] === 'up') {
          up = true;
          // Back up: the gauge is set again at start-up, so the line resumes at its value.
          if (cur !== null) { d += 'M' + x + ' ' + round(yOf(cur)); pen = true; lastY = yOf(cur); }
          return;
        }
        cur = e[2];
        if (!up) return;
        var y = round(yOf(cur));
        if (!pen) { d += 'M' + x + ' ' + y; pen = true; }
        else d += 'H' + x + 'V' + y;
        lastY = y;
      });
      if (pen && lastY !== null) d += 'H' + round(xOf(D.end));
      // Equal lines would hide each other (every orderer at the same block): nudge each by 2 px.
      var nudge = round((series.indexOf(s) - (series.length - 1) / 2) * 2);
      if (d) svg.appendChild(title(el('path', { d: d, stroke: color, transform: 'translate(0 ' + nudge + ')', 'class': 'series', 'data-node': s.node }), s.node));
    });
    synced.forEach(function (s) {
      var color = colorOf(nodes, s.node);
      s.points.forEach(function (p) {
        svg.appendChild(title(el('circle', { cx: round(xOf(p[0])), cy: round(yOf(p[1])), r: 4, stroke: color, 'class': 'synced' }),
          s.node + ' synced up to block ' + p[1] + ' at ' + fmt(p[0]) + ' (sync does not move this gauge in Fabric)'));
      });
    });
    if (showViews) viewStarts.forEach(function (vs) {
      var vx = round(xOf(vs[0]));
      svg.appendChild(title(el('line', { x1: vx, x2: vx, y1: CT, y2: CT + ph, 'class': 'view-change' }), 'view ' + vs[1] + ' begins at ' + fmt(vs[0])));
      svg.appendChild(el('text', { x: vx + 3, y: CT + ph - 4, 'class': 'view-label' }, 'view ' + vs[1]));
    });
    if (showNotes) D.notes.forEach(function (n) {
      var nx = round(xOf(n.t));
      svg.appendChild(title(el('path', { d: 'M' + (nx - 4) + ' ' + (CT + ph) + 'l4 -7l4 7z', 'class': 'note-mark' }), fmt(n.t) + ': ' + n.text));
    });
    D.steps.forEach(function (s) {
      if (s.at === null) return;
      var sx = round(xOf(s.at));
      var mark = el('path', { d: 'M' + (sx - 4) + ' ' + (CT - 8) + 'h8l-4 7z', 'class': 'step-mark' + (s.ok ? '' : ' bad') });
      mark.addEventListener('click', function (ev) { ev.stopPropagation(); setTime(s.at); });
      svg.appendChild(title(mark, 'step ' + s.index + ': ' + s.name + ' @ ' + fmt(s.at)));
    });
    var band = el('rect', { y: CT, height: ph, 'class': 'window' });
    var cursor = el('line', { y1: CT, y2: CT + ph, 'class': 'cursor' });
    svg.appendChild(band);
    svg.appendChild(cursor);
    svg.addEventListener('click', function (ev) {
      var p = svgPoint(svg, ev);
      if (p.x >= CML && p.x <= W - MR) setTime(axisTime((p.x - CML) / CPW));
    });
    return { band: band, cursor: cursor };
  }
  function legend(container, nodes) {
    nodes.forEach(function (n) {
      var item = h('span', 'legend-item');
      var sw = h('span', 'swatch');
      sw.style.background = colorOf(nodes, n);
      item.appendChild(sw);
      item.appendChild(document.createTextNode(n));
      container.appendChild(item);
    });
  }
  var isOrderer = {}; D.orderers.forEach(function (o) { isOrderer[o] = true; });
  var charts = [
    drawChart($('chart-committed'), D.committed, D.synced, D.orderers,
      function (f) { return f.node === null || isOrderer[f.node]; }, 'block', true, D.peers.length === 0),
    D.peers.length === 0 ? null : drawChart($('chart-height'), D.heights, [], D.peers,
      function (f) { return f.node === null || !isOrderer[f.node] || f.kind === 'partition'; }, 'height', false, true)
  ];
  legend($('legend-committed'), D.orderers);
  legend($('legend-height'), D.peers);
  if (D.peers.length === 0) {
    $('legend-height').textContent = 'no peers in this run';
    $('chart-height').style.display = 'none';
  }
  charts = charts.filter(function (c) { return c !== null; });

  // ------------------------------------------------------------ message sequence chart
  var M = D.msgs, STRIDE = 9, COUNT = M.length / STRIDE;
  // Each distinct proposal of one sequence (by digest; an equivocating leader sends two) in
  // its own colour: the first in the Byzantine red, the others apart from every type colour.
  var PROPOSAL_COLORS = ['#d00', '#ff9800', '#6a1b9a', '#00897b', '#5d4037'];
  var proposalOfMsg = {};
  (D.proposalMsgs || []).forEach(function (p) { proposalOfMsg[p[0]] = p[1]; });
  function proposalColor(k) { return PROPOSAL_COLORS[D.proposals[k].nth % PROPOSAL_COLORS.length]; }
  function lowerBound(t) {
    var lo = 0, hi = COUNT;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (M[mid * STRIDE] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function windowOf(t) {
    var a = Math.max(0, t - state.win / 2);
    return [a, Math.min(Math.max(D.end, a + state.win), a + state.win)];
  }
  function inWindow(a, b) {
    var out = [];
    for (var i = lowerBound(a - D.maxFlight); i < COUNT && M[i * STRIDE] <= b; i++) {
      if (M[i * STRIDE + 1] >= a) out.push(i);
    }
    return out;
  }
  // Pick the widest window with at most 300 messages around the focus.
  var WINDOWS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];
  (function pickWindow() {
    var zoom = $('zoom');
    WINDOWS.forEach(function (w) {
      var o = h('option', '', fmt(w)); o.value = String(w); zoom.appendChild(o);
    });
    var best = WINDOWS[0];
    for (var i = 0; i < WINDOWS.length; i++) {
      state.win = WINDOWS[i];
      var w = windowOf(D.focus);
      if (inWindow(w[0], w[1]).length <= 60) best = WINDOWS[i]; else break;
    }
    state.win = best;
    zoom.value = String(best);
    zoom.addEventListener('change', function () { state.win = Number(zoom.value); render(); });
  })();

  var LANE = 46, MT = 24;
  var msc = $('msc');
  function drawMsc() {
    clear(msc);
    var n = D.orderers.length, H = MT + n * LANE + 24;
    msc.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var w = windowOf(state.t), a = w[0], b = w[1];
    function x(t) { return ML + ((t - a) / (b - a)) * PW; }
    function y(i) { return MT + i * LANE + LANE / 2; }
    var defs = el('defs', {});
    var marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.appendChild(el('path', { d: 'M0 0L10 5L0 10z', fill: 'context-stroke' }));
    defs.appendChild(marker);
    msc.appendChild(defs);
    D.orderers.forEach(function (o, i) {
      msc.appendChild(el('line', { x1: ML, x2: W - MR, y1: y(i), y2: y(i), 'class': 'lane' }));
      var label = el('text', { x: ML - 8, y: y(i) + 4, 'text-anchor': 'end', 'class': 'lane-label' }, o);
      msc.appendChild(label);
      var laneLabelEnd = -1e9;
      downIntervals(o).forEach(function (f) {
        if (f.to < a || f.from > b) return;
        var x0 = x(Math.max(a, f.from)), x1 = x(Math.min(b, f.to));
        msc.appendChild(title(el('rect', { x: round(x0), y: y(i) - LANE / 2 + 4, width: Math.max(1, round(x1 - x0)), height: LANE - 8, 'class': 'down' }), f.label));
        // two outages close together on one lane: one label (the band's tooltip names each)
        if (x0 + 4 > laneLabelEnd) {
          var dl = el('text', { x: round(x0 + 4), y: y(i) - LANE / 2 + 16, 'class': 'down-label' }, 'down');
          msc.appendChild(dl);
          laneLabelEnd = x0 + 4 + (dl.getComputedTextLength() || 28) + 4;
        }
      });
    });
    var xstep = tickStep(b - a, 6);
    for (var tt = Math.ceil(a / xstep) * xstep; tt <= b; tt += xstep) {
      msc.appendChild(el('line', { x1: round(x(tt)), x2: round(x(tt)), y1: MT - 4, y2: H - 20, 'class': 'grid' }));
      msc.appendChild(el('text', { x: round(x(tt)), y: H - 6, 'text-anchor': 'middle', 'class': 'axis' }, fmtTick(tt, xstep)));
    }
    var idx = inWindow(a, b);
    var shown = idx.length > MAX_ARROWS ? idx.slice(0, MAX_ARROWS) : idx;
    var seen = {}, seenProposals = {};
    var arrows = el('g', { 'class': 'arrows' });
    shown.forEach(function (i) {
      var o = i * STRIDE;
      var sent = M[o], end = M[o + 1], from = M[o + 2], to = M[o + 3], type = D.types[M[o + 4]];
      var view = M[o + 5], seq = M[o + 6], fate = M[o + 7], flags = M[o + 8];
      seen[type] = true;
      var x1 = round(x(sent)), y1 = y(from), x2 = round(x(end)), y2 = y(to);
      if (x2 - x1 < 2) x2 = x1 + 2;
      var label = type + (view >= 0 ? ' v' + view : '') + (seq >= 0 ? ' s' + seq : '') + ': ' + D.orderers[from] + ' → ' +
        D.orderers[to] + ', sent ' + fmt(sent) + ', ' + FATES[fate] + (fate === 4 ? '' : ' ' + fmt(end)) +
        (flags & 1 ? ' · BYZANTINE sender' : '') + (flags & 2 ? ' · part of the quorum certificate of s' + seq : '') +
        (flags & 4 ? ' · duplicated' : '');
      var pk = proposalOfMsg[i], prop = pk === undefined ? null : D.proposals[pk];
      if (prop) {
        seenProposals[pk] = true;
        label += ' · proposal #' + prop.digest.slice(0, 8) + (prop.of > 1 ? ' (' + (prop.nth + 1) + ' of ' + prop.of + ' different proposals for s' + prop.seq + ')' : '');
      }
      var g = el('g', { 'class': 'msg' + (fate === 0 ? '' : ' dropped') + (flags & 1 ? ' byz' : '') + (flags & 2 ? ' qc' : ''), 'data-type': type });
      if (prop) g.setAttribute('data-proposal', prop.seq + '/' + prop.digest);
      if (flags & 2) g.appendChild(el('line', { x1: x1, y1: y1, x2: x2, y2: y2, 'class': 'qc-halo' }));
      var line = el('line', { x1: x1, y1: y1, x2: x2, y2: y2, stroke: prop ? proposalColor(pk) : flags & 1 ? '#d00' : typeColor(type) });
      if (fate === 0) line.setAttribute('marker-end', 'url(#arrow)');
      g.appendChild(line);
      if (fate !== 0 && fate !== 4) g.appendChild(el('text', { x: x2, y: y2 + 4, 'text-anchor': 'middle', 'class': 'drop-mark' }, '×'));
      if (flags & 1) g.appendChild(el('text', { x: x1, y: y1 - 4, 'text-anchor': 'middle', 'class': 'byz-mark' }, '!'));
      arrows.appendChild(title(g, label));
    });
    msc.appendChild(arrows);
    D.decided.forEach(function (dc) {
      var t = dc[0];
      if (t < a || t > b) return;
      var i = dc[1], cert = certOf(dc[2]);
      var cx = round(x(t)), cy = y(i);
      var signers = cert ? cert.signers.join(', ') : '';
      var dmd = el('path', { d: 'M' + cx + ' ' + (cy - 7) + 'l7 7l-7 7l-7 -7z', 'class': 'decided' });
      msc.appendChild(title(dmd, D.orderers[i] + ' decided s' + dc[2] + ' at ' + fmt(t) + (signers ? ' — quorum certificate: ' + signers : '')));
      msc.appendChild(el('text', { x: cx, y: cy - 10, 'text-anchor': 'middle', 'class': 'decided-label' }, 's' + dc[2]));
    });
    msc.appendChild(el('line', { x1: round(x(state.t)), x2: round(x(state.t)), y1: MT - 6, y2: H - 20, 'class': 'cursor' }));
    $('msc-note').textContent = idx.length + ' consensus message' + (idx.length === 1 ? '' : 's') + ' between ' + fmt(a) + ' and ' + fmt(b) +
      (idx.length > shown.length ? ' — showing the first ' + shown.length + '; pick a shorter window to see all' : '') +
      (COUNT === 0 ? ' (this run recorded no traffic between orderers)' : '');
    var lg = $('legend-msc'); clear(lg);
    Object.keys(seen).sort().forEach(function (type) {
      var item = h('span', 'legend-item'); var sw = h('span', 'swatch');
      sw.style.background = typeColor(type); item.appendChild(sw); item.appendChild(document.createTextNode(type)); lg.appendChild(item);
    });
    // One entry per proposal shown of a sequence that had more than one: its colour and digest.
    Object.keys(seenProposals).map(Number).sort(function (x, y) { return x - y; }).forEach(function (k) {
      var p = D.proposals[k];
      if (p.of < 2) return;
      var item = h('span', 'legend-item key-proposal'); var sw = h('span', 'swatch');
      sw.style.background = proposalColor(k); item.appendChild(sw);
      item.appendChild(document.createTextNode('s' + p.seq + ' proposal ' + (p.nth + 1) + ' of ' + p.of + ' #' + p.digest.slice(0, 8)));
      item.setAttribute('data-proposal', p.seq + '/' + p.digest);
      lg.appendChild(item);
    });
    [['qc', 'in a quorum certificate', '.qc'], ['byz', '! Byzantine sender', '.byz'], ['drop', '× dropped', '.dropped'], ['dec', '◆ decided', '.decided']].forEach(function (k) {
      if (msc.querySelector(k[2])) lg.appendChild(h('span', 'legend-item key-' + k[0], k[1]));
    });
  }
  var certBySeq = {};
  D.certificates.forEach(function (c) { certBySeq[c.seq] = c; });
  function certOf(seq) { return certBySeq[seq] || null; }

  // ------------------------------------------------------------ node state at t
  var ALL_KEYS = ['role', 'view', 'leader', 'phase', 'seq', 'committed', 'height', 'wal'];
  var HEADS = { role: 'role', view: 'view', leader: 'leader', phase: 'phase', seq: 'seq', committed: 'block', height: 'height', wal: 'WAL' };
  var PHASE_SHORT = { COMMITTED: 'committed', PROPOSED: 'proposed', PREPARED: 'prepared', ABORT: 'abort', 'VIEW CHANGE': 'view change' };
  var TIPS = { leader: 'the leader this node follows (consenter id)', seq: 'proposal sequence', committed: 'consensus_BFT_committed_block_number',
    height: 'ledger height', wal: 'WAL entries (as last logged)' };
  function stateAt(changes, t) {
    var out = {};
    for (var i = 0; i < changes.length && changes[i][0] <= t; i++) out[changes[i][1]] = changes[i][2];
    return out;
  }
  // Orderers and peers in two tables, each with the columns its nodes have data for.
  function columns(nodes) {
    var used = {};
    D.states.forEach(function (ns) {
      if (nodes.indexOf(ns.node) >= 0) ns.changes.forEach(function (c) { used[c[1]] = true; });
    });
    return ALL_KEYS.filter(function (k) { return k === 'role' || used[k]; });
  }
  function makeTable(table, nodes) {
    var keys = columns(nodes);
    var tr = h('tr');
    tr.appendChild(h('th', '', nodes === D.orderers ? 'orderer' : 'peer'));
    keys.forEach(function (k) { var th = h('th', '', HEADS[k]); if (TIPS[k]) th.title = TIPS[k]; tr.appendChild(th); });
    var thead = h('thead'); thead.appendChild(tr); table.appendChild(thead);
    table.appendChild(h('tbody'));
    return { table: table, nodes: nodes, keys: keys };
  }
  var tables = [makeTable($('nodes'), D.orderers)];
  if (D.peers.length > 0) tables.push(makeTable($('peers'), D.peers)); else $('peers').style.display = 'none';
  function drawNodes() {
    tables.forEach(function (tb) {
      var body = tb.table.tBodies[0]; clear(body);
      D.states.forEach(function (ns) {
        if (tb.nodes.indexOf(ns.node) < 0) return;
        var s = stateAt(ns.changes, state.t);
        var tr = h('tr', s.up === false ? 'is-down' : (s.role === 'leader' ? 'is-leader' : ''));
        tr.setAttribute('data-node', ns.node);
        var oi = D.orderers.indexOf(ns.node);
        tr.appendChild(h('td', 'node', (oi >= 0 ? '#' + (oi + 1) + ' ' : '') + ns.node));
        tb.keys.forEach(function (k) {
          var v = s[k];
          var text = k === 'role' && s.up === false ? 'DOWN' : k === 'role' && v === undefined && s.up === true ? 'up' : v === undefined ? '–' : String(v);
          var id = k === 'leader' ? D.orderers.indexOf(v) : -1;
          var td = h('td', '', id >= 0 ? '#' + (id + 1) : k === 'phase' && PHASE_SHORT[text] ? PHASE_SHORT[text] : text);
          if (id >= 0) td.title = text;
          td.setAttribute('data-key', k); tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    });
  }
  function liveOrderers(t) {
    var live = [];
    D.states.forEach(function (ns) {
      if (isOrderer[ns.node] && stateAt(ns.changes, t).up !== false) live.push(ns.node);
    });
    return live;
  }

  // ------------------------------------------------------------ certificate near t
  function drawCert() {
    var box = $('qc'); clear(box);
    var best = null;
    D.certificates.forEach(function (c) { if (c.t <= state.t && (best === null || c.t > best.t)) best = c; });
    if (best === null) { box.appendChild(h('p', 'muted', 'Nothing decided yet at this moment.')); return; }
    box.appendChild(h('p', '', 'Decision s' + best.seq + (best.view !== null ? ' (view ' + best.view + ')' : '') + ' decided at ' + fmt(best.t) + '.'));
    // The certificate is the first Q signatures: they decided it; any later ones did not.
    var q = D.quorum.q, deciding = best.signers.slice(0, q);
    var ul = h('ul', 'signers');
    D.orderers.forEach(function (o) {
      var signed = deciding.indexOf(o) >= 0, late = !signed && best.signers.indexOf(o) >= 0;
      ul.appendChild(h('li', signed ? 'signed' : 'unsigned', (signed ? '✔ ' : '· ') + o + (signed ? ' signed' : late ? ' signed after the quorum' : ' no signature')));
    });
    box.appendChild(ul);
    box.appendChild(h('p', '', 'Decided by the ' + deciding.length + ' signature' + (deciding.length === 1 ? '' : 's') + ' (Q = ' + q + ') of ' +
      (deciding.length > 0 ? deciding.join(', ') : 'no orderer (no signatures recorded)') + '.'));
    box.appendChild(h('p', 'muted', 'Written to the ledger through consensus by ' + best.decidedBy.length + ' orderer' + (best.decidedBy.length === 1 ? '' : 's') + ' by the end of the run.'));
  }

  // ------------------------------------------------------------ quorum panel
  var qsel = $('quorum-n');
  D.quorumTable.forEach(function (r) {
    var o = h('option', '', 'n = ' + r.n); o.value = String(r.n); qsel.appendChild(o);
  });
  qsel.value = String(D.quorum.n);
  qsel.addEventListener('change', drawQuorum);
  function drawQuorum() {
    var n = Number(qsel.value), row = null;
    D.quorumTable.forEach(function (r) { if (r.n === n) row = r; });
    if (row === null) row = D.quorum;
    var f = row.f, q = row.q, inter = 2 * q - n;
    var svg = $('quorum'); clear(svg);
    var cell = Math.min(40, 300 / n), Wq = 340, x0 = (Wq - n * cell) / 2, Hq = 130;
    svg.setAttribute('viewBox', '0 0 ' + Wq + ' ' + Hq);
    var current = n === D.quorum.n;
    var live = current ? liveOrderers(state.t) : null;
    for (var i = 0; i < n; i++) {
      var inQ1 = i < q, inQ2 = i >= n - q, both = inQ1 && inQ2;
      var name = current ? D.orderers[i] : 'orderer ' + (i + 1);
      var down = live !== null && live.indexOf(name) < 0;
      var c = el('circle', { cx: round(x0 + cell * i + cell / 2), cy: 65, r: round(cell * 0.36), 'class': 'qnode' + (both ? ' both' : '') + (down ? ' down' : '') });
      svg.appendChild(title(c, name + (both ? ': in both quorums' : '') + (down ? ' (down now)' : '')));
      svg.appendChild(el('text', { x: round(x0 + cell * i + cell / 2), y: 69, 'text-anchor': 'middle', 'class': 'qnum' }, i + 1));
    }
    function bracket(from, to, yy, label, cls) {
      var xa = round(x0 + cell * from + 3), xb = round(x0 + cell * to - 3);
      var dy = yy < 65 ? 6 : -6;
      svg.appendChild(el('path', { d: 'M' + xa + ' ' + (yy + dy) + 'V' + yy + 'H' + xb + 'V' + (yy + dy), 'class': 'bracket ' + cls }));
      svg.appendChild(el('text', { x: round((xa + xb) / 2), y: yy < 65 ? yy - 5 : yy + 13, 'text-anchor': 'middle', 'class': 'bracket-label ' + cls }, label));
    }
    bracket(0, q, 36, 'quorum Q1 (' + q + ')', 'q1');
    bracket(n - q, n, 94, 'quorum Q2 (' + q + ')', 'q2');
    var text = $('quorum-text'); clear(text);
    text.appendChild(h('p', '', 'n = ' + n + ', f = ⌊(n−1)/3⌋ = ' + f + ', Q = ⌈(n+f+1)/2⌉ = ' + q + '.'));
    text.appendChild(h('p', '', 'Any two quorums share at least 2Q − n = ' + inter + ' orderer' + (inter === 1 ? '' : 's') +
      (f > 0 ? ' ≥ f + 1 = ' + (f + 1) + ': at least one honest orderer is in both, and it never signs two different blocks at one height.' :
        '. With f = 0 there is no fault tolerance: one faulty orderer can stop or fork the channel.')));
    var extra = n % 3 === 2 ? 'n = 3f+2: one orderer more than 3f+1 = ' + (3 * f + 1) + ', same f.' :
      n % 3 === 0 ? 'n = 3f+3: two orderers more than 3f+1 = ' + (3 * f + 1) + ', same f: ' + (f + 1) + ' crashed orderers still leave Q live, but ' +
        (f + 1) + ' Byzantine ones could fill the whole intersection.' : 'n = 3f+1: the smallest n for f = ' + f + '.';
    text.appendChild(h('p', 'muted', extra));
    if (live !== null) {
      var ok = live.length >= q;
      text.appendChild(h('p', ok ? 'ok' : 'bad', 'At ' + fmt(state.t) + ': ' + live.length + ' of ' + n + ' orderers up — ' +
        (ok ? '≥ Q, consensus can decide.' : '< Q, no block can be decided until more return.')));
    }
  }

  // ------------------------------------------------------------ time control
  var slider = $('slider');
  // The slider moves along the same axis as the charts (quiet stretches pass quickly).
  slider.min = '0'; slider.max = '1'; slider.step = 'any';
  slider.addEventListener('input', function () { setTime(axisTime(Number(slider.value))); });
  // Moments worth jumping to: steps, faults beginning and ending, views beginning.
  var moments = (function () {
    var ts = [];
    D.steps.forEach(function (s) { if (s.at !== null) ts.push(s.at); });
    D.faults.forEach(function (f) { ts.push(f.from, f.to); });
    viewStarts.forEach(function (v) { ts.push(v[0]); });
    // A Byzantine leader's proposals (an equivocation is one): the first send of each (view, seq).
    var seenProposal = {};
    for (var i = 0; i < COUNT; i++) {
      var o = i * STRIDE;
      if (!(M[o + 8] & 1) || D.types[M[o + 4]] !== 'PrePrepare') continue;
      var key = M[o + 5] + '/' + M[o + 6];
      if (!seenProposal[key]) { seenProposal[key] = true; ts.push(M[o]); }
    }
    return ts.filter(function (t) { return t <= D.end; }).sort(function (a, b) { return a - b; });
  })();
  $('prev').addEventListener('click', function () {
    var best = 0;
    moments.forEach(function (t) { if (t < state.t - 1e-6) best = t; });
    setTime(best);
  });
  $('next').addEventListener('click', function () {
    for (var i = 0; i < moments.length; i++) if (moments[i] > state.t + 1e-6) return setTime(moments[i]);
    setTime(D.end);
  });
  // ▶ plays the run along the slider's axis: the whole run in about 30 s, quiet stretches quickly.
  var playBtn = $('play'), playing = false, lastFrame = 0;
  function frame(now) {
    if (!playing) return;
    var f = axisFraction(state.t) + (lastFrame ? (now - lastFrame) / 30000 : 0);
    lastFrame = now;
    if (f >= 1) { setTime(D.end); stop(); return; }
    setTime(axisTime(f));
    window.requestAnimationFrame(frame);
  }
  function stop() { playing = false; playBtn.textContent = '▶ play'; playBtn.setAttribute('aria-pressed', 'false'); }
  playBtn.addEventListener('click', function () {
    if (playing) return stop();
    if (state.t >= D.end) setTime(0);
    playing = true; lastFrame = 0;
    playBtn.textContent = '❚❚ pause'; playBtn.setAttribute('aria-pressed', 'true');
    window.requestAnimationFrame(frame);
  });
  // A link per moment: #t=<ms> in the address, kept up to date, read at load and on change.
  function momentFromHash() {
    var m = /(?:^#|&)t=([0-9]+(?:\.[0-9]+)?)/.exec(location.hash);
    return m ? Number(m[1]) : null;
  }
  window.addEventListener('hashchange', function () { var t = momentFromHash(); if (t !== null && Math.abs(t - state.t) > 1e-6) setTime(t); });
  function setTime(t) {
    state.t = Math.max(0, Math.min(D.end, t));
    var f = axisFraction(state.t);
    if (Math.abs(Number(slider.value) - f) > 1e-9) slider.value = String(f);
    schedule();
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    (window.requestAnimationFrame || function (f) { return setTimeout(f, 16); })(function () { pending = false; render(); });
  }
  function render() {
    $('time').textContent = fmt(state.t);
    var w = windowOf(state.t);
    charts.forEach(function (c) {
      var xc = round(xOf(state.t));
      c.cursor.setAttribute('x1', xc); c.cursor.setAttribute('x2', xc);
      c.band.setAttribute('x', round(xOf(w[0]))); c.band.setAttribute('width', Math.max(1, round(xOf(w[1]) - xOf(w[0]))));
    });
    drawMsc();
    drawNodes();
    drawCert();
    drawQuorum();
    document.body.setAttribute('data-t', String(state.t));
    var hash = '#t=' + Math.round(state.t * 1000) / 1000;
    $('moment-link').href = hash;
    if (!playing && location.hash !== hash) {
      try { history.replaceState(null, '', hash); } catch (e) { /* a sandboxed frame: the link still works */ }
    }
  }
  var fromHash = momentFromHash();
  setTime(fromHash !== null ? fromHash : D.focus);
  render();
})();
